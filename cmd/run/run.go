// Package run implements `ctl run ENV -- CMD...`: a one-off command in a
// fresh copy of the app (a Kubernetes Job), not in a serving pod.
package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
)

// Options are the inputs of `ctl run`.
type Options struct {
	session.Options
	Detach   bool
	Deadline time.Duration
	Size     string
	List     bool
	Attach   string
	Kill     string
	Exporter cmdutil.Exporter

	// Now is the clock (tests).
	Now func() time.Time
}

// JSONFields are the fields of --json.
var JSONFields = []string{"env", "job", "image", "pod", "host", "exitCode", "reason", "durationMs", "detached", "runs"}

// NewCmdRun builds the command; runF replaces the run in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f), Now: time.Now}
	cmd := &cobra.Command{
		Use:   "run <env> [--component <name>] [--detach] [--deadline <d>] [--size cpu=<q>,memory=<q>] -- <command> [<arg>...]",
		Short: "Run a one-off command in a fresh copy of the app",
		Long: `Run one command apart from the serving processes, with the app's image,
environment and secrets: on Kubernetes a Job built from the component's
live Deployment (image pinned to the running pod's digest, env, envFrom,
volumes, service account and security context kept; probes, ports,
lifecycle hooks, other containers and sidecar injection left out;
restartPolicy Never, no retries, --deadline as activeDeadlineSeconds).

With a terminal the command gets one (attached: keys, Ctrl-C and window
size go to it); otherwise its log is streamed and piped stdin is sent to
it. The exit code is the command's; ctl's own failures exit 255. When ctl
ends (the command finished, Ctrl-C, SIGTERM) the Job and its pod are
deleted, unless --detach: then ctl prints the Job's name and leaves it
running; --list shows the runs, --attach NAME follows one to its end,
--kill NAME deletes it, and 'ctl logs ENV run/NAME' reads its log.

On ssh the command runs on one host in the app's environment, like 'ctl
exec'; --detach starts it in a transient systemd user unit (systemd-run)
when the host has one, else under nohup, with its output in
~/.ctl-runs/NAME.log on the host. Local environments run it like 'ctl
exec'.`,
		Example: `  $ ctl run qa -- python manage.py clearsessions
  $ ctl run prod --deadline 3h --detach -- python manage.py rebuild_index
  $ ctl run --list prod
  $ ctl run prod --attach web-run-x7k2p
  $ ctl run prod --kill web-run-x7k2p`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.List || opts.Attach != "" || opts.Kill != "" {
				return cmdutil.EnvArg(false)(cmd, args)
			}
			return cmdutil.EnvArg(true)(cmd, args)
		},
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SetArgs(cmd, args)
			n := 0
			for _, b := range []bool{opts.List, opts.Attach != "", opts.Kill != ""} {
				if b {
					n++
				}
			}
			if n > 1 {
				return cmdutil.UsageErrorf("--list, --attach and --kill exclude each other")
			}
			if n == 1 && len(opts.Args) > 0 {
				return cmdutil.UsageErrorf("--list, --attach and --kill take no command")
			}
			if opts.Deadline < 0 {
				return cmdutil.UsageErrorf("--deadline must be positive")
			}
			if _, err := kube.ParseSize(opts.Size); err != nil {
				return cmdutil.UsageErrorf("%s", err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.AddFlags(cmd, false)
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Detach, "detach", "d", false, "Start the command and print its Job's name instead of waiting for it")
	fl.DurationVar(&opts.Deadline, "deadline", time.Hour, "Stop the command after this long (the Job's activeDeadlineSeconds)")
	fl.BoolVar(&opts.List, "list", false, "List the runs ctl started in the environment")
	fl.StringVar(&opts.Attach, "attach", "", "Follow the detached run `NAME` to its end (its exit code)")
	fl.StringVar(&opts.Kill, "kill", "", "Stop and delete the run `NAME`")
	fl.StringVar(&opts.Size, "size", "", "The run's CPU and memory, requests and limits alike (Kubernetes), e.g. `cpu=2,memory=4Gi`; the Deployment's otherwise")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, JSONFields)
	return cmd
}

// Run runs the command.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	runner, ok := t.(targets.Runner)
	if opts.Size != "" && t.Env().Target != config.TargetKubernetes {
		return exitcode.Invalidf("ctl run --size: environment %q is %s; sizes apply to Kubernetes Jobs", t.Env().Name, t.Env().Target)
	}
	switch {
	case opts.List:
		if !ok {
			return exitcode.Invalidf("ctl run --list: environment %q (%s) keeps no runs", t.Env().Name, t.Env().Target)
		}
		return list(ctx, opts, runner)
	case opts.Kill != "":
		if !ok {
			return exitcode.Invalidf("ctl run --kill: environment %q (%s) keeps no runs", t.Env().Name, t.Env().Target)
		}
		w := &shells.Workload{Job: opts.Kill}
		run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "run --kill", Command: []string{opts.Kill}, Yes: opts.Yes,
			Action: "run --kill (delete the Job " + opts.Kill + " and its pod)", Workload: w, OwnCodes: true}
		return run.Guarded(ctx, func() error {
			if err := runner.KillRun(ctx, opts.Kill); err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "%s deleted %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.Kill)
			return nil
		})
	}
	if !ok {
		if opts.Detach || opts.Attach != "" {
			return exitcode.Invalidf("ctl run --detach/--attach: not available on %s environments (%q): run it without, like ctl exec", t.Env().Target, t.Env().Name)
		}
		run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "run", Command: opts.Args, Yes: opts.Yes}
		return run.Guarded(ctx, func() error { return session.RunInTarget(ctx, opts.IO, t, opts.Args) })
	}
	return runJob(ctx, opts, t, runner)
}

