package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/checks/live"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
)

// resolveEnv decides whether the argument names an environment. A path
// written as one (with a slash, ending in .py, or starting with a dot)
// never does; a bare word that is an environment's name does, even when a
// file or directory of that name exists here (a note on stderr says how
// to audit that instead: ./NAME). A bare word that is neither an
// environment nor an existing path, nor a dotted module, is an unknown
// environment, with a "did you mean".
func resolveEnv(opts *Options, cwd string) (env string, err error) {
	arg := opts.Target
	if arg == "" || opts.F == nil || opts.F.Config == nil {
		return "", nil
	}
	if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".py") || strings.HasPrefix(arg, ".") {
		return "", nil
	}
	cfg, cerr := opts.F.Config()
	// A path, or a module file, of that name: here or under --root.
	candidates := []string{filepath.Join(cwd, arg), filepath.Join(cwd, arg+".py")}
	if opts.Root != "" {
		root := opts.Root
		if !filepath.IsAbs(root) {
			root = filepath.Join(cwd, root)
		}
		candidates = append(candidates, filepath.Join(root, arg+".py"))
	}
	exists := false
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			exists = true
		}
	}
	if cerr != nil || cfg == nil {
		if !exists && !strings.Contains(arg, ".") {
			// Not a path either: the configuration's error says more
			// than "not found".
			return "", cerr
		}
		return "", nil
	}
	if cfg.Env(arg) != nil {
		if exists {
			fmt.Fprintf(opts.IO.ErrOut, "note: %q is both an environment and a path here; auditing the environment (ctl audit ./%s audits the path)\n", arg, arg)
		}
		return arg, nil
	}
	if exists || strings.Contains(arg, ".") {
		return "", nil
	}
	// Neither: an environment name mistyped, most likely.
	return "", &targets.UnknownEnvError{Name: arg, Known: cfg.Names()}
}

// liveFlags reports whether a flag only the live audit takes was given.
func (o *Options) liveFlags() bool {
	return o.URL != "" || o.HTTPURL != "" || o.djangoSet || o.AdminPath != "" || o.adminSet
}

