// Package diff implements `ctl diff ENV1 ENV2`: drift between two
// environments on any targets.
package diff

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/shells/drift"
	"github.com/ctlops/ctl/targets"
)

// Fields are the fields of `ctl diff --json`.
var Fields = []string{"envs", "items", "notes", "summary"}

// Options are the inputs of `ctl diff`.
type Options struct {
	IO       *iostreams.IOStreams
	F        *cmdutil.Factory
	A, B     string
	All      bool
	Reveal   bool
	Yes      bool
	Skip     []string
	Exporter cmdutil.Exporter
}

// NewCmdDiff builds `ctl diff`.
func NewCmdDiff(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, F: f}
	cmd := &cobra.Command{
		Use:   "diff <env1> <env2>",
		Short: "Show the drift between two environments",
		Long: `Compare two environments, on any targets: their variables (only in one,
or different by hash, each with its source), images and digests,
replicas and resources (Kubernetes), applied migrations (showmigrations
run in each), and the effective security-relevant Django settings (the
audit of the local settings module, evaluated with each environment's
variables).

Differences that are expected are not drift: the environment's own name
(and namespace) inside a value is normalised to {env}; values that
differ per environment by design (SECRET_KEY, database and cache
addresses, ALLOWED_HOSTS, replica counts...) and the patterns of
drift.ignore in ctl.yaml are expected. Only surprising drift is shown,
--all shows everything.

Values are masked (length and SHA-256 prefix) unless --reveal, which the
production guard asks for on a protected environment. Exits 1 when
there is surprising drift, so that CI can run it.`,
		Example: `  $ ctl diff staging prod
  $ ctl diff qa vm --all --json
  $ ctl diff qa staging --skip migrations,settings`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.A, opts.B = args[0], args[1]
			if opts.A == opts.B {
				return exitcode.Usagef("ctl diff compares two different environments; got %q twice", opts.A)
			}
			for _, s := range opts.Skip {
				switch s {
				case "env", "workloads", "migrations", "settings":
				default:
					return exitcode.Usagef("--skip: unknown part %q; some of env, workloads, migrations, settings", s)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.All, "all", false, "Show expected differences and equal items too")
	fl.BoolVar(&opts.Reveal, "reveal", false, "Show variables' values instead of their hashes (guarded on protected environments; recorded in the trail)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm --reveal on a protected environment without the typed confirmation")
	fl.StringSliceVar(&opts.Skip, "skip", nil, "Parts not to compare: env, workloads, migrations, settings")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

func (o *Options) skip(part string) bool {
	for _, s := range o.Skip {
		if s == part {
			return true
		}
	}
	return false
}

// side is one environment's gathered state.
type side struct {
	t     targets.Target
	names []string // what Normalise replaces
	env   *targets.Environ
}

// Run compares the two environments.
func Run(ctx context.Context, opts *Options) error {
	cfg, err := opts.F.Config()
	if err != nil {
		return err
	}
	var sides [2]*side
	for i, name := range []string{opts.A, opts.B} {
		t, err := opts.F.Target(ctx, name, targets.Options{})
		if err != nil {
			return err
		}
		s := &side{t: t, names: []string{name}}
		if n, ok := t.(interface{ Namespace() string }); ok && n.Namespace() != name {
			s.names = append(s.names, n.Namespace())
		}
		sides[i] = s
	}
	compare := func() error { return compareAndReport(ctx, opts, sides, cfg.Drift.Ignore) }
	if !opts.Reveal {
		return compare()
	}
	// --reveal: the guard and a trail record for each side.
	wrap := compare
	for _, s := range []*side{sides[1], sides[0]} {
		inner := wrap
		run := session.Run{IO: opts.IO, F: opts.F, Target: s.t, Verb: "diff --reveal", Command: []string{opts.A, opts.B}, Yes: opts.Yes, OwnCodes: true}
		wrap = func() error { return run.Guarded(ctx, inner) }
	}
	return wrap()
}

func compareAndReport(ctx context.Context, opts *Options, sides [2]*side, ignore []string) error {
	var items []drift.Item
	var notes []string
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	a, b := sides[0], sides[1]

	// Variables.
	for _, s := range sides {
		r, ok := s.t.(targets.AppEnvReader)
		if !ok {
			note("%s: its target cannot tell the app's environment", s.t.Env().Name)
			continue
		}
		env, err := r.AppEnv(ctx)
		if err != nil {
			return err
		}
		s.env = env
		defer env.Clear()
	}
	if !opts.skip("env") && a.env != nil && b.env != nil {
		items = append(items, drift.Compare(drift.KindEnv, drift.EnvValues(a.env, a.names, opts.Reveal), drift.EnvValues(b.env, b.names, opts.Reveal))...)
	}

	// Workloads.
	if !opts.skip("workloads") {
		wa, okA := a.t.(targets.WorkloadDescriber)
		wb, okB := b.t.(targets.WorkloadDescriber)
		if okA && okB {
			va, err := workloadValues(ctx, wa)
			if err != nil {
				return err
			}
			vb, err := workloadValues(ctx, wb)
			if err != nil {
				return err
			}
			for _, kind := range []string{drift.KindImage, drift.KindReplicas, drift.KindResources} {
				items = append(items, drift.Compare(kind, va[kind], vb[kind])...)
			}
		} else {
			note("images, replicas and resources: compared between Kubernetes environments only (%s is %s, %s is %s)",
				opts.A, a.t.Env().Target, opts.B, b.t.Env().Target)
		}
	}

	// Migrations.
	if !opts.skip("migrations") {
		// In parallel: each runs manage.py in its environment.
		var ma, mb map[string]bool
		var errA, errB error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); ma, errA = migrations(ctx, a.t) }()
		mb, errB = migrations(ctx, b.t)
		wg.Wait()
		switch {
		case errA != nil:
			note("migrations: not compared: %s: %v", opts.A, errA)
		case errB != nil:
			note("migrations: not compared: %s: %v", opts.B, errB)
		default:
			items = append(items, drift.Compare(drift.KindMigration, drift.MigrationValues(ma), drift.MigrationValues(mb))...)
		}
	}

	// Settings, as the audit evaluates them with each environment's variables.
	if !opts.skip("settings") && a.env != nil && b.env != nil {
		sa, errA := settings(ctx, opts, a)
		sb, errB := settings(ctx, opts, b)
		switch {
		case errA != nil:
			note("settings: not compared: %s: %v", opts.A, errA)
		case errB != nil:
			note("settings: not compared: %s: %v", opts.B, errB)
		default:
			items = append(items, drift.Compare(drift.KindSetting, sa, sb)...)
		}
	}

	drift.Classify(items, ignore)
	return report(opts, items, notes)
}

