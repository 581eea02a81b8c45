// Package manage implements `ctl manage ENV -- ARGS...`.
package manage

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
)

// Options are the inputs of `ctl manage`.
type Options struct {
	session.Options
}

// NewCmdManage builds the command; runF replaces the run in tests.
func NewCmdManage(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f)}
	cmd := &cobra.Command{
		Use:   "manage <env> -- <manage.py argument>...",
		Short: "Run a manage.py command in an environment",
		Long: `Run manage.py with the environment's python, in its project directory,
with its .env loaded. The exit code is manage.py's; ctl's own failures
exit 255.`,
		Example: `  $ ctl manage local -- migrate
  $ ctl manage local -- showmigrations --plan`,
		Args:              cmdutil.EnvArg(true),
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

// Run runs manage.py.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	argv, err := t.ManageArgv(ctx)
	if err != nil {
		return err
	}
	argv = append(argv, opts.Args...)
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "manage", Command: argv, Yes: opts.Yes}
	return run.Guarded(ctx, func() error { return session.RunInTarget(ctx, opts.IO, t, argv) })
}