// runLive is `ctl audit ENV`: the layers run concurrently and are
// reconciled into one report.
func runLive(ctx context.Context, opts *Options, name, cwd, format string, failOn audit.Severity, aopts audit.Options) error {
	t, err := opts.F.Target(ctx, name, targets.Options{})
	if err != nil {
		return err
	}
	env := t.Env()
	siteURL := opts.URL
	if siteURL == "" {
		siteURL = env.URL
	}
	// The admin: flags first, then the environment's admin: block.
	adminPath, adminAllowed := opts.AdminPath, opts.AdminAllowed
	if adminPath == "" {
		adminPath = env.Admin.Path
	}
	if !opts.adminSet {
		adminAllowed = env.Admin.Allowed
	}
	in := live.Inputs{Durations: map[string]time.Duration{}}
	in.Display = func(p string) string {
		if rel, err := filepath.Rel(cwd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
		return p
	}
	var mu sync.Mutex
	timed := func(layer string, start time.Time) {
		mu.Lock()
		in.Durations[layer] = time.Since(start)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	// HTTP: independent of everything else, so first.
	if siteURL != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer timed(live.LayerHTTP, time.Now())
			in.HTTP, in.HTTPErr = live.Probe(ctx, live.ProbeOptions{URL: siteURL, HTTPURL: opts.HTTPURL, Pages: opts.Pages,
				AdminPath: adminPath, AdminAllowed: adminAllowed})
		}()
	}
	// Django's own check: what it prints is redacted once the app's
	// environment is known (below), before anything is shown.
	if opts.Django {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer timed(live.LayerDjango, time.Now())
			// Recorded in the session trail (and as a pod Event) like any
			// command ctl runs in an environment; no confirmation: it
			// only reads.
			argv, _ := t.ManageArgv(ctx)
			argv = append(append([]string{}, argv...), "check", "--deploy", "--fail-level", "CRITICAL")
			run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "audit", Command: argv, NoGuard: true, OwnCodes: true}
			_ = run.Guarded(ctx, func() error {
				in.Django, in.DjangoErr = live.RunDjango(ctx, t, nil)
				return in.DjangoErr
			})
		}()
	}
	// The app's environment: the static layer's values, and the secrets
	// to redact from every layer's output.
	start := time.Now()
	var environ *targets.Environ
	reader, ok := t.(targets.AppEnvReader)
	var envErr error
	if !ok {
		envErr = fmt.Errorf("the %s target cannot read the app's environment", env.Target)
	} else if environ, envErr = reader.AppEnv(ctx); envErr != nil {
		envErr = fmt.Errorf("reading the app's environment: %w", envErr)
	}
	redact := redactor(environ)
	if environ != nil {
		defer environ.Clear()
	}
	// Static, with the environment's values.
	func() {
		defer timed(live.LayerStatic, start)
		if envErr != nil {
			in.StaticErr = envErr
			return
		}
		aopts.Env, aopts.EnvFrom = environ.Map(), map[string]string{}
		for _, v := range environ.Vars {
			if v.Known {
				aopts.EnvFrom[v.Name] = v.Source.String()
				continue
			}
			if aopts.EnvUnknown == nil {
				aopts.EnvUnknown = map[string]string{}
			}
			aopts.EnvUnknown[v.Name] = v.Source.String()
		}
		if aopts.Target == "" && env.Settings != "" {
			aopts.Target = env.Settings
		}
		if p, ok := t.(targets.InProject); ok && aopts.Root == "" {
			aopts.Root = p.Dir()
		}
		res, err := audit.Run(ctx, aopts)
		if err != nil {
			in.StaticErr = errors.New(redact(err.Error()))
			return
		}
		in.Static = res
	}()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if in.DjangoErr != nil {
		in.DjangoErr = errors.New(redact(in.DjangoErr.Error()))
	}
	if in.Django != nil {
		for i := range in.Django.Messages {
			m := &in.Django.Messages[i]
			m.Message, m.Hint = redact(m.Message), redact(m.Hint)
		}
	}
	if !opts.Django {
		in.DjangoErr = nil
	}
	rep := live.Reconcile(in)
	if in.Static != nil && environ != nil {
		rep.Layers[0].Detail = describeEnviron(environ)
	}
	// --ignore drops IDs from every layer (SILENCED_SYSTEM_CHECKS is
	// already honoured by Django and by the static audit).
	kept := rep.Findings[:0]
	for _, f := range rep.Findings {
		if !slices.Contains(opts.Ignore, f.ID) {
			kept = append(kept, f)
		}
	}
	rep.Findings = kept
	// The static layer's values are redacted by the audit itself; make
	// sure nothing the other layers saw carries a secret either.
	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.Message, f.Value, f.Edge, f.Hint = redact(f.Message), redact(f.Value), redact(f.Edge), redact(f.Hint)
	}
	for i := range rep.Layers {
		rep.Layers[i].Detail = redact(rep.Layers[i].Detail)
	}
	if in.Static != nil {
		for i := range in.Static.Settings {
			in.Static.Settings[i].Value = redact(in.Static.Settings[i].Value)
		}
	}
	switch format {
	case "json":
		doc := rep.Doc(name)
		if opts.ShowSettings && in.Static != nil {
			doc.ResolvedSettings = in.Static.Doc(in.Display).ResolvedSettings
		}
		var out any = doc
		if opts.Exporter.Fields() != nil {
			m := map[string]any{"schemaVersion": doc.SchemaVersion, "environment": doc.Environment, "layers": doc.Layers,
				"findings": doc.Findings, "passed": doc.Passed, "score": doc.Score, "summary": doc.Summary,
				"incomplete": doc.Incomplete, "resolvedSettings": doc.ResolvedSettings}
			f := opts.Exporter.Filter(m)
			f["schemaVersion"] = doc.SchemaVersion
			out = f
		}
		if err := opts.Exporter.Write(opts.IO.Out, out); err != nil {
			return err
		}
	case "sarif":
		toRoot := func(file string) string { return filepath.ToSlash(file) }
		if in.Static != nil {
			toRoot = sarifURI(in.Static.SourceRoot(), cwd)
		}
		if err := rep.WriteSARIF(opts.IO.Out, build.Version, siteURL, toRoot); err != nil {
			return err
		}
	default:
		if opts.ShowSettings && in.Static != nil {
			writeSettings(opts.IO.Out, opts.IO.ColorScheme(), in.Static, opts.IO.IsStdoutTTY())
		}
		writeLive(opts.IO.Out, opts.IO.ColorScheme(), name, rep)
	}
	for _, f := range rep.Findings {
		if f.Counts(failOn) {
			return exitcode.SilentError
		}
	}
	if rep.Incomplete() {
		return exitcode.SilentError
	}
	return nil
}

// redactor replaces every value of the app's environment long enough to
// be a secret (six characters or more; "True", "False", "1" stay) with a
// mark, longest first, in whatever the live audit prints: the
// environment's values never reach an output, whatever their names (the
// static audit's own redaction goes by setting names only).
func redactor(e *targets.Environ) func(string) string {
	var secrets []string
	if e != nil {
		for _, v := range e.Vars {
			if v.Known && len(v.Value) >= 6 {
				secrets = append(secrets, v.Value)
			}
		}
	}
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	return func(s string) string {
		for _, v := range secrets {
			if strings.Contains(s, v) {
				s = strings.ReplaceAll(s, v, "<redacted>")
			}
		}
		return s
	}
}

