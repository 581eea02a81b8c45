// Package pyshell implements `ctl pyshell ENV`.
package pyshell

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/shells"
)

// Options are the inputs of `ctl pyshell`.
type Options struct {
	session.Options
	// Plain is --plain: manage.py shell even when shell_plus is there.
	Plain bool
}

// NewCmdPyShell builds the command; runF replaces the run in tests.
func NewCmdPyShell(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f)}
	cmd := &cobra.Command{
		Use:   "pyshell <env> [-- <shell argument>...]",
		Short: "Open the Django shell of an environment",
		Long: `Open manage.py shell, or shell_plus when django-extensions is installed and
in INSTALLED_APPS (manage.py help --commands lists it). The python is the
configured one, else the project's .venv, else $VIRTUAL_ENV, else python3.`,
		Example: `  $ ctl pyshell local
  $ ctl pyshell local --plain
  $ ctl pyshell local -- -c 'from django.conf import settings; print(settings.DEBUG)'`,
		Args:              cmdutil.EnvArg(false),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SetArgs(cmd, args)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "Use manage.py shell even when shell_plus is available")
	opts.AddFlags(cmd, false)
	return cmd
}

// Run opens the shell.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	flavour := t.Env().PyShell
	if opts.Plain {
		flavour = "shell"
	}
	manage, err := t.ManageArgv(ctx)
	if err != nil {
		return err
	}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "pyshell", Command: append(manage, "shell"), Yes: opts.Yes}
	return run.Guarded(ctx, func() error {
		argv, err := shells.PyShellArgv(ctx, t, flavour, opts.Args)
		if err != nil {
			return err
		}
		return session.RunInTarget(ctx, opts.IO, t, argv)
	})
}
