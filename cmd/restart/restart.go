// Package restart implements `ctl restart ENV [COMPONENT...]`.
package restart

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl restart`.
type Options struct {
	IO     *iostreams.IOStreams
	Target func(context.Context, string, targets.Options) (targets.Target, error)
	F      *cmdutil.Factory

	Env        string
	Components []string
	Where      targets.Options
	Yes        bool
	Parallel   int
	Timeout    time.Duration
	Exporter   cmdutil.Exporter
	Now        func() time.Time
}

// JSONFields are the fields of --json.
var JSONFields = []string{"env", "workloads", "ok", "error", "failure"}

// NewCmdRestart builds the command; runF replaces the run in tests.
func NewCmdRestart(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Target: f.Target, F: f, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "restart <env> [<component>...] [flags]",
		Short: "Restart an environment's processes and watch them come back",
		Long: `Restart the app's processes and wait until they are healthy again.

Kubernetes: each component's workload (found through its pods) gets a
rolling restart, as 'kubectl rollout restart' does it (the restartedAt
annotation on its pod template). A workload an operator owns (an
ownerReference to a custom resource, which would undo that change) has its
pods deleted one at a time instead, each replacement waited for. The
rollout is watched, and ctl stops at once when a new pod goes into
CrashLoopBackOff, ImagePullBackOff or ErrImagePull, cannot be scheduled,
or the Deployment reports ProgressDeadlineExceeded, showing the new pods'
events and last log lines, instead of waiting for a deadline.

ssh: the configured systemd unit (restart.unit) is restarted host by host
(--parallel N at a time), and each host must pass the health check
(health: an http URL fetched on the host, or a command) before the next
one starts. ctl stops at the first host that fails.

Exit 0 when everything is healthy, 1 when a restart failed.`,
		Example: `  $ ctl restart qa
  $ ctl restart prod web worker --yes
  $ ctl restart prod --parallel 2 --json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.UsageErrorf("missing environment name (see `ctl env list`)")
			}
			return nil
		},
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env, opts.Components = args[0], args[1:]
			if opts.Parallel < 1 {
				return cmdutil.UsageErrorf("--parallel must be at least 1")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm a protected environment without the typed confirmation")
	fl.IntVar(&opts.Parallel, "parallel", 1, "ssh: how many hosts restart at once")
	fl.DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "How long each workload (or host) may take to be healthy again")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, JSONFields)
	return cmd
}

// Run restarts.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Target(ctx, opts.Env, opts.Where)
	if err != nil {
		return err
	}
	rs, ok := t.(targets.Restarter)
	if !ok {
		return exitcode.Invalidf("ctl restart: environment %q (%s) has nothing ctl can restart", t.Env().Name, t.Env().Target)
	}
	io := opts.IO
	cs := io.ColorScheme()
	req := targets.RestartRequest{Components: opts.Components, Parallel: opts.Parallel, Timeout: opts.Timeout, At: opts.Now()}
	plan, err := rs.RestartPlan(ctx, req)
	if err != nil {
		return err
	}
	if !opts.Exporter.Enabled() || io.IsStderrTTY() {
		fmt.Fprintf(io.ErrOut, "%s will restart:\n", cs.Bold(t.Env().Name))
		for _, p := range plan {
			fmt.Fprintf(io.ErrOut, "  %s\n", p)
		}
	}
	p := newProgress(io)
	req.Progress = p.update
	var outs []targets.RestartOutcome
	w := &shells.Workload{}
	run := session.Run{IO: io, F: opts.F, Target: t, Verb: "restart", Command: opts.Components, Yes: opts.Yes,
		Action: "restart (" + strings.Join(plan, "; ") + ")", Workload: w, OwnCodes: true}
	err = run.Guarded(ctx, func() error {
		var err error
		outs, err = rs.Restart(ctx, req)
		p.finish()
		var parts []string
		for _, o := range outs {
			s := fmt.Sprintf("%s %d/%d", o.Workload, o.Ready, o.Desired)
			if o.Error != "" {
				s += " failed"
			}
			parts = append(parts, s)
		}
		w.Detail = strings.Join(parts, ", ")
		return err
	})
	var rf *targets.RestartFailure
	if opts.Exporter.Enabled() {
		doc := map[string]any{"env": t.Env().Name, "workloads": outs, "ok": err == nil, "error": "", "failure": nil}
		if err != nil {
			doc["error"] = shells.RedactString(err.Error())
		}
		if errors.As(err, &rf) {
			doc["failure"] = map[string]any{"workload": rf.Workload, "reason": rf.Reason, "message": rf.Message, "evidence": rf.Evidence}
		}
		doc = opts.Exporter.Filter(doc)
		doc["schemaVersion"] = cmdutil.SchemaVersion
		if jerr := opts.Exporter.Write(io.Out, doc); jerr != nil {
			return jerr
		}
	}
	if errors.As(err, &rf) {
		fmt.Fprintf(io.ErrOut, "%s %s\n", cs.FailureIcon(), rf.Error())
		fmt.Fprint(io.ErrOut, rf.Details())
		return exitcode.SilentError
	}
	if err == nil && !opts.Exporter.Enabled() {
		fmt.Fprintf(io.ErrOut, "%s %s restarted\n", cs.SuccessIcon(), t.Env().Name)
	}
	return err
}

// progress shows ready/desired per workload: one line rewritten in place
// on a terminal, a line per change otherwise.
type progress struct {
	io   *iostreams.IOStreams
	tty  bool
	open bool
	last string
}

func newProgress(io *iostreams.IOStreams) *progress {
	return &progress{io: io, tty: io.IsStderrTTY()}
}

func (p *progress) update(pr targets.RestartProgress) {
	cs := p.io.ColorScheme()
	icon := "…"
	switch pr.Phase {
	case "healthy":
		icon = cs.SuccessIcon()
	case "failed":
		icon = cs.FailureIcon()
	}
	line := fmt.Sprintf("%s %-28s %d/%d ready", icon, pr.Workload, pr.Ready, pr.Desired)
	if pr.Updated > 0 && pr.Phase == "rolling" {
		line += fmt.Sprintf(", %d new", pr.Updated)
	}
	if pr.Phase != "rolling" {
		line += "  " + pr.Phase
	}
	if line == p.last {
		return
	}
	p.last = line
	if p.tty {
		fmt.Fprintf(p.io.ErrOut, "\r\033[K%s", line)
		p.open = pr.Phase == "rolling"
		if !p.open {
			fmt.Fprintln(p.io.ErrOut)
		}
		return
	}
	fmt.Fprintln(p.io.ErrOut, line)
}

func (p *progress) finish() {
	if p.tty && p.open {
		fmt.Fprintln(p.io.ErrOut)
		p.open = false
	}
}
