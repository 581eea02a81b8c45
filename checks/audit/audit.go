// Package audit is ctl's static, `check --deploy`-grade audit of Django
// settings: a pure-Go Python parser (package python), an evaluator of
// module-level statements that knows the common environment libraries,
// Django's deploy checks with their exact conditions per version, and
// ctl's own checks for what the deployment checklist recommends.
package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ctlops/ctl/checks/audit/pyeval"
	py "github.com/ctlops/ctl/checks/audit/python"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
)

// Options say what to audit and under which assumptions.
type Options struct {
	// Target is a settings file path, a dotted module, or "" to discover.
	Target string
	// Root is the project directory ("" = discovered from Target / Cwd).
	Root string
	// Cwd is where discovery starts and paths are shown relative to.
	Cwd string
	// Env is the deployment environment; EnvFrom says where each came from.
	Env     map[string]string
	EnvFrom map[string]string
	// EnvUnknown are variables set to values that could not be read, with
	// why: unknown, not unset.
	EnvUnknown map[string]string
	// Version is the Django version; zero means detect.
	Version Version
	// Ignore lists check IDs to drop.
	Ignore []string
	// Files are the deployment's copies of files the settings read at
	// start-up (--file PATH=LOCAL), by PATH as the settings open it:
	// absolute, or relative to the project root. json.load reads them.
	Files map[string]pyeval.SuppliedFile

	// FS is the file system the audit reads (the operating system's when
	// nil): tests and fuzzing pass a pyeval.MapFS.
	FS pyeval.FS

	// stepLimit replaces the evaluator's step limit (tests, fuzzing).
	stepLimit int
}

// Result is an audit's outcome.
type Result struct {
	SettingsFile  string
	Module        string
	Root          string
	Version       Version
	VersionSource string
	// EnvAssumed describes the environment: "unset" or the sources used.
	EnvAssumed  string
	EnvVars     []string
	Findings    []Finding
	Diagnostics []Diagnostic
	Files       []string
	// Settings are the resolved settings the checks read (--show-settings).
	Settings []Setting
	// Configuration is the django-configurations class audited, with
	// where its name came from ("" without class-based settings).
	Configuration string

	settings *Settings
}

// Setting resolves any setting, read by a check or not, as Report does:
// its value as the settings leave it, else Django's default (unknown
// after a star import the audit could not read).
func (r *Result) Setting(name string) Setting {
	if r.settings == nil {
		return Setting{Name: name}
	}
	return r.settings.resolve(name)
}

// UsageError is a problem with what was asked (exit 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Is gives it the kind exitcode.ErrInvalid (exit 2; not the command line's fault, so no usage line).
func (e *UsageError) Is(target error) bool { return target == exitcode.ErrInvalid }