func runJob(ctx context.Context, opts *Options, t targets.Target, runner targets.Runner) error {
	io := opts.IO
	tty := io.IsStdinTTY() && io.IsStdoutTTY() && !opts.Exporter.Enabled()
	req := targets.RunRequest{
		Argv: opts.Args, Display: strings.Join(shells.RedactArgs(opts.Args), " "), TTY: tty, Stdout: io.Out, Stderr: io.ErrOut, Detach: opts.Detach,
		Deadline: opts.Deadline, User: session.CurrentUser(), Session: session.NewID(), Size: opts.Size,
	}
	if tty {
		req.Stdin = io.In
	} else if piped(io.In) {
		req.Stdin = io.In
	}
	if opts.Exporter.Enabled() {
		req.Stdout = io.ErrOut // stdout carries the JSON document
	}
	w := &shells.Workload{}
	verb, action, cmdline := "run", "run (create a Job running: "+strings.Join(shells.RedactArgs(opts.Args), " ")+")", opts.Args
	if opts.Attach != "" {
		verb, action, cmdline = "run --attach", "run --attach "+opts.Attach, []string{opts.Attach}
		w.Job = opts.Attach
	}
	cs := io.ColorScheme()
	req.Started = func(ri targets.RunInfo) {
		w.Job, w.Image = ri.Name, ri.Image
		if io.IsStderrTTY() && !opts.Detach && ri.Name != "" {
			fmt.Fprintf(io.ErrOut, "%s %s: Job %s (%s)\n", cs.SuccessIcon(), cs.Bold(t.Env().Name), ri.Name, ri.Image)
		}
	}
	var res targets.RunResult
	start := opts.Now()
	run := session.Run{IO: io, F: opts.F, Target: t, Verb: verb, Command: cmdline, Yes: opts.Yes, Action: action, Workload: w}
	err := run.Guarded(ctx, func() error {
		var err error
		if opts.Attach != "" {
			res, err = runner.AttachRun(ctx, opts.Attach, req)
		} else {
			res, err = runner.RunJob(ctx, req)
		}
		if res.Image != "" {
			w.Image = res.Image
		}
		if res.Name != "" {
			w.Job = res.Name
		}
		if res.Reason != "" && res.ExitCode != 0 {
			w.Detail = res.Reason
		}
		if err != nil || opts.Detach {
			return err
		}
		return session.CodeError(res.ExitCode)
	})
	if opts.Detach && err == nil {
		if opts.Exporter.Enabled() {
			return writeJSON(opts, t, res, start, true)
		}
		fmt.Fprintln(io.Out, res.Name)
		if io.IsStderrTTY() && res.Host != "" {
			fmt.Fprintf(io.ErrOut, "%s started %s on %s (%s, output in %s); follow it: ctl run %s --attach %s\n",
				cs.SuccessIcon(), res.Name, res.Host, res.Reason, res.Log, t.Env().Name, res.Name)
		} else if io.IsStderrTTY() {
			fmt.Fprintf(io.ErrOut, "%s started %s (%s); follow it: ctl run %s --attach %s, or ctl logs %s run/%s\n",
				cs.SuccessIcon(), res.Name, res.Image, t.Env().Name, res.Name, t.Env().Name, res.Name)
		}
		return nil
	}
	var ee *exitcode.ExitError
	if opts.Exporter.Enabled() && (err == nil || errors.As(err, &ee)) {
		if jerr := writeJSON(opts, t, res, start, false); jerr != nil {
			return jerr
		}
	}
	return err
}

func writeJSON(opts *Options, t targets.Target, res targets.RunResult, start time.Time, detached bool) error {
	doc := map[string]any{
		"env": t.Env().Name, "job": res.Name, "image": res.Image, "pod": res.Pod, "host": res.Host,
		"exitCode": res.ExitCode, "reason": res.Reason, "durationMs": opts.Now().Sub(start).Milliseconds(), "detached": detached,
	}
	doc = opts.Exporter.Filter(doc)
	doc["schemaVersion"] = cmdutil.SchemaVersion
	return opts.Exporter.Write(opts.IO.Out, doc)
}

// piped: stdin is a pipe or a file (something to send), not a terminal
// or /dev/null.
func piped(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return in != nil
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	m := st.Mode()
	return m&os.ModeNamedPipe != 0 || m.IsRegular()
}

func list(ctx context.Context, opts *Options, runner targets.Runner) error {
	runs, err := runner.ListRuns(ctx)
	if err != nil {
		return err
	}
	if opts.Exporter.Enabled() {
		doc := map[string]any{"env": opts.Env, "runs": runs}
		doc = opts.Exporter.Filter(doc)
		doc["schemaVersion"] = cmdutil.SchemaVersion
		return opts.Exporter.Write(opts.IO.Out, doc)
	}
	if len(runs) == 0 {
		if opts.IO.IsStdoutTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "no runs in %s\n", opts.Env)
		}
		return nil
	}
	var tb tableprinter.Table
	human := opts.IO.IsStdoutTTY()
	if human {
		tb.AddRow("NAME", "STATUS", "USER", "STARTED", "COMMAND")
	}
	for _, r := range runs {
		started := r.Started.UTC().Format(time.RFC3339)
		if human {
			started = opts.Now().Sub(r.Started).Round(time.Second).String() + " ago"
		}
		if human {
			tb.AddRow(r.Name, r.Status, r.User, started, r.Command)
		} else {
			fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Status, r.User, started, r.Command)
		}
	}
	if !human {
		return nil
	}
	return tb.Render(opts.IO.Out)
}