func workloadValues(ctx context.Context, w targets.WorkloadDescriber) (map[string]map[string]drift.Value, error) {
	ws, err := w.Workloads(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]drift.Value{drift.KindImage: {}, drift.KindReplicas: {}, drift.KindResources: {}}
	for _, wl := range ws {
		key := wl.Kind + "/" + wl.Name
		r := fmt.Sprint(wl.Replicas)
		out[drift.KindReplicas][key] = drift.Value{Cmp: r, Show: r}
		for _, c := range wl.Containers {
			img := c.Image
			if c.Digest != "" {
				img += " (" + shortDigest(c.Digest) + ")"
			}
			out[drift.KindImage][key+"/"+c.Name] = drift.Value{Cmp: c.Image + "@" + c.Digest, Show: img}
			res := strings.TrimSpace("requests " + orNone(c.Requests) + "; limits " + orNone(c.Limits))
			out[drift.KindResources][key+"/"+c.Name] = drift.Value{Cmp: res, Show: res}
		}
	}
	return out, nil
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// migrations runs `manage.py showmigrations --list` in the environment.
func migrations(ctx context.Context, t targets.Target) (map[string]bool, error) {
	manage, err := t.ManageArgv(ctx)
	if err != nil {
		return nil, err
	}
	var out, errb bytes.Buffer
	code, err := t.Run(ctx, targets.Command{Argv: append(manage, "showmigrations", "--list"), Stdout: &out, Stderr: &errb, NoStdin: true})
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("showmigrations exited %d: %s", code, targets.LastLine(errb.String()))
	}
	return drift.ParseShowMigrations(out.String()), nil
}