// Run audits the settings. A cancelled ctx (Ctrl-C) stops it promptly,
// even mid-evaluation of a pathological file, and its error (wrapping
// ctx.Err(), so exitcode maps it to 130) is returned.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if opts.Cwd == "" {
		opts.Cwd, _ = os.Getwd()
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = pyeval.OSFS{}
	}
	file, module, root, err := locate(fsys, opts)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	res := &Result{SettingsFile: file, Module: module, Root: root}
	display := func(p string) string {
		if rel, err := filepath.Rel(opts.Cwd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
		return p
	}
	res.Version, res.VersionSource = opts.Version, "--django-version"
	if opts.Version == (Version{}) {
		res.Version, res.VersionSource = detectVersion(fsys, root)
	}
	ev := &Evaluator{Root: root, Env: opts.Env, EnvFrom: opts.EnvFrom, EnvUnknown: opts.EnvUnknown, Display: display, Ctx: ctx, StepLimit: opts.stepLimit,
		FS: fsys, Paths: declaredRoots(fsys, root)}
	for p, f := range opts.Files {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if ev.Supplied == nil {
			ev.Supplied = map[string]pyeval.SuppliedFile{}
		}
		ev.Supplied[filepath.Clean(p)] = f
	}
	vars, err := ev.EvalFile(file)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("audit: %w", ctxErr)
	}
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("reading settings: %w", err)}
	}
	res.Diagnostics = ev.Diagnostics
	res.Files = ev.Files
	values := map[string]*Value{}
	for k, v := range vars {
		if k == strings.ToUpper(k) && !strings.HasPrefix(k, "_") {
			values[k] = v
		}
	}
	opaque := ev.Opaque()
	if cls, name, from := chooseConfiguration(fsys, vars, ev.Environ(), root); cls != nil {
		// django-configurations: the chosen class's attributes are the
		// settings, over the module's own upper-case names.
		res.Configuration = name + " (" + from + ")"
		classValues, classOpaque := ev.ClassSettings(cls)
		for k, v := range classValues {
			values[k] = v
		}
		if opaque == "" {
			opaque = classOpaque
		}
	} else if name != "" {
		res.Configuration = name + " (" + from + ")"
		if opaque == "" {
			opaque = from
		}
	}
	if len(values) == 0 && len(ev.Diagnostics) > 0 {
		return nil, &UsageError{Err: fmt.Errorf("%s: nothing could be read: %s: %s", display(file), ev.Diagnostics[0].Pos, ev.Diagnostics[0].Msg)}
	}
	s := &Settings{File: display(file), Values: values, Version: res.Version, Environ: ev.Environ(), Files: ev.Files, Dir: root, Opaque: opaque}
	admin := adminAtDefault(fsys, ev, s, root)
	res.Findings = Check(s, admin, opts.Ignore)
	res.Findings = append(parseFindings(ev.Diagnostics, opts.Ignore), res.Findings...)
	res.Settings = s.Report()
	res.settings = s
	sortFindings(res.Findings)
	res.EnvAssumed = "unset: environment variables are assumed unset, their defaults apply (use --env-file / --env)"
	if len(opts.Env) > 0 {
		srcs := map[string]bool{}
		for _, f := range opts.EnvFrom {
			srcs[f] = true
		}
		var names []string
		for n := range srcs {
			names = append(names, n)
		}
		res.EnvAssumed = "from " + strings.Join(sortedStrings(names), ", ") + "; other variables unset"
	}
	if len(opts.EnvUnknown) > 0 {
		var names []string
		for n := range opts.EnvUnknown {
			names = append(names, n)
		}
		res.EnvAssumed += "; set but unreadable, so unknown: " + strings.Join(sortedStrings(names), ", ")
	}
	// The variables read anywhere in the values, containers included
	// (DATABASES = {"default": env.db("DATABASE_URL")}); seen guards
	// against shared structure.
	used, seen := map[string]bool{}, map[*Value]bool{}
	var collect func(v *Value)
	collect = func(v *Value) {
		if v == nil || seen[v] {
			return
		}
		seen[v] = true
		for _, n := range v.Env {
			used[n] = true
		}
		for _, it := range v.Items {
			collect(it)
		}
		for i := range v.Vals {
			collect(v.Keys[i])
			collect(v.Vals[i])
		}
	}
	for _, v := range values {
		collect(v)
	}
	for n := range used {
		res.EnvVars = append(res.EnvVars, n)
	}
	res.EnvVars = sortedStrings(res.EnvVars)
	return res, nil
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func parseFindings(diags []Diagnostic, ignore []string) []Finding {
	drop := map[string]bool{}
	for _, id := range ignore {
		drop[id] = true
	}
	var out []Finding
	perFile := map[string]int{}
	for _, d := range diags {
		if d.Kind == pyeval.DiagImport || d.Kind == pyeval.DiagInclude {
			out = append(out, Finding{ID: "ctl.I001", Severity: Warning, Message: d.Msg + "; Python would stop here, the audit went on with what it could not read as unknown",
				Hint: ctlCheck("ctl.I001").Fix, Pos: d.Pos})
			continue
		}
		if d.Kind == pyeval.DiagStepLimit {
			out = append(out, Finding{ID: "ctl.E001", Severity: Error, Message: "could not evaluate the settings completely: " + d.Msg,
				Hint: "move heavy module-level code (loops, recursion) out of the settings", Pos: d.Pos})
			continue
		}
		perFile[d.Pos.File]++
		if perFile[d.Pos.File] > 10 {
			continue
		}
		out = append(out, Finding{ID: "ctl.E001", Severity: Error, Message: "could not parse: " + d.Msg + " (the rest of the file was still read)",
			Hint: "fix the syntax; templated files are audited best after rendering", Pos: d.Pos})
	}
	kept := out[:0]
	for _, f := range out {
		if !drop[f.ID] {
			kept = append(kept, f)
		}
	}
	return kept
}

