// Package shell implements `ctl shell ENV [-- CMD...]`.
package shell

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
)

// Options are the inputs of `ctl shell`.
type Options struct {
	session.Options
}

// NewCmdShell builds the command; runF replaces the run in tests.
func NewCmdShell(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f)}
	cmd := &cobra.Command{
		Use:   "shell <env> [-- <command>...]",
		Short: "Open a shell in an environment's app",
		Long: `Open a shell where the app runs. On the local environment: your $SHELL in
the project directory with the project's .env loaded and CTL_ENV set.
With a command after --, the shell runs it and exits. On an ssh
environment: ssh -t to the host (--host, or the first answering host of
--role, default web), in the project directory with the app's env files
loaded, as sudo_user when set, in that user's login shell.

The shell's exit code is ctl's exit code; ctl's own failures exit 255.`,
		Example: `  $ ctl shell local
  $ ctl shell local -- 'echo $DATABASE_URL | cut -d@ -f2'
  $ ctl shell prod --host web2`,
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
	opts.AddFlags(cmd, false)
	return cmd
}

// Run opens the shell.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	var argv []string
	if len(opts.Args) > 0 {
		argv = t.ShellArgv(strings.Join(opts.Args, " "))
	}
	recorded := argv
	if recorded == nil {
		recorded = t.ShellArgv("")
	}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "shell", Command: recorded, Yes: opts.Yes}
	return run.Guarded(ctx, func() error { return session.RunInTarget(ctx, opts.IO, t, argv) })
}
