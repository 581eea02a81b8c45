// Package migrate implements `ctl migrate ENV [ARGS]`: the plan, the
// production guard, then `manage.py migrate` as a one-off run, under a
// lock against concurrent migrations.
package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
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

// LockName is the lock (Kubernetes: the Lease) concurrent migrations take.
const LockName = "ctl-migrate"

// Options are the inputs of `ctl migrate`.
type Options struct {
	session.Options
	Deadline time.Duration
	Exporter cmdutil.Exporter
	Now      func() time.Time
}

// JSONFields are the fields of --json.
var JSONFields = []string{"env", "plan", "applied", "job", "image", "exitCode", "durationMs"}

// NewCmdMigrate builds the command; runF replaces the run in tests.
func NewCmdMigrate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f), Now: time.Now}
	cmd := &cobra.Command{
		Use:   "migrate <env> [-- <migrate argument>...]",
		Short: "Apply Django migrations safely: plan, confirm, one run at a time",
		Long: `Apply the app's Django migrations.

First the plan: 'manage.py migrate --plan' with the same arguments shows
what would be applied (or unapplied), each migration with its operations;
operations Django marks IRREVERSIBLE, and raw Python/SQL ones, are
flagged. Nothing to do: ctl says so and stops. Then the production guard,
then 'manage.py migrate' itself, its exit code passed through.

On Kubernetes both run as one-off Jobs (as 'ctl run' starts them, from
the component's Deployment), under a Lease named ctl-migrate in the
namespace: a second 'ctl migrate' while one holds it is refused (exit
255), and the Lease expires a minute after a killed ctl stopped renewing
it. With 'migrations: job: NAME' in ctl.yaml the chart's own migration
Job is re-run instead (deleted and created again from its spec).

ssh and local: the commands run like 'ctl manage'; the migration takes
a PostgreSQL advisory lock (1668574317) once Django is set up, and a
second one while it is held exits 75 without applying anything.`,
		Example: `  $ ctl migrate qa
  $ ctl migrate prod --yes
  $ ctl migrate qa -- inventory 0001
  $ ctl migrate prod --json`,
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
	cmd.Flags().DurationVar(&opts.Deadline, "deadline", time.Hour, "Stop the migration after this long (Kubernetes: the Job's activeDeadlineSeconds)")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, JSONFields)
	return cmd
}