var settingsModuleRE = textutil.Regexp(`DJANGO_SETTINGS_MODULE['"]?\s*[,=:]\s*['"]?([A-Za-z_][\w.]*)`)

// locate finds the settings file, its module name and the project root.
func locate(fsys pyeval.FS, opts Options) (file, module, root string, err error) {
	root = opts.Root
	t := opts.Target
	switch {
	case t == "":
		base := root
		if base == "" {
			base = findUp(fsys, opts.Cwd, "manage.py")
			if base == "" {
				return "", "", "", errors.New("no settings given and no manage.py found here or above: pass PATH/settings.py or a dotted module")
			}
		}
		module, src := discoverModule(fsys, base)
		if module == "" {
			return "", "", "", fmt.Errorf("could not find DJANGO_SETTINGS_MODULE in %s (manage.py, wsgi.py, asgi.py, pyproject.toml, pytest.ini, setup.cfg): pass the settings file", base)
		}
		f, ok := moduleFile(fsys, base, module)
		if !ok {
			return "", "", "", fmt.Errorf("DJANGO_SETTINGS_MODULE %q (from %s) has no file under %s", module, src, base)
		}
		return f, module, base, nil
	case strings.HasSuffix(t, ".py") || strings.ContainsRune(t, filepath.Separator):
		f := t
		if !filepath.IsAbs(f) {
			f = filepath.Join(opts.Cwd, f)
		}
		st, err := fsys.Stat(f)
		if err != nil {
			return "", "", "", fmt.Errorf("settings file %s: %w", t, errors.Unwrap(err))
		}
		if st.IsDir() {
			if _, err := fsys.Stat(filepath.Join(f, "__init__.py")); err == nil {
				f = filepath.Join(f, "__init__.py")
			} else {
				return "", "", "", fmt.Errorf("%s is a directory, not a settings file", t)
			}
		}
		if root == "" {
			root = findUp(fsys, filepath.Dir(f), "manage.py")
			if root == "" {
				root = filepath.Dir(filepath.Dir(f))
			}
		}
		return f, "", root, nil
	default:
		if root == "" {
			root = findUp(fsys, opts.Cwd, "manage.py")
			if root == "" {
				root = opts.Cwd
			}
		}
		// As Python imports it: the root, its src/, the roots manage.py
		// and pyproject.toml declare.
		for _, base := range append([]string{root, filepath.Join(root, "src")}, declaredRoots(fsys, root)...) {
			if f, ok := moduleFile(fsys, base, t); ok {
				return f, t, root, nil
			}
		}
		return "", "", "", fmt.Errorf("module %q not found under %s (use --root to name the project directory)", t, root)
	}
}

// SourceRoot is the git work tree holding the project (the nearest
// directory above Root with a .git), or Root outside git: the base of
// SARIF URIs, which code scanning resolves against the repository root.
func (r *Result) SourceRoot() string {
	if d := findUp(pyeval.OSFS{}, r.Root, ".git"); d != "" {
		return d
	}
	return r.Root
}

