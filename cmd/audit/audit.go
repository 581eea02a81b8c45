// Package audit implements `ctl audit [PATH | MODULE]`.
package audit

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

// Options are the inputs of `ctl audit`.
type Options struct {
	IO            *iostreams.IOStreams
	Cwd           func() (string, error)
	Target        string
	Root          string
	EnvFiles      []string
	EnvPairs      []string
	FilePairs     []string
	DjangoVersion string
	Format        string
	FailOn        string
	Ignore        []string
	ShowSettings  bool
	Exporter      cmdutil.Exporter

	// The live audit (ctl audit ENV).
	F            *cmdutil.Factory
	URL          string
	HTTPURL      string
	Django       bool
	djangoSet    bool
	adminSet     bool // --admin-allowed given (it overrides admin.allowed)
	Pages        []string
	AdminPath    string
	AdminAllowed bool
}

// NewCmdAudit builds the command; runF replaces the run in tests.
func NewCmdAudit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Cwd: f.Cwd, F: f}
	cmd := &cobra.Command{
		Use:   "audit [<settings.py> | <dotted.module> | <env>]",
		Short: "Audit Django settings for deployment, statically or live in an environment",
		Long: `Audit Django settings the way manage.py check --deploy does, without
importing the project: a static evaluation of the settings source, in
milliseconds, that names the line responsible for every finding and where
its value came from (a literal, an environment variable's default, an
--env-file).

It reports Django's own deploy check IDs (security.W001–W025, E023, E024,
async.E001, caches.W002) with Django's exact conditions for the selected
version, plus ctl's checks for what the deployment checklist recommends and
Django never checks (ctl.*; see docs/audit.md).

Without --env-file/--env, environment variables are assumed unset, so
their defaults apply — what happens when a deployment forgets one. A JSON
secrets file the settings read with json.load (or yaml.safe_load) is unknown unless --file
gives the deployment's copy.

With an environment's name instead of a path (ctl audit prod), the live
audit runs up to three layers concurrently and reconciles them into one
report: the same static audit evaluated with the variables the app
process really gets (the pod spec's env/envFrom through the API, the
host's env file, the local .env; values are redacted in every output);
Django's own manage.py check --deploy run through the environment's exec
(--django, on by default); and HTTP probes of the site (--url, or url: in
ctl.yaml; GET only, at most 20 requests). Each finding says which layers
saw it; a setting-level finding the site satisfies at the edge (HSTS set
by the proxy) is shown as such and does not fail the audit; an HTTP
finding points at the responsible setting's line. A score comparable to
the Mozilla HTTP Observatory's is printed beside the severities. A layer
that could not run is reported, its checks unknown, and the exit code is 1.
A bare word that is both an environment and a path here is the
environment; write ./NAME for the path.`,
		Example: `  $ ctl audit
  $ ctl audit mysite/settings.py --env-file .env.prod
  $ ctl audit config.settings.production --root . --django-version 4.2
  $ ctl audit --format sarif > audit.sarif
  $ ctl audit --json --fail-on warning
  $ ctl audit prod
  $ ctl audit staging --url https://staging.example.com/ --django=false`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.UsageErrorf("expected at most one settings file or module, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Target = args[0]
			}
			opts.djangoSet = cmd.Flags().Changed("django")
			opts.adminSet = cmd.Flags().Changed("admin-allowed")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Root, "root", "", "Project `dir` for dotted modules and imports (default: nearest manage.py)")
	fl.StringArrayVar(&opts.EnvFiles, "env-file", nil, "Read deployment environment variables from a dotenv `file` (repeatable)")
	fl.StringArrayVar(&opts.EnvPairs, "env", nil, "Set a deployment environment variable `KEY=VALUE` (repeatable)")
	fl.StringArrayVar(&opts.FilePairs, "file", nil, "The deployment's copy of a JSON or YAML file the settings read with json.load or yaml.safe_load, `PATH=LOCAL` (PATH as the settings open it, relative to the project root or absolute; repeatable)")
	fl.StringVar(&opts.DjangoVersion, "django-version", "", "Django `version` whose defaults and checks apply, 3.2 … 6.1 (default: detected, else newest)")
	fl.StringVar(&opts.Format, "format", "", "Output `format`: text, json or sarif (default: text)")
	fl.StringVar(&opts.FailOn, "fail-on", "error", "Exit 1 when a finding is at or above this `level`: error, warning or info")
	fl.StringArrayVar(&opts.Ignore, "ignore", nil, "Drop findings with this check `ID` (repeatable)")
	fl.BoolVar(&opts.ShowSettings, "show-settings", false, "List every setting the checks read: value (secrets redacted), provenance and position")
	fl.StringVar(&opts.URL, "url", "", "Live audit: the site's `URL` to probe over HTTP (default: url: of the environment in ctl.yaml)")
	fl.StringVar(&opts.HTTPURL, "http-url", "", "Live audit: the plain-HTTP `URL` the redirect probe asks (default: --url with http:// and port 80)")
	fl.BoolVar(&opts.Django, "django", true, "Live audit: run manage.py check --deploy through the environment's exec")
	fl.StringArrayVar(&opts.Pages, "page", nil, "Live audit: a `path` fetched for the session and CSRF cookies (repeatable; default the admin login page)")
	fl.StringVar(&opts.AdminPath, "admin-path", "", "Live audit: the `path` where the admin is expected (default: admin.path of the environment, else /admin/)")
	fl.BoolVar(&opts.AdminAllowed, "admin-allowed", false, "Live audit: the admin at --admin-path is known and accepted, its probe passes (default: admin.allowed of the environment)")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, []string{"schemaVersion", "settings", "module", "djangoVersion", "versionSource", "environment", "envVars", "files", "findings", "resolvedSettings", "summary",
		"layers", "passed", "score", "incomplete"})
	return cmd
}

