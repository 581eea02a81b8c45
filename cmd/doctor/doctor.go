// Package doctor implements `ctl doctor [ENV...]`.
package doctor

import (
	"context"
	"fmt"

	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/checks/doctor"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
)

// Options are the inputs of `ctl doctor`.
type Options struct {
	IO       *iostreams.IOStreams
	Prompter func() prompter.Prompter
	// Deps loads the configuration afresh and returns the checks' view
	// of the world (called again after a fix, so re-checks see it).
	Deps func() doctor.Deps

	Envs     []string
	Timeout  time.Duration
	List     bool
	Checks   []string
	Verbose  bool
	Fix      bool
	Yes      bool
	DryRun   bool
	Exporter cmdutil.Exporter
}

// Fields are the top-level JSON fields.
var Fields = []string{"schemaVersion", "ok", "checks", "summary", "fixes"}

// NewCmdDoctor builds the command; runF replaces the run in tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Prompter: f.Prompter, Deps: func() doctor.Deps { return depsFrom(f) }}
	cmd := &cobra.Command{
		Use:   "doctor [<env>...] [flags]",
		Short: "Check this machine and every environment's access, and fix what can be fixed",
		Long: `Check the workstation (kubectl, psql, ssh, python, kubeconfig, completion,
clocks), the configuration (ctl.yaml, kube contexts, .env, ctl audit) and
each environment (API reachable, namespace, ready pods, RBAC, database
through ctl's own tunnel, SSH hosts): in parallel, each check bounded by
--timeout. With no <env>, every configured environment is checked.

Every check has a stable ID (ctl doctor --list; docs/doctor.md). A
failure comes with a remediation line; when ctl can repair it, the fix is
described as a plan, the exact commands or file edits, before anything
runs. --fix asks before each fix (on a terminal), applies it, then runs
the check again and shows its new status; --fix --yes applies them all
without asking; --dry-run only prints the plans.

Exit status: 0 when nothing failed (warnings allowed), 1 when a check
failed, 2 for a usage error.`,
		Example: `  $ ctl doctor
  $ ctl doctor qa prod --timeout 10s
  $ ctl doctor --check workstation.kubeconfig --fix --yes
  $ ctl doctor --dry-run
  $ ctl doctor --json | jq '.checks[] | select(.status == "fail")'`,
		GroupID:           "checks", // rootbase.GroupChecks
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Envs = args
			if err := validate(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&opts.Timeout, "timeout", doctor.DefaultTimeout, "Give up on a check after this `duration`")
	fl.BoolVar(&opts.List, "list", false, "List every check ID and exit")
	fl.StringSliceVar(&opts.Checks, "check", nil, "Run only the checks with this `ID` (repeatable, or comma-separated)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "Show details of passing checks and every check's duration")
	fl.BoolVar(&opts.Fix, "fix", false, "Offer each available fix, apply it when accepted, then check again")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "With --fix: apply every fix without asking")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan of every available fix; change nothing")
	_ = cmd.RegisterFlagCompletionFunc("check", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return doctor.IDs(), cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

func validate(opts *Options) error {
	if opts.Timeout <= 0 {
		return cmdutil.UsageErrorf("--timeout must be positive, got %s", opts.Timeout)
	}
	if opts.Yes && !opts.Fix {
		return cmdutil.UsageErrorf("--yes applies fixes: use it with --fix")
	}
	if opts.DryRun && opts.Fix && opts.Yes {
		return cmdutil.UsageErrorf("--dry-run changes nothing: drop --fix --yes, or --dry-run")
	}
	for _, id := range opts.Checks {
		if !doctor.Known(id) {
			msg := fmt.Sprintf("unknown check %q", id)
			if s := textutil.Suggest(id, doctor.IDs()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return exitcode.WithHint(&exitcode.UsageError{Err: fmt.Errorf("%s", msg)}, "ctl doctor --list shows every check ID")
		}
	}
	if opts.List && (opts.Fix || opts.DryRun || len(opts.Envs) > 0) {
		return cmdutil.UsageErrorf("--list takes no environment and no --fix/--dry-run")
	}
	if opts.Fix && !opts.DryRun && !opts.Yes && !opts.IO.CanPrompt() {
		return cmdutil.UsageErrorf("--fix asks before each fix, and this is not a terminal: add --yes to apply them all, or --dry-run to see the plans")
	}
	return nil
}

// depsFrom builds the checks' dependencies from the factory, loading the
// configuration afresh (the factory's Config is loaded once per process,
// and a fix may have just written ctl.yaml).
func depsFrom(f *cmdutil.Factory) doctor.Deps {
	cwd, _ := f.Cwd()
	team := f.ConfigFile
	if team == "" {
		team = f.Getenv("CTL_CONFIG")
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: cwd, TeamFile: team, PersonalFile: config.PersonalPath(f.Getenv)})
	var teamFile, app string
	if cfg != nil {
		teamFile, app = cfg.TeamFile, cfg.App
	}
	return doctor.Deps{
		Getenv: f.Getenv, Environ: f.Environ, LookPath: f.LookPath, Cwd: cwd,
		Config: cfg, ConfigErr: err, Euid: os.Geteuid(),
		// A fix may rewrite the kubeconfig: every run reads it afresh.
		Kube: kube.NewConnections(f.Getenv).Get,
		Target: func(env *config.Environment) (targets.Target, error) {
			return f.Drivers.New(context.Background(), env, targets.Deps{App: app, TeamFile: teamFile, Cwd: cwd,
				Getenv: f.Getenv, Environ: f.Environ, LookPath: f.LookPath})
		},
	}
}

// Run checks, reports and fixes.
func Run(ctx context.Context, opts *Options) error {
	if opts.List {
		return writeList(opts)
	}
	deps := opts.Deps()
	deps.Timeout = opts.Timeout
	if len(opts.Envs) > 0 {
		if deps.ConfigErr != nil {
			return deps.ConfigErr
		}
		for _, n := range opts.Envs {
			if _, err := targets.Lookup(deps.Config, n); err != nil {
				return err
			}
		}
	}
	checks := doctor.Filter(doctor.Build(deps, opts.Envs), opts.Checks)
	if len(checks) == 0 {
		return exitcode.WithHint(fmt.Errorf("no check applies: %s", strings.Join(opts.Checks, ", ")),
			"kubernetes and ssh checks need an environment of that kind in ctl.yaml")
	}
	// client-go reports a port-forward's closing stream through klog, on
	// stderr; the doctor's report is the place for what went wrong.
	kube.QuietLogs()
	start := time.Now()
	r := newReporter(opts, checks)
	results := doctor.Run(ctx, checks, opts.Timeout, r.observer())
	r.finish(results)
	if ctx.Err() != nil {
		return exitcode.CancelError
	}
	elapsed := time.Since(start)

	var fixes []fixRecord
	if opts.DryRun {
		r.plans(results)
	} else if opts.Fix {
		var err error
		fixes, err = runFixes(ctx, opts, r, results)
		if err != nil {
			return err
		}
	}
	if opts.Exporter.Enabled() {
		if err := writeJSON(opts, results, fixes); err != nil {
			return err
		}
	} else {
		r.summary(results, elapsed, opts.Fix)
	}
	for _, res := range results {
		if res.Status == doctor.Fail {
			return exitcode.SilentError
		}
	}
	return nil
}