func findUp(fsys pyeval.FS, dir, name string) string {
	for {
		if _, err := fsys.Stat(filepath.Join(dir, name)); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func moduleFile(fsys pyeval.FS, root, module string) (string, bool) {
	rel := filepath.FromSlash(strings.ReplaceAll(module, ".", "/"))
	for _, c := range []string{filepath.Join(root, rel+".py"), filepath.Join(root, rel, "__init__.py")} {
		if _, err := fsys.Stat(c); err == nil {
			return c, true
		}
	}
	return "", false
}

func discoverModule(fsys pyeval.FS, root string) (module, source string) {
	cands := []string{"manage.py", "pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini"}
	if m, _ := fsys.Glob(filepath.Join(root, "*", "wsgi.py")); len(m) > 0 {
		cands = append(cands, m...)
	}
	if m, _ := fsys.Glob(filepath.Join(root, "*", "asgi.py")); len(m) > 0 {
		cands = append(cands, m...)
	}
	for _, c := range cands {
		p := c
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, c)
		}
		b, err := fsys.ReadFile(p)
		if err != nil {
			continue
		}
		if m := settingsModuleRE().FindSubmatch(b); m != nil {
			return string(m[1]), c
		}
	}
	return "", ""
}

var (
	reqRE  = textutil.Regexp(`(?im)^\s*django\s*(?:\[[^\]]*\])?\s*(?:==|~=|>=|===)\s*(\d+)\.(\d+)`)
	lockRE = textutil.Regexp(`(?is)name\s*=\s*"django"\s*\n\s*version\s*=\s*"(\d+)\.(\d+)`)
	pipRE  = textutil.Regexp(`(?is)"django"\s*:\s*\{[^}]*"version"\s*:\s*"==(\d+)\.(\d+)`)
	pyRE   = textutil.Regexp(`(?im)["']?django["']?\s*(?:=\s*["'][\^~>=]*|(?:==|~=|>=)\s*)(\d+)\.(\d+)`)
)

// DetectVersion reads the Django version from lock files, requirements
// and pyproject.toml; the newest supported release otherwise.
func DetectVersion(root string) (Version, string) { return detectVersion(pyeval.OSFS{}, root) }

func detectVersion(fsys pyeval.FS, root string) (Version, string) {
	try := func(file string, re *regexp.Regexp) (Version, bool) {
		b, err := fsys.ReadFile(filepath.Join(root, file))
		if err != nil {
			return Version{}, false
		}
		m := re.FindSubmatch(b)
		if m == nil {
			return Version{}, false
		}
		v, err := ParseVersion(string(m[1]) + "." + string(m[2]))
		return v, err == nil
	}
	for _, c := range []struct {
		file string
		re   func() *regexp.Regexp
	}{
		{"poetry.lock", lockRE}, {"uv.lock", lockRE}, {"Pipfile.lock", pipRE},
		{"requirements.txt", reqRE}, {"requirements/base.txt", reqRE}, {"requirements/production.txt", reqRE},
		{"pyproject.toml", pyRE}, {"setup.cfg", reqRE},
	} {
		if v, ok := try(c.file, c.re()); ok {
			return v, c.file
		}
	}
	return Newest, "default (newest supported; no version found in lock files, requirements or pyproject.toml)"
}

// adminAtDefault finds `path("admin/", admin.site.urls)` in ROOT_URLCONF.
func adminAtDefault(fsys pyeval.FS, ev *Evaluator, s *Settings, root string) *Value {
	conf, ok := s.Get("ROOT_URLCONF").Str()
	if !ok {
		return nil
	}
	file, ok := moduleFile(fsys, root, conf)
	if !ok {
		return nil
	}
	src, err := fsys.ReadFile(file)
	if err != nil {
		return nil
	}
	disp := ev.DisplayPath(file)
	mod := py.Parse(disp, src)
	var found *Value
	py.Inspect(mod, func(n py.Node) bool {
		c, ok := n.(*py.Call)
		if !ok || found != nil || len(c.Args) < 2 {
			return found == nil
		}
		fn := pyeval.ExprText(c.Func)
		if fn != "path" && fn != "re_path" && fn != "url" && !strings.HasSuffix(fn, ".path") && !strings.HasSuffix(fn, ".re_path") {
			return true
		}
		lit, ok := c.Args[0].(*py.String)
		if !ok {
			return true
		}
		route := strings.TrimPrefix(lit.Value, "^")
		if route == "admin/" && strings.Contains(pyeval.ExprText(c.Args[1]), "admin.site.urls") {
			p := lit.Pos()
			found = NewStr(lit.Value, Pos{File: disp, Line: p.Line, Col: p.Col})
		}
		return true
	})
	return found
}