// Run migrates.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	if t.Env().MigrationsJob != "" && len(opts.Args) > 0 {
		return cmdutil.UsageErrorf("environment %q re-runs its migration Job %s (migrations.job): ctl migrate takes no migrate arguments there", t.Env().Name, t.Env().MigrationsJob)
	}
	io := opts.IO
	cs := io.ColorScheme()
	start := opts.Now()
	manage, err := t.ManageArgv(ctx)
	if err != nil {
		return err
	}
	argv := append(append(append([]string{}, manage...), "migrate"), opts.Args...)
	planArgv := append(append(append([]string{}, manage...), "migrate", "--plan"), opts.Args...)
	user := session.CurrentUser()
	host, _ := os.Hostname()
	sessionID := session.NewID()

	// The lock first: the plan shown is the one applied.
	l, leased := t.(targets.Locker)
	if leased {
		release, err := l.Lock(ctx, LockName, fmt.Sprintf("%s@%s (ctl migrate %s)", user, host, sessionID))
		if err != nil {
			return err
		}
		defer release()
	}

	runner, isRunner := t.(targets.Runner)
	var planOut, planErr bytes.Buffer
	var planCode int
	if isRunner {
		res, err := runner.RunJob(ctx, targets.RunRequest{Argv: planArgv, Display: strings.Join(shells.RedactArgs(planArgv), " "), Stdout: &planOut, Stderr: &planErr,
			Deadline: 10 * time.Minute, User: user, Session: sessionID, Verb: "migrate-plan"})
		if err != nil {
			return fmt.Errorf("migrate --plan: %w", err)
		}
		planCode = res.ExitCode
	} else {
		planCode, err = t.Run(ctx, targets.Command{Argv: planArgv, Stdout: &planOut, Stderr: &planErr})
		if err != nil {
			return fmt.Errorf("migrate --plan: %w", err)
		}
	}
	if planCode != 0 {
		io.ErrOut.Write(planOut.Bytes()) //nolint:errcheck,gosec
		io.ErrOut.Write(planErr.Bytes()) //nolint:errcheck,gosec
		fmt.Fprintf(io.ErrOut, "manage.py migrate --plan exited %d: nothing was applied\n", planCode)
		return session.CodeError(planCode)
	}
	steps, ok := shells.ParseMigratePlan(planOut.String())
	if !ok {
		io.ErrOut.Write(planOut.Bytes()) //nolint:errcheck,gosec
		return fmt.Errorf("manage.py migrate --plan printed no plan: nothing was applied")
	}
	irreversible := 0
	for _, s := range steps {
		if s.Irreversible {
			irreversible++
		}
	}
	if !opts.Exporter.Enabled() || io.IsStderrTTY() {
		printPlan(io, t.Env().Name, steps)
	}
	if len(steps) == 0 {
		if opts.Exporter.Enabled() {
			return writeJSON(opts, t, steps, false, targets.RunResult{}, start)
		}
		return nil
	}
	action := fmt.Sprintf("migrate (apply %d migration(s)", len(steps))
	if irreversible > 0 {
		action += fmt.Sprintf(", %d IRREVERSIBLE", irreversible)
	}
	action += ")"
	w := &shells.Workload{}
	var res targets.RunResult
	stdout := io.Out
	if opts.Exporter.Enabled() {
		stdout = io.ErrOut
	}
	req := targets.RunRequest{Argv: argv, Display: strings.Join(shells.RedactArgs(argv), " "), Stdout: stdout, Stderr: io.ErrOut, Deadline: opts.Deadline, User: user, Session: sessionID, Verb: "migrate",
		Started: func(ri targets.RunInfo) {
			w.Job, w.Image = ri.Name, ri.Image
			if io.IsStderrTTY() {
				fmt.Fprintf(io.ErrOut, "%s %s: Job %s (%s)\n", cs.SuccessIcon(), cs.Bold(t.Env().Name), ri.Name, ri.Image)
			}
		}}
	run := session.Run{IO: io, F: opts.F, Target: t, Verb: "migrate", Command: argv, Yes: opts.Yes, Action: action, Workload: w}
	err = run.Guarded(ctx, func() error {
		var err error
		job := t.Env().MigrationsJob
		rr, canRerun := t.(targets.JobRerunner)
		switch {
		case job != "" && canRerun:
			res, err = rr.RerunJob(ctx, job, req)
		case isRunner && leased:
			res, err = runner.RunJob(ctx, req)
		default:
			// No Lease here (ssh, local): migrate under a PostgreSQL
			// advisory lock, taken by the migrating process itself once
			// Django is set up.
			run := argv
			if locked, ok := shells.LockedMigrateArgv(manage, opts.Args); ok {
				run = locked
			}
			// migrate asks nothing (--no-input is Django's to give): no stdin.
			res.ExitCode, err = t.Run(ctx, targets.Command{Argv: run, NoStdin: true, Stdout: stdout, Stderr: io.ErrOut})
		}
		w.Detail = fmt.Sprintf("%d migration(s) planned", len(steps))
		if err != nil {
			return err
		}
		return session.CodeError(res.ExitCode)
	})
	var ee *exitcode.ExitError
	if opts.Exporter.Enabled() && (err == nil || errors.As(err, &ee)) {
		if jerr := writeJSON(opts, t, steps, true, res, start); jerr != nil {
			return jerr
		}
	}
	return err
}

func printPlan(io *iostreams.IOStreams, env string, steps []shells.MigrationStep) {
	cs := io.ColorScheme()
	if len(steps) == 0 {
		fmt.Fprintf(io.ErrOut, "%s %s: no migrations to apply\n", cs.SuccessIcon(), cs.Bold(env))
		return
	}
	fmt.Fprintf(io.ErrOut, "%s: %d migration(s) to apply:\n", cs.Bold(env), len(steps))
	for _, s := range steps {
		mark := ""
		switch {
		case s.Irreversible:
			mark = "  " + cs.Red("IRREVERSIBLE")
		case s.Raw:
			mark = "  " + cs.Yellow("(raw Python/SQL)")
		}
		fmt.Fprintf(io.ErrOut, "  %s%s\n", s.Migration, mark)
		for _, op := range s.Operations {
			fmt.Fprintf(io.ErrOut, "      %s\n", op)
		}
	}
}

func writeJSON(opts *Options, t targets.Target, steps []shells.MigrationStep, applied bool, res targets.RunResult, start time.Time) error {
	if steps == nil {
		steps = []shells.MigrationStep{}
	}
	doc := map[string]any{"env": t.Env().Name, "plan": steps, "applied": applied, "job": res.Name, "image": res.Image,
		"exitCode": res.ExitCode, "durationMs": opts.Now().Sub(start).Milliseconds()}
	doc = opts.Exporter.Filter(doc)
	doc["schemaVersion"] = cmdutil.SchemaVersion
	return opts.Exporter.Write(opts.IO.Out, doc)
}
