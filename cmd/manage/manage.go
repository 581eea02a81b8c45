// Package manage implements `ctl manage ENV -- ARGS...`.
package manage

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl manage`.
type Options struct {
	IO     *iostreams.IOStreams
	Target func(string) (targets.Target, error)
	Env    string
	Args   []string
}

// NewCmdManage builds the command; runF replaces the run in tests.
func NewCmdManage(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Target: f.Target}
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
			before, after := cmdutil.SplitDash(cmd, args)
			opts.Env, opts.Args = before[0], after
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	// Everything after the environment belongs to the command.
	cmd.Flags().SetInterspersed(false)
	cmdutil.MarkPassthrough(cmd)
	return cmd
}

// Run runs manage.py.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Target(opts.Env)
	if err != nil {
		return err
	}
	argv, err := t.ManageArgv(ctx)
	if err != nil {
		return err
	}
	return cmdutil.RunInTarget(ctx, opts.IO, t, append(argv, opts.Args...))
}