var (
	// sys.path.insert(0, "src") / sys.path.append(os.path.join(BASE_DIR, "apps")) in manage.py
	sysPathRE = textutil.Regexp(`sys\.path\.(?:insert\(\s*\d+\s*,|append\()[^\n]*?["']([\w./-]+)["']\s*\)`)
	// pythonpath = ["src"] (pytest), package-dir = {"" = "src"} (setuptools), where = ["src"]
	pyprojectRootRE = textutil.Regexp(`(?m)^\s*(?:pythonpath\s*=\s*\[?\s*|package-dir\s*=\s*\{\s*""\s*=\s*|where\s*=\s*\[\s*)["']([\w./-]+)["']`)
)

// declaredRoots are the import roots manage.py (sys.path.insert/append of
// a directory under the project) and pyproject.toml (pytest's
// pythonpath, setuptools' package-dir / where) add to sys.path.
func declaredRoots(fsys pyeval.FS, root string) []string {
	var out []string
	for file, re := range map[string]func() *regexp.Regexp{"manage.py": sysPathRE, "pyproject.toml": pyprojectRootRE} {
		b, err := fsys.ReadFile(filepath.Join(root, file))
		if err != nil {
			continue
		}
		for _, m := range re().FindAllSubmatch(b, -1) {
			d := filepath.Join(root, filepath.FromSlash(string(m[1])))
			if st, err := fsys.Stat(d); err == nil && st.IsDir() && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	slices.Sort(out)
	return out
}

var configurationRE = textutil.Regexp(`DJANGO_CONFIGURATION['"]?\s*[,=:]\s*['"]?([A-Za-z_]\w*)`)

// chooseConfiguration picks the django-configurations class as
// django-configurations does: DJANGO_CONFIGURATION from the audited
// environment (--env, --env-file, or the settings' own
// os.environ.setdefault), else the default manage.py, wsgi.py or asgi.py
// set with os.environ.setdefault. Without classes it returns nil and "".
// A class named but not defined, or no name at all, returns nil with the
// reason in from.
func chooseConfiguration(fsys pyeval.FS, vars map[string]*Value, environ map[string]string, root string) (cls *Value, name, from string) {
	found := false
	for _, v := range vars {
		if pyeval.IsConfiguration(v) {
			found = true
			break
		}
	}
	if !found {
		return nil, "", ""
	}
	if n, ok := environ["DJANGO_CONFIGURATION"]; ok {
		name, from = n, "DJANGO_CONFIGURATION"
	} else {
		cands := []string{"manage.py"}
		for _, g := range []string{"*/wsgi.py", "*/asgi.py"} {
			if m, _ := fsys.Glob(filepath.Join(root, g)); len(m) > 0 {
				for _, p := range m {
					if rel, err := filepath.Rel(root, p); err == nil {
						cands = append(cands, rel)
					}
				}
			}
		}
		for _, c := range cands {
			b, err := fsys.ReadFile(filepath.Join(root, c))
			if err != nil {
				continue
			}
			if m := configurationRE().FindSubmatch(b); m != nil {
				name, from = string(m[1]), "the default in "+c
				break
			}
		}
	}
	if name == "" {
		return nil, "?", "django-configurations: DJANGO_CONFIGURATION is not set and no default was found (pass --env DJANGO_CONFIGURATION=...)"
	}
	if v := vars[name]; pyeval.IsConfiguration(v) {
		return v, name, from
	}
	return nil, name, "django-configurations: no configuration class " + name + " (from " + from + ")"
}