// Run audits and prints. Cancelling ctx (Ctrl-C, SIGTERM) stops the audit
// with an error exitcode maps to 130.
func Run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cwd, err := opts.Cwd()
	if err != nil {
		return err
	}
	failOn, ok := audit.ParseSeverity(opts.FailOn)
	if !ok {
		return cmdutil.UsageErrorf("--fail-on: unknown level %q; one of error, warning, info", opts.FailOn)
	}
	format := opts.Format
	if format == "" {
		format = "text"
		if opts.Exporter.Enabled() {
			format = "json"
		}
	}
	switch format {
	case "text", "json", "sarif":
	default:
		return cmdutil.UsageErrorf("--format: unknown format %q; one of text, json, sarif", format)
	}
	aopts := audit.Options{Target: opts.Target, Root: opts.Root, Cwd: cwd, Ignore: opts.Ignore,
		Env: map[string]string{}, EnvFrom: map[string]string{}}
	if opts.Root != "" && !filepath.IsAbs(opts.Root) {
		aopts.Root = filepath.Join(cwd, opts.Root)
	}
	if opts.DjangoVersion != "" {
		v, err := audit.ParseVersion(opts.DjangoVersion)
		if err != nil {
			return &exitcode.UsageError{Err: fmt.Errorf("--django-version: %w", err)}
		}
		aopts.Version = v
	}
	for _, f := range opts.EnvFiles {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		vars, err := dotenv.ReadFile(p)
		if err != nil {
			return &exitcode.UsageError{Err: fmt.Errorf("--env-file: %w", err)}
		}
		for _, v := range vars {
			aopts.Env[v.Key], aopts.EnvFrom[v.Key] = v.Value, f
		}
	}
	for _, kv := range opts.EnvPairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return cmdutil.UsageErrorf("--env %q: expected KEY=VALUE", kv)
		}
		aopts.Env[k], aopts.EnvFrom[k] = v, "--env"
	}
	for _, kv := range opts.FilePairs {
		path, local, ok := strings.Cut(kv, "=")
		if !ok || path == "" || local == "" {
			return cmdutil.UsageErrorf("--file %q: expected PATH=LOCAL", kv)
		}
		p := local
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return &exitcode.UsageError{Err: fmt.Errorf("--file: %w", err)}
		}
		if aopts.Files == nil {
			aopts.Files = map[string]audit.SuppliedFile{}
		}
		aopts.Files[path] = audit.SuppliedFile{Data: data, From: "--file " + local}
	}
	name, err := resolveEnv(opts, cwd)
	if err != nil {
		return err
	}
	if name != "" {
		if len(opts.EnvFiles) > 0 || len(opts.EnvPairs) > 0 {
			return cmdutil.UsageErrorf("--env and --env-file audit a settings file; %q is an environment, whose own values are used", name)
		}
		aopts.Target = ""
		return runLive(ctx, opts, name, cwd, format, failOn, aopts)
	}
	if opts.liveFlags() {
		return cmdutil.UsageErrorf("--url, --http-url, --django, --admin-path and --admin-allowed apply to an environment: ctl audit ENV")
	}
	res, err := audit.Run(ctx, aopts)
	if err != nil {
		return err
	}
	display := func(p string) string {
		if rel, err := filepath.Rel(cwd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
		return p
	}
	switch format {
	case "json":
		doc := res.Doc(display)
		if !opts.ShowSettings {
			doc.ResolvedSettings = nil
		}
		if err := opts.Exporter.Write(opts.IO.Out, filterDoc(&opts.Exporter, doc)); err != nil {
			return err
		}
	case "sarif":
		// Code scanning resolves relative URIs against the repository
		// root: use the git work tree holding the project, so that a
		// project in a subdirectory (backend/manage.py) still maps.
		if err := res.WriteSARIF(opts.IO.Out, build.Version, sarifURI(res.SourceRoot(), cwd)); err != nil {
			return err
		}
	default:
		if opts.ShowSettings {
			writeSettings(opts.IO.Out, opts.IO.ColorScheme(), res, opts.IO.IsStdoutTTY())
		}
		if opts.IO.IsStdoutTTY() {
			writeHuman(opts.IO.Out, opts.IO.ColorScheme(), res, display)
		} else {
			writePlain(opts.IO.Out, res)
		}
	}
	for _, f := range res.Findings {
		if f.Severity >= failOn {
			return exitcode.SilentError
		}
	}
	return nil
}