func writeLive(w io.Writer, cs *iostreams.ColorScheme, name string, rep *live.Report) {
	fmt.Fprintf(w, "%s %s\n", cs.Bold("Live audit of"), name)
	for _, l := range rep.Layers {
		mark := cs.SuccessIcon()
		switch l.State {
		case "failed":
			mark = cs.FailureIcon()
		case "skipped":
			mark = cs.Muted("-")
		}
		line := fmt.Sprintf("  %s %-6s %s", mark, l.Name, l.State)
		if l.State != "skipped" {
			line += fmt.Sprintf(" (%d ms)", l.Millis)
		}
		if l.Detail != "" {
			line += ": " + l.Detail
		}
		fmt.Fprintln(w, line)
	}
	if rep.Score != nil {
		fmt.Fprintf(w, "  Observatory-comparable score: %d (%s)\n", rep.Score.Score, rep.Score.Grade)
	}
	groups := []struct {
		title string
		keep  func(live.Finding) bool
	}{
		{"Errors", func(f live.Finding) bool { return f.Status == live.Fail && f.Severity == audit.Error }},
		{"Warnings", func(f live.Finding) bool { return f.Status == live.Fail && f.Severity == audit.Warning }},
		{"Info", func(f live.Finding) bool {
			return (f.Status == live.Fail && f.Severity == audit.Info) || f.Status == live.Note
		}},
		{"Unknown (a layer could not tell)", func(f live.Finding) bool { return f.Status == live.Unknown }},
		{"Satisfied at the edge", func(f live.Finding) bool { return f.Status == live.Edge }},
	}
	for _, g := range groups {
		var fs []live.Finding
		for _, f := range rep.Findings {
			if g.keep(f) {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", cs.Bold(fmt.Sprintf("%s (%d)", g.title, len(fs))))
		for _, f := range fs {
			fmt.Fprintf(w, "  %s  %s  %s\n", cs.Bold(f.ID), cs.Muted("["+strings.Join(f.Layers, "+")+"]"), f.Message)
			var where []string
			if f.File != "" {
				where = append(where, fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column))
			}
			if f.Value != "" && f.Setting != "" {
				where = append(where, fmt.Sprintf("%s = %s (%s)", f.Setting, f.Value, f.Source))
			}
			if len(where) > 0 {
				fmt.Fprintf(w, "      %s\n", cs.Cyan(strings.Join(where, "  ")))
			}
			if f.Edge != "" {
				fmt.Fprintf(w, "      %s %s\n", cs.Muted("seen:"), f.Edge)
			}
			if len(f.Also) > 0 {
				fmt.Fprintf(w, "      %s %s\n", cs.Muted("also:"), strings.Join(f.Also, ", "))
			}
		}
	}
	if len(rep.Passed) > 0 {
		var ids []string
		for _, c := range rep.Passed {
			ids = append(ids, c.ID)
		}
		fmt.Fprintf(w, "\n%s %s\n", cs.Muted("passed:"), strings.Join(ids, ", "))
	}
	s := rep.Summary()
	fmt.Fprintf(w, "\n%d errors, %d warnings, %d info, %d satisfied at the edge, %d unknown; %d checks passed\n",
		s["error"], s["warning"], s["info"], s["edge"], s["unknown"], len(rep.Passed))
	if rep.Incomplete() {
		fmt.Fprintf(w, "%s incomplete: a layer could not run, its checks are unknown, not passed\n", cs.WarningIcon())
	}
}

// describeEnviron summarises where the static layer's values came from:
// the process, how many variables, and the objects or files defining
// them (each variable's own key or line is in the findings' provenance).
func describeEnviron(e *targets.Environ) string {
	seen := map[string]bool{}
	var from []string
	unknown := 0
	for _, v := range e.Vars {
		if !v.Known {
			unknown++
		}
		src := v.Source
		src.Key, src.Line = "", 0
		name := src.String()
		switch src.Kind {
		case targets.SourceSecret, targets.SourceConfigMap:
			name = src.Kind + " " + src.Name
		}
		if !seen[name] {
			seen[name] = true
			from = append(from, name)
		}
	}
	sort.Strings(from)
	d := fmt.Sprintf("%s: %d variables", e.Where, len(e.Vars))
	if unknown > 0 {
		d += fmt.Sprintf(" (%d unreadable, so unknown)", unknown)
	}
	if len(from) > 0 {
		d += " from " + strings.Join(from, ", ")
	}
	return d + "; others unset"
}