// settings evaluates the local settings module with the side's variables.
func settings(ctx context.Context, opts *Options, s *side) (map[string]drift.Value, error) {
	cwd, err := opts.F.Cwd()
	if err != nil {
		return nil, err
	}
	env, from := map[string]string{}, map[string]string{}
	for _, v := range s.env.Vars {
		if v.Known {
			env[v.Name], from[v.Name] = v.Value, s.t.Env().Name+": "+v.Source.String()
		}
	}
	target := s.t.Env().Settings
	if target == "" {
		target = env["DJANGO_SETTINGS_MODULE"]
	}
	res, err := audit.Run(ctx, audit.Options{Target: target, Cwd: cwd, Env: env, EnvFrom: from})
	clear(env)
	if err != nil {
		return nil, err
	}
	out := map[string]drift.Value{}
	for _, st := range res.Settings {
		v := drift.Value{Show: st.Value, Where: st.Source.String()}
		if !st.Known {
			v.Show = "(unknown)"
		}
		v.Cmp = drift.Normalise(v.Show, s.names)
		out[st.Name] = v
	}
	return out, nil
}

func report(opts *Options, items []drift.Item, notes []string) error {
	surprising, expected, same := 0, 0, 0
	for _, it := range items {
		switch {
		case it.Status == drift.Same:
			same++
		case it.Expected:
			expected++
		default:
			surprising++
		}
	}
	var result error
	if surprising > 0 {
		result = exitcode.SilentError
	}
	if opts.Exporter.Enabled() {
		shown := make([]drift.Item, 0, len(items))
		for _, it := range items {
			if opts.All || it.Surprising() {
				shown = append(shown, it)
			}
		}
		if notes == nil {
			notes = []string{}
		}
		doc := opts.Exporter.Filter(map[string]any{"envs": []string{opts.A, opts.B}, "items": shown, "notes": notes,
			"summary": map[string]int{"surprising": surprising, "expected": expected, "same": same}})
		doc["schemaVersion"] = cmdutil.SchemaVersion
		if err := opts.Exporter.Write(opts.IO.Out, doc); err != nil {
			return err
		}
		return result
	}
	cs := opts.IO.ColorScheme()
	for _, n := range notes {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", cs.Muted("note:"), n)
	}
	writeItems(opts.IO.Out, cs, opts, items)
	fmt.Fprintf(opts.IO.ErrOut, "%s ↔ %s: %d surprising, %d expected, %d same\n", cs.Bold(opts.A), cs.Bold(opts.B), surprising, expected, same)
	return result
}

func writeItems(w io.Writer, cs *iostreams.ColorScheme, opts *Options, items []drift.Item) {
	var tp tableprinter.Table
	side := func(v *drift.Value) string {
		if v == nil {
			return cs.Muted("—")
		}
		s := v.Show
		if v.Where != "" {
			s += " " + cs.Muted("("+v.Where+")")
		}
		return s
	}
	for _, it := range items {
		if !opts.All && !it.Surprising() {
			continue
		}
		status := it.Status
		switch it.Status {
		case drift.OnlyA:
			status = "only in " + opts.A
		case drift.OnlyB:
			status = "only in " + opts.B
		}
		switch {
		case it.Status == drift.Same:
			status = cs.Muted(status)
		case it.Expected:
			status = cs.Muted(status + ", expected: " + it.Why)
		default:
			status = cs.Yellow(status)
		}
		tp.AddRow(it.Kind, cs.Bold(it.Key), status, opts.A+": "+side(it.A), opts.B+": "+side(it.B))
	}
	_ = tp.Render(w)
}