func filterDoc(e *cmdutil.Exporter, d audit.JSONDoc) any {
	if e.Fields() == nil {
		return d
	}
	m := map[string]any{"schemaVersion": d.SchemaVersion, "settings": d.Settings, "module": d.Module,
		"djangoVersion": d.DjangoVersion, "versionSource": d.VersionSource, "environment": d.Environment,
		"envVars": d.EnvVars, "files": d.Files, "findings": d.Findings, "resolvedSettings": d.ResolvedSettings, "summary": d.Summary}
	out := e.Filter(m)
	out["schemaVersion"] = d.SchemaVersion
	return out
}

// writePlain prints one line per finding, compiler style.
func writePlain(w io.Writer, res *audit.Result) {
	for _, f := range res.Findings {
		line := fmt.Sprintf("%s: %s %s: %s", f.Pos, f.Severity, f.ID, f.Message)
		if f.Value != "" {
			line += fmt.Sprintf(" [%s = %s; %s]", f.Setting, f.Value, f.Source)
		}
		fmt.Fprintln(w, line)
	}
}

func writeHuman(w io.Writer, cs *iostreams.ColorScheme, res *audit.Result, display func(string) string) {
	fmt.Fprintf(w, "%s %s  %s\n", cs.Bold("Audit of"), display(res.SettingsFile),
		cs.Muted(fmt.Sprintf("Django %s (%s)", res.Version, res.VersionSource)))
	fmt.Fprintf(w, "%s\n", cs.Muted("environment: "+res.EnvAssumed))
	counts := map[audit.Severity]int{}
	for _, sev := range []audit.Severity{audit.Error, audit.Warning, audit.Info} {
		var group []audit.Finding
		for _, f := range res.Findings {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		counts[sev] = len(group)
		if len(group) == 0 {
			continue
		}
		title := map[audit.Severity]string{audit.Error: "Errors", audit.Warning: "Warnings", audit.Info: "Info"}[sev]
		icon := map[audit.Severity]string{audit.Error: cs.FailureIcon(), audit.Warning: cs.WarningIcon(), audit.Info: cs.Muted("i")}[sev]
		fmt.Fprintf(w, "\n%s\n", cs.Bold(fmt.Sprintf("%s (%d)", title, len(group))))
		for _, f := range group {
			fmt.Fprintf(w, "  %s %s  %s\n", icon, cs.Bold(f.ID), f.Message)
			where := f.Pos.String()
			if f.Value != "" {
				where += fmt.Sprintf("  %s = %s  %s", f.Setting, f.Value, cs.Muted("("+f.Source.String()+")"))
			}
			fmt.Fprintf(w, "      %s\n", cs.Cyan(where))
			if f.Hint != "" {
				fmt.Fprintf(w, "      %s %s\n", cs.Muted("fix:"), f.Hint)
			}
			if f.DocURL != "" {
				fmt.Fprintf(w, "      %s\n", cs.Muted(f.DocURL))
			}
		}
	}
	if len(res.Findings) == 0 {
		fmt.Fprintf(w, "\n%s no findings\n", cs.SuccessIcon())
		return
	}
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	fmt.Fprintf(w, "\n%s, %s, %d info\n", plural(counts[audit.Error], "error"), plural(counts[audit.Warning], "warning"), counts[audit.Info])
}

// writeSettings lists the resolved settings the checks read, one a line:
// NAME = VALUE  (provenance)  file:line:column. On a terminal a header and
// a blank line set it apart from the findings.
func writeSettings(w io.Writer, cs *iostreams.ColorScheme, res *audit.Result, tty bool) {
	if tty {
		fmt.Fprintf(w, "%s\n", cs.Bold(fmt.Sprintf("Settings read by the checks (%d)", len(res.Settings))))
	}
	width := 0
	for _, s := range res.Settings {
		width = max(width, len(s.Name))
	}
	for _, s := range res.Settings {
		val := s.Value
		if !s.Known {
			val = "<unknown>"
		}
		where := s.Pos.String()
		if s.Source.Kind == audit.SrcDefault {
			where = "-"
		}
		if tty {
			fmt.Fprintf(w, "  %-*s = %s  %s  %s\n", width, s.Name, val, cs.Muted("("+s.Source.String()+")"), cs.Cyan(where))
		} else {
			fmt.Fprintf(w, "%s = %s  (%s)  %s\n", s.Name, val, s.Source, where)
		}
	}
	if tty {
		fmt.Fprintln(w)
	}
}

// sarifURI maps a finding's file (relative to cwd, or absolute) to its
// SARIF URI: relative to base (the source root code scanning resolves
// against) when inside it, else an absolute file:// URI.
func sarifURI(base, cwd string) func(string) string {
	return func(file string) string {
		abs := file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, file)
		}
		if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
		return "file://" + filepath.ToSlash(abs)
	}
}
