// Package pyshell implements `ctl pyshell ENV`.
package pyshell

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl pyshell`.
type Options struct {
	IO     *iostreams.IOStreams
	Target func(context.Context, string, targets.Options) (targets.Target, error)
	Where  targets.Options
	F      *cmdutil.Factory
	Yes    bool
	Env    string
	Plain  bool
	Args   []string
}

// NewCmdPyShell builds the command; runF replaces the run in tests.
func NewCmdPyShell(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Target: f.Target, F: f}
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
			before, after := cmdutil.SplitDash(cmd, args)
			opts.Env, opts.Args = before[0], after
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "Use manage.py shell even when shell_plus is available")
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Confirm a protected environment without the typed confirmation")
	cmdutil.MarkPassthrough(cmd)
	return cmd
}

// Run opens the shell.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Target(ctx, opts.Env, opts.Where)
	if err != nil {
		return err
	}
	if err := cmdutil.CheckHostFlags(t, opts.Where); err != nil {
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
