// Package exec implements `ctl exec ENV -- CMD [ARG...]`.
package exec

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl exec`.
type Options struct {
	session.Options
}

// NewCmdExec builds the command; runF replaces the run in tests.
func NewCmdExec(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f)}
	cmd := &cobra.Command{
		Use:   "exec <env> -- <command> [<arg>...]",
		Short: "Run a command in an environment's app",
		Long: `Run one command, without a shell, where the app runs: on the local
environment in the project directory with the project's .env loaded.
Scripts can trust the exit code: it is the command's; ctl's own failures
exit 255.

On an ssh environment the command runs on one host (--host, or the first
answering host of --role, default web); with --all on every host, or with
--role on every host of that role, in parallel. Each output line is then
prefixed with its host ("web1 | ..."), stderr ends with one line per host,
and the exit code is the worst of them (255 when ssh itself failed).`,
		Example: `  $ ctl exec local -- python3 manage.py check
  $ ctl exec local -- env
  $ ctl exec prod --role web -- sudo systemctl restart myapp
  $ ctl exec prod --all -- df -h /srv`,
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
	opts.AddFlags(cmd, true)
	return cmd
}

// Run runs the command.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "exec", Command: opts.Args, Yes: opts.Yes}
	if f, ok := t.(targets.Fanout); ok {
		hosts, fan, err := f.FanoutHosts()
		if err != nil {
			return err
		}
		if fan {
			return run.Guarded(ctx, func() error { return fanout(ctx, opts, f, hosts) })
		}
	}
	return run.Guarded(ctx, func() error { return session.RunInTarget(ctx, opts.IO, t, opts.Args) })
}

// fanout runs the command on every host at once: output lines prefixed
// with the host, a summary on stderr, the worst exit code.
func fanout(ctx context.Context, opts *Options, f targets.Fanout, hosts []string) error {
	cs := opts.IO.ColorScheme()
	rs := shells.RunFanout(ctx, f, shells.FanoutOptions{
		Hosts: hosts, Argv: opts.Args, Stdout: opts.IO.Out, Stderr: opts.IO.ErrOut,
		Prefix: func(_, padded string) string { return cs.Muted(padded) },
	})
	width := 0
	for _, r := range rs {
		width = max(width, len(r.Host))
	}
	failed := 0
	for _, r := range rs {
		dur := r.Duration.Round(10 * time.Millisecond).String()
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(opts.IO.ErrOut, "%s %-*s  error: %v\n", cs.FailureIcon(), width, r.Host, r.Err)
		case r.Code != 0:
			failed++
			fmt.Fprintf(opts.IO.ErrOut, "%s %-*s  exit %d  %s\n", cs.FailureIcon(), width, r.Host, r.Code, cs.Muted(dur))
		default:
			fmt.Fprintf(opts.IO.ErrOut, "%s %-*s  exit 0  %s\n", cs.SuccessIcon(), width, r.Host, cs.Muted(dur))
		}
	}
	worst := shells.WorstCode(rs)
	fmt.Fprintf(opts.IO.ErrOut, "%d hosts: %d ok, %d failed; exit %d\n", len(rs), len(rs)-failed, failed, worst)
	return session.CodeError(worst)
}
