package audit_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	auditCmd "github.com/ctlops/ctl/cmd/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden from the current output")

// fixtures are the small Django projects shared with checks/audit's tests.
const fixtures = "../../checks/audit/testdata/golden"

// strongKey passes security.W009 (≥ 50 characters, ≥ 5 unique).
const strongKey = "Zq8v-Lr2kP0x_Wn5tYb7cMh3sJd9fGa1eUo4iQy6RzXw2Vn8Kp0T"

func TestMain(m *testing.M) {
	flag.Parse()
	build.Version = "0.0.0-test" // the SARIF driver version, fixed for the goldens
	os.Exit(m.Run())
}

// project copies a fixture project into a fresh temporary directory, so
// that discovery (which walks up to the nearest manage.py) never leaves it.
func project(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	src := filepath.Join(fixtures, name)
	testenv.CopyTree(t, src, dst)
	return dst
}

// writeProject creates a project from file contents.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type outcome struct {
	out, errOut string
	err         error
	code        int
}

// run executes `ctl audit ARGS` in cwd through NewCmdAudit, with test
// streams (colour off) and stdout a TTY or not; errors map to exit codes
// through exitcode.For as cmd/root does.
func run(t *testing.T, cwd string, tty bool, args ...string) outcome {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	ios.SetColorEnabled(false)
	f := &cmdutil.Factory{IOStreams: ios, Cwd: func() (string, error) { return cwd, nil }}
	cmd := auditCmd.NewCmdAudit(f, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	norm := func(s string) string {
		s = strings.ReplaceAll(s, cwd, "$ROOT")
		if real, err := filepath.EvalSymlinks(cwd); err == nil {
			s = strings.ReplaceAll(s, real, "$ROOT")
		}
		return s
	}
	return outcome{out: norm(out.String()), errOut: norm(errOut.String()), err: err, code: cmdutil.ExitCode(err, false)}
}

type goldenCase struct {
	name    string
	fixture string
	sub     string // run from this subdirectory of the fixture
	args    []string
	code    int // exit code with the default --fail-on error
}

var goldenCases = []goldenCase{
	// One settings file given by path; non-ASCII text before values.
	{name: "basic", fixture: "basic", args: []string{"basic/settings.py"}, code: 1},
	// Split settings found through manage.py, deployment env from a dotenv file and --env.
	{name: "split-env", fixture: "split", args: []string{"--env-file", ".env.prod", "--env", "REDIS_URL=redis://cache:6379/0"}, code: 1},
	// The same split settings, named as a dotted module, environment unset.
	{name: "split-unset", fixture: "split", args: []string{"config.settings.production", "--root", "."}, code: 1},
	// Nothing to report once the secret is supplied.
	{name: "clean", fixture: "clean", args: []string{"--django-version", "5.2", "--env", "DJANGO_SECRET_KEY=" + strongKey}, code: 0},
	// A syntax error mid-file: ctl.E001 plus what could be read around it.
	{name: "broken", fixture: "broken", args: []string{"broken/settings.py", "--django-version", "4.2"}, code: 1},
}

var formats = []struct {
	name string
	tty  bool
	args []string
}{
	{"text", true, nil},
	{"plain", false, nil},
	{"json", false, []string{"--json"}},
	{"sarif", false, []string{"--format", "sarif"}},
}

func goldenPath(c goldenCase, format string) string {
	return filepath.Join("testdata", "golden", c.name+"."+format+".golden")
}

// TestGolden compares the four renderings of every fixture with
// testdata/golden/*.golden; `go test ./cmd/audit -run TestGolden -update`
// rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		for _, fm := range formats {
			t.Run(c.name+"/"+fm.name, func(t *testing.T) {
				t.Parallel()
				dir := project(t, c.fixture)
				got := run(t, filepath.Join(dir, c.sub), fm.tty, append(append([]string{}, c.args...), fm.args...)...)
				if got.code != c.code {
					t.Errorf("exit code %d (err %v), want %d", got.code, got.err, c.code)
				}
				if got.errOut != "" {
					t.Errorf("unexpected stderr: %q", got.errOut)
				}
				if strings.Contains(got.out, os.TempDir()) || strings.Contains(got.out, "$ROOT") {
					t.Errorf("output holds an absolute temporary path:\n%s", got.out)
				}
				path := goldenPath(c, fm.name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got.out), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if got.out != string(want) {
					t.Errorf("output differs from %s (rerun with -update if intended):\n%s", path, lineDiff(string(want), got.out))
				}
			})
		}
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			if shown++; shown == 5 {
				break
			}
		}
	}
	return b.String()
}

// TestPositions pins the line:column of specific findings in the three
// machine renderings. Line 12 of basic/settings.py has accented letters and
// an emoji before the '*' host: the column counts characters (58), not
// bytes (64), as SARIF's columnKind "unicodeCodePoints" promises.
func TestPositions(t *testing.T) {
	dir := project(t, "basic")
	src, err := os.ReadFile(filepath.Join(dir, "basic", "settings.py"))
	if err != nil {
		t.Fatal(err)
	}
	line12 := strings.Split(string(src), "\n")[11]
	byteIdx := strings.Index(line12, `"*"`)
	charCol := utf8.RuneCountInString(line12[:byteIdx]) + 1
	if charCol != 58 || byteIdx+1 == charCol {
		t.Fatalf("fixture changed: '*' at character column %d, byte column %d", charCol, byteIdx+1)
	}

	plain := run(t, dir, false, "basic/settings.py").out
	for _, want := range []string{
		"basic/settings.py:9:14: error ctl.S001: ",
		"basic/settings.py:10:25: warning security.W025: ",
		"basic/settings.py:11:9: warning security.W018: ",
		"basic/settings.py:12:58: warning ctl.H001: ",
		"basic/settings.py:34:21: error ctl.DB002: ",
		"basic/settings.py:52:25: warning ctl.C001: ",
		"basic/urls.py:5:10: info ctl.A001: ",
		// A Django default is blamed on the settings file's first line.
		"basic/settings.py:1:1: warning security.W012: ",
	} {
		if !strings.Contains(plain, "\n"+want) && !strings.HasPrefix(plain, want) {
			t.Errorf("plain output lacks a line starting %q:\n%s", want, plain)
		}
	}

	var doc struct {
		Findings []struct {
			ID     string `json:"id"`
			File   string `json:"file"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(run(t, dir, false, "basic/settings.py", "--json").out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range doc.Findings {
		if f.ID == "ctl.H001" {
			found = true
			if f.File != "basic/settings.py" || f.Line != 12 || f.Column != charCol {
				t.Errorf("JSON ctl.H001 at %s:%d:%d, want basic/settings.py:12:%d", f.File, f.Line, f.Column, charCol)
			}
		}
	}
	if !found {
		t.Error("JSON has no ctl.H001")
	}

	log := decodeSARIF(t, run(t, dir, false, "basic/settings.py", "--format", "sarif").out)
	found = false
	for _, r := range log.Runs[0].Results {
		if r.RuleID != "ctl.H001" {
			continue
		}
		found = true
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != "basic/settings.py" || pl.Region.StartLine != 12 || pl.Region.StartColumn != charCol {
			t.Errorf("SARIF ctl.H001 at %s:%d:%d, want basic/settings.py:12:%d", pl.ArtifactLocation.URI, pl.Region.StartLine, pl.Region.StartColumn, charCol)
		}
	}
	if !found {
		t.Error("SARIF has no ctl.H001")
	}
	if log.Runs[0].ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q, want unicodeCodePoints", log.Runs[0].ColumnKind)
	}
}

// TestFailOn checks --fail-on against fixtures whose worst finding is an
// error, a warning, an info, or nothing.
func TestFailOn(t *testing.T) {
	key := "DJANGO_SECRET_KEY=" + strongKey
	tests := []struct {
		name    string
		fixture string
		args    []string
		want    map[string]int // --fail-on level -> exit code
	}{
		{"worst is error", "basic", []string{"basic/settings.py"}, map[string]int{"error": 1, "warning": 1, "info": 1}},
		{"worst is warning", "clean", []string{"--env", key, "--env", "DJANGO_DEBUG=1"}, map[string]int{"error": 0, "warning": 1, "info": 1}},
		{"worst is info", "clean", nil, map[string]int{"error": 0, "warning": 0, "info": 1}},
		{"no findings", "clean", []string{"--env", key}, map[string]int{"error": 0, "warning": 0, "info": 0}},
	}
	for _, tt := range tests {
		dir := project(t, tt.fixture)
		for _, level := range []string{"error", "warning", "info"} {
			t.Run(tt.name+"/"+level, func(t *testing.T) {
				got := run(t, dir, false, append(append([]string{}, tt.args...), "--fail-on", level)...)
				if got.code != tt.want[level] {
					t.Errorf("--fail-on %s: exit %d (err %v), want %d\n%s", level, got.code, got.err, tt.want[level], got.out)
				}
				if got.code == 1 && got.errOut != "" {
					t.Errorf("findings exit silently, got stderr %q", got.errOut)
				}
			})
		}
	}
}

func findingIDs(t *testing.T, jsonOut string) []string {
	t.Helper()
	var doc struct {
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Fatalf("%v\n%s", err, jsonOut)
	}
	ids := []string{}
	for _, f := range doc.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestIgnore drops findings by ID: ignoring every error makes the default
// --fail-on error pass.
func TestIgnore(t *testing.T) {
	dir := project(t, "basic")
	before := run(t, dir, false, "basic/settings.py", "--json")
	if before.code != 1 {
		t.Fatalf("exit %d, want 1", before.code)
	}
	args := []string{"basic/settings.py", "--json"}
	for _, id := range []string{"ctl.S001", "ctl.DB002", "ctl.P001", "security.E023", "security.E024"} {
		args = append(args, "--ignore", id)
	}
	after := run(t, dir, false, args...)
	if after.code != 0 {
		t.Errorf("exit %d with every error ignored, want 0\n%s", after.code, after.out)
	}
	ids := findingIDs(t, after.out)
	for _, gone := range []string{"ctl.S001", "ctl.DB002", "ctl.P001", "security.E023", "security.E024"} {
		if contains(ids, gone) {
			t.Errorf("%s still reported", gone)
		}
	}
	if !contains(ids, "security.W018") {
		t.Error("--ignore dropped more than asked: security.W018 is gone")
	}
}

// TestSilencedSystemChecks: SILENCED_SYSTEM_CHECKS in the settings drops
// the IDs as Django does.
func TestSilencedSystemChecks(t *testing.T) {
	dir := project(t, "clean")
	settings := filepath.Join(dir, "clean", "settings.py")
	b, _ := os.ReadFile(settings)
	b = append(b, "\nDEBUG = True\nSILENCED_SYSTEM_CHECKS = [\"security.W018\"]\n"...)
	if err := os.WriteFile(settings, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got := run(t, dir, false, "--json", "--env", "DJANGO_SECRET_KEY="+strongKey, "--fail-on", "warning")
	if ids := findingIDs(t, got.out); contains(ids, "security.W018") {
		t.Errorf("security.W018 reported although silenced: %v", ids)
	}
	if got.code != 0 {
		t.Errorf("exit %d, want 0: the only finding is silenced\n%s", got.code, got.out)
	}
	// Without the silencing line it is reported.
	b = bytes.Replace(b, []byte("SILENCED_SYSTEM_CHECKS"), []byte("NOT_SILENCED"), 1)
	_ = os.WriteFile(settings, b, 0o644)
	got = run(t, dir, false, "--json", "--env", "DJANGO_SECRET_KEY="+strongKey, "--fail-on", "warning")
	if ids := findingIDs(t, got.out); !contains(ids, "security.W018") || got.code != 1 {
		t.Errorf("want security.W018 and exit 1, got %v exit %d", ids, got.code)
	}
}

// TestUsageErrors: what cannot be audited exits 2 with a message, and
// prints nothing on stdout.
func TestUsageErrors(t *testing.T) {
	dir := project(t, "basic")
	empty := t.TempDir()
	tests := []struct {
		name string
		cwd  string
		args []string
		msg  string
	}{
		{"unsupported django version", dir, []string{"--django-version", "2.2"}, "Django 2.2 is not supported"},
		{"malformed django version", dir, []string{"--django-version", "five"}, "invalid Django version"},
		{"bad fail-on", dir, []string{"--fail-on", "critical"}, `--fail-on: unknown level "critical"`},
		{"bad format", dir, []string{"--format", "xml"}, `--format: unknown format "xml"`},
		{"missing file", dir, []string{"nope/settings.py"}, "settings file nope/settings.py"},
		{"missing module", dir, []string{"nope.settings"}, `module "nope.settings" not found`},
		{"missing env file", dir, []string{"--env-file", ".env.missing"}, "--env-file"},
		{"bad env pair", dir, []string{"--env", "NOVALUE"}, "expected KEY=VALUE"},
		{"bad file pair", dir, []string{"--file", "secrets.json"}, "expected PATH=LOCAL"},
		{"missing supplied file", dir, []string{"--file", "secrets.json=deploy.missing.json"}, "--file"},
		{"no manage.py", empty, nil, "no manage.py found"},
		{"directory without __init__.py", dir, []string{"./"}, "is a directory"},
		{"two targets", dir, []string{"a.py", "b.py"}, "at most one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.cwd, false, tt.args...)
			if got.code != cmdutil.ExitUsage {
				t.Errorf("exit %d (err %v), want 2", got.code, got.err)
			}
			if got.err == nil || !strings.Contains(got.err.Error(), tt.msg) {
				t.Errorf("error %v, want it to mention %q", got.err, tt.msg)
			}
			if got.out != "" {
				t.Errorf("stdout %q, want nothing", got.out)
			}
		})
	}
}

// TestNothingReadable: a settings file from which nothing could be read is
// a usage error, not an empty (passing) audit.
func TestNothingReadable(t *testing.T) {
	dir := writeProject(t, map[string]string{"manage.py": "", "app/settings.py": "{% if x %}\n<<<>>>\n"})
	got := run(t, dir, false, "app/settings.py")
	if got.code != cmdutil.ExitUsage || got.err == nil || !strings.Contains(got.err.Error(), "nothing could be read") {
		t.Errorf("exit %d err %v, want 2 and 'nothing could be read'", got.code, got.err)
	}
}

// TestPartlyParsedFailsAtError: settings that are otherwise clean but
// could only partly be read (a syntax error hides what follows it on the
// statement) must not pass --fail-on error: ctl.E001 is an error, and only
// --ignore ctl.E001 lets such a file through.
func TestPartlyParsedFailsAtError(t *testing.T) {
	dir := project(t, "clean")
	settings := filepath.Join(dir, "clean", "settings.py")
	b, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	// A templated line, as a cookiecutter settings file has: what it sets
	// (here a DEBUG override) is unknown to the audit.
	b = append(b, "\n{% if debug %}DEBUG = True{% endif %}\n"...)
	if err := os.WriteFile(settings, b, 0o644); err != nil {
		t.Fatal(err)
	}
	key := "DJANGO_SECRET_KEY=" + strongKey
	got := run(t, dir, false, "--json", "--env", key)
	ids := findingIDs(t, got.out)
	if !contains(ids, "ctl.E001") {
		t.Fatalf("no ctl.E001 for the templated line: %v", ids)
	}
	for _, id := range ids {
		if id != "ctl.E001" {
			t.Errorf("unexpected finding %s (the fixture is otherwise clean)", id)
		}
	}
	if got.code != 1 {
		t.Errorf("--fail-on error: exit %d (err %v), want 1: a partly read file must not pass", got.code, got.err)
	}
	if got := run(t, dir, false, "--json", "--env", key, "--ignore", "ctl.E001"); got.code != 0 {
		t.Errorf("--ignore ctl.E001: exit %d (err %v), want 0\n%s", got.code, got.err, got.out)
	}
}

type docHead struct {
	Settings      string   `json:"settings"`
	Module        string   `json:"module"`
	DjangoVersion string   `json:"djangoVersion"`
	VersionSource string   `json:"versionSource"`
	Environment   string   `json:"environment"`
	Files         []string `json:"files"`
}

func head(t *testing.T, o outcome) docHead {
	t.Helper()
	var d docHead
	if err := json.Unmarshal([]byte(o.out), &d); err != nil {
		t.Fatalf("%v (exit %d, err %v)\n%s", err, o.code, o.err, o.out)
	}
	return d
}

// TestDiscovery: without an argument the settings module is read from
// DJANGO_SETTINGS_MODULE in manage.py (found upward from the working
// directory), or from pyproject.toml / wsgi.py under --root.
func TestDiscovery(t *testing.T) {
	t.Run("manage.py in cwd", func(t *testing.T) {
		dir := project(t, "basic")
		d := head(t, run(t, dir, false, "--json"))
		if d.Module != "basic.settings" || d.Settings != "basic/settings.py" {
			t.Errorf("got module %q settings %q", d.Module, d.Settings)
		}
		if d.DjangoVersion != "4.2" || d.VersionSource != "requirements.txt" {
			t.Errorf("version %s from %q, want 4.2 from requirements.txt", d.DjangoVersion, d.VersionSource)
		}
	})
	t.Run("manage.py above cwd", func(t *testing.T) {
		dir := project(t, "split")
		d := head(t, run(t, filepath.Join(dir, "config", "settings"), false, "--json"))
		if d.Module != "config.settings.production" || d.Settings != "production.py" {
			t.Errorf("got module %q settings %q", d.Module, d.Settings)
		}
		if strings.Join(d.Files, ",") != "production.py,base.py" {
			t.Errorf("files %v", d.Files)
		}
	})
	t.Run("pyproject.toml under --root", func(t *testing.T) {
		dir := writeProject(t, map[string]string{
			"pyproject.toml":       "[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = \"proj.settings\"\n",
			"proj/__init__.py":     "",
			"proj/settings.py":     "DEBUG = True\n",
			"requirements.txt":     "django~=5.0.3\n",
			"somewhere/else/x.txt": "",
		})
		d := head(t, run(t, filepath.Join(dir, "somewhere", "else"), false, "--json", "--root", "../.."))
		if d.Module != "proj.settings" || d.DjangoVersion != "5.0" {
			t.Errorf("module %q version %s, want proj.settings 5.0", d.Module, d.DjangoVersion)
		}
	})
	t.Run("wsgi.py", func(t *testing.T) {
		dir := writeProject(t, map[string]string{
			"manage.py":        "# no settings module here\n",
			"site/__init__.py": "",
			"site/wsgi.py":     "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.conf')\n",
			"site/conf.py":     "DEBUG = False\n",
		})
		d := head(t, run(t, dir, false, "--json"))
		if d.Module != "site.conf" || d.Settings != "site/conf.py" {
			t.Errorf("got module %q settings %q", d.Module, d.Settings)
		}
	})
	t.Run("manage.py without a settings module", func(t *testing.T) {
		dir := writeProject(t, map[string]string{"manage.py": "print('hi')\n"})
		got := run(t, dir, false)
		if got.code != cmdutil.ExitUsage || !strings.Contains(fmt.Sprint(got.err), "could not find DJANGO_SETTINGS_MODULE") {
			t.Errorf("exit %d err %v", got.code, got.err)
		}
	})
}

// TestDottedModuleWithRoot: a dotted module resolves under --root, from a
// working directory outside the project; positions stay relative to cwd.
func TestDottedModuleWithRoot(t *testing.T) {
	dir := project(t, "split")
	parent := filepath.Dir(dir)
	got := run(t, parent, false, "config.settings.production", "--root", "split", "--json")
	d := head(t, got)
	if d.Module != "config.settings.production" || d.Settings != "split/config/settings/production.py" {
		t.Errorf("got module %q settings %q", d.Module, d.Settings)
	}
	if d.DjangoVersion != "5.1" || d.VersionSource != "pyproject.toml" {
		t.Errorf("version %s from %q, want 5.1 from pyproject.toml", d.DjangoVersion, d.VersionSource)
	}
	plain := run(t, parent, false, "config.settings.production", "--root", "split").out
	if !strings.Contains(plain, "split/config/settings/production.py:5:42: error ctl.D001: ") {
		t.Errorf("plain output lacks the D001 line relative to cwd:\n%s", plain)
	}
	// SARIF URIs are relative to the project root, not to cwd.
	log := decodeSARIF(t, run(t, parent, false, "config.settings.production", "--root", "split", "--format", "sarif").out)
	for _, r := range log.Runs[0].Results {
		if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(u, "config/settings/") {
			t.Errorf("SARIF uri %q, want it relative to --root", u)
		}
	}
	// Without --root the module is looked up from cwd and not found.
	if got := run(t, parent, false, "config.settings.production"); got.code != cmdutil.ExitUsage {
		t.Errorf("exit %d without --root, want 2", got.code)
	}
}

// TestSARIFURIsRelativeToRepository: code scanning resolves SARIF URIs
// against the repository root, so a project in a subdirectory of a git
// work tree gets URIs from the work tree's root, wherever ctl runs.
func TestSARIFURIsRelativeToRepository(t *testing.T) {
	dir := writeProject(t, map[string]string{
		".git/HEAD":                   "ref: refs/heads/main\n",
		"backend/manage.py":           "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n",
		"backend/app/__init__.py":     "",
		"backend/app/settings.py":     "DEBUG = True\n",
		"backend/app/sub/__init__.py": "",
	})
	for _, c := range []struct {
		cwd  string
		args []string
	}{
		{dir, []string{"backend/app/settings.py"}},
		{filepath.Join(dir, "backend"), nil},
		{filepath.Join(dir, "backend", "app", "sub"), []string{"app.settings"}},
	} {
		log := decodeSARIF(t, run(t, c.cwd, false, append(c.args, "--format", "sarif")...).out)
		for _, r := range log.Runs[0].Results {
			if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "backend/app/settings.py" {
				t.Errorf("cwd %s: uri %q, want backend/app/settings.py", c.cwd, u)
			}
		}
	}
}

// TestEnvProvenance: the environment is unset by default, and each value
// names the file or flag it came from.
func TestEnvProvenance(t *testing.T) {
	dir := project(t, "split")
	unset := head(t, run(t, dir, false, "--json"))
	if !strings.HasPrefix(unset.Environment, "unset") {
		t.Errorf("environment %q, want it to start with unset", unset.Environment)
	}
	got := run(t, dir, false, "--env-file", ".env.prod", "--env", "DJANGO_DEBUG=True")
	for _, want := range []string{
		"[SECRET_KEY = 'cha…' (17 characters, redacted); env var DJANGO_SECRET_KEY from .env.prod]",
		"[DEBUG = True; env var DJANGO_DEBUG from --env]", // --env wins over the file
		"error async.E001: ",
	} {
		if !strings.Contains(got.out, want) {
			t.Errorf("output lacks %q:\n%s", want, got.out)
		}
	}
}

// TestJSONFields: --json with fields keeps only those (and schemaVersion).
func TestJSONFields(t *testing.T) {
	dir := project(t, "basic")
	got := run(t, dir, false, "--json=summary,djangoVersion")
	var m map[string]any
	if err := json.Unmarshal([]byte(got.out), &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "djangoVersion,schemaVersion,summary" {
		t.Errorf("keys %v", keys)
	}
	if m["schemaVersion"] != float64(1) {
		t.Errorf("schemaVersion %v", m["schemaVersion"])
	}
	if got := run(t, dir, false, "--json=bogus"); got.code != cmdutil.ExitUsage {
		t.Errorf("unknown field: exit %d, want 2", got.code)
	}
	tmpl := run(t, dir, false, "--template", `{{range .findings}}{{.id}} {{end}}`)
	if !strings.HasPrefix(tmpl.out, "ctl.L001 ") {
		t.Errorf("template output %q", tmpl.out)
	}
}

// --- SARIF -----------------------------------------------------------------

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID      string `json:"id"`
					Default struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, s string) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal([]byte(s), &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v\n%s", err, s)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

// TestSARIFValid validates the SARIF of every fixture against the OASIS
// SARIF 2.1.0 schema (see sarif_schema_test.go) and against what GitHub
// code scanning needs beyond the schema: a driver name, a ruleId and message on every
// result, a relative uri with 1-based line and column, a ruleIndex that
// points at the rule of the same id, and a level matching the severity.
func TestSARIFValid(t *testing.T) {
	sevLevel := map[string]string{"error": "error", "warning": "warning", "info": "note"}
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			dir := project(t, c.fixture)
			out := run(t, filepath.Join(dir, c.sub), false, append(append([]string{}, c.args...), "--format", "sarif")...).out
			if err := validateSARIF(t, []byte(out)); err != nil {
				t.Error(err)
			}
			log := decodeSARIF(t, out)
			run0 := log.Runs[0]
			if log.Version != "2.1.0" || run0.Tool.Driver.Name == "" || run0.Tool.Driver.Version != "0.0.0-test" {
				t.Errorf("version %q driver %q %q", log.Version, run0.Tool.Driver.Name, run0.Tool.Driver.Version)
			}
			// The JSON findings, in the same order, give the expected levels.
			var jd struct {
				Findings []struct {
					ID       string `json:"id"`
					Severity string `json:"severity"`
				} `json:"findings"`
			}
			_ = json.Unmarshal([]byte(run(t, filepath.Join(dir, c.sub), false, append(append([]string{}, c.args...), "--json")...).out), &jd)
			if len(jd.Findings) != len(run0.Results) {
				t.Fatalf("%d SARIF results, %d JSON findings", len(run0.Results), len(jd.Findings))
			}
			seen := map[string]bool{}
			for i, r := range run0.Results {
				if r.RuleID == "" || r.Message.Text == "" {
					t.Errorf("result %d: ruleId %q message %q", i, r.RuleID, r.Message.Text)
				}
				if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(run0.Tool.Driver.Rules) {
					t.Errorf("result %d (%s): ruleIndex %v out of range", i, r.RuleID, r.RuleIndex)
				} else if rule := run0.Tool.Driver.Rules[*r.RuleIndex]; rule.ID != r.RuleID {
					t.Errorf("result %d: ruleIndex %d names %s, ruleId is %s", i, *r.RuleIndex, rule.ID, r.RuleID)
				} else if rule.Default.Level != r.Level {
					t.Errorf("result %d: level %s, rule default %s", i, r.Level, rule.Default.Level)
				}
				if want := sevLevel[jd.Findings[i].Severity]; r.Level != want || jd.Findings[i].ID != r.RuleID {
					t.Errorf("result %d: %s %s, JSON finding %s %s", i, r.RuleID, r.Level, jd.Findings[i].ID, jd.Findings[i].Severity)
				}
				if len(r.Locations) != 1 {
					t.Errorf("result %d: %d locations", i, len(r.Locations))
					continue
				}
				pl := r.Locations[0].PhysicalLocation
				u := pl.ArtifactLocation.URI
				if u == "" || strings.HasPrefix(u, "/") || strings.Contains(u, "\\") || strings.HasPrefix(u, "..") || strings.Contains(u, "://") {
					t.Errorf("result %d: uri %q is not relative to the source root", i, u)
				}
				if pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
					t.Errorf("result %d: uriBaseId %q", i, pl.ArtifactLocation.URIBaseID)
				}
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(u))); err != nil {
					t.Errorf("result %d: uri %q is not a file of the project", i, u)
				}
				if pl.Region.StartLine < 1 || pl.Region.StartColumn < 1 {
					t.Errorf("result %d: region %d:%d", i, pl.Region.StartLine, pl.Region.StartColumn)
				}
				seen[r.RuleID] = true
			}
			ids := map[string]bool{}
			for _, rule := range run0.Tool.Driver.Rules {
				if ids[rule.ID] {
					t.Errorf("rule %s listed twice", rule.ID)
				}
				ids[rule.ID] = true
				if !seen[rule.ID] {
					t.Errorf("rule %s has no result", rule.ID)
				}
			}
		})
	}
}

// TestColorOffIsPlainText: with colour off the TTY rendering carries no
// escape sequences (the goldens would hide them otherwise).
func TestColorOffIsPlainText(t *testing.T) {
	dir := project(t, "basic")
	out := run(t, dir, true, "basic/settings.py").out
	if regexp.MustCompile("\x1b\\[").MatchString(out) {
		t.Errorf("escape sequences with colour off:\n%q", out)
	}
	if !strings.HasPrefix(out, "Audit of basic/settings.py  Django 4.2 (requirements.txt)\n") {
		t.Errorf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
}

// TestShowSettings: --show-settings lists the settings the checks read,
// before the findings, with provenance and position, secrets redacted; in
// JSON they are resolvedSettings, only with the flag.
func TestShowSettings(t *testing.T) {
	dir := project(t, "basic")
	plain := run(t, dir, false, "basic/settings.py", "--show-settings").out
	for _, want := range []string{
		"DEBUG = True  (literal)  basic/settings.py:11:9\n",
		"CSRF_COOKIE_SECURE = False  (Django default)  -\n",
		"SECRET_KEY = <'…' (10 characters, redacted)>  (literal)  basic/settings.py:9:14\n",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("--show-settings output lacks %q:\n%s", want, plain)
		}
	}
	for _, secret := range []string{"dev-secret", "hunter2", "ancienne-cl"} {
		if strings.Contains(plain, secret) {
			t.Errorf("a secret (%s) in --show-settings output", secret)
		}
	}
	if i, j := strings.Index(plain, "DEBUG = True"), strings.Index(plain, "error ctl."); i < 0 || j < 0 || i > j {
		t.Errorf("settings should come before the findings:\n%s", plain)
	}

	js := run(t, dir, false, "basic/settings.py", "--json", "--show-settings").out
	var doc struct {
		ResolvedSettings []struct {
			Name   string  `json:"name"`
			Value  *string `json:"value"`
			Known  bool    `json:"known"`
			Source struct {
				Kind string `json:"kind"`
			} `json:"source"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"resolvedSettings"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range doc.ResolvedSettings {
		if s.Name == "DEBUG" {
			found = s.Known && s.Value != nil && *s.Value == "True" && s.Source.Kind == "literal" && s.File == "basic/settings.py" && s.Line == 11
		}
	}
	if !found {
		t.Errorf("resolvedSettings lacks DEBUG = True (literal, basic/settings.py:11): %s", js)
	}
	if strings.Contains(js, "hunter2") || strings.Contains(js, "dev-secret") {
		t.Error("a secret in the JSON settings")
	}
	if strings.Contains(run(t, dir, false, "basic/settings.py", "--json").out, "resolvedSettings") {
		t.Error("resolvedSettings without --show-settings")
	}
}

// TestSuppliedFile: --file PATH=LOCAL gives the deployment's copy of a
// JSON file the settings read with json.load; its values are used and
// name the file and the flag as their source.
func TestSuppliedFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"manage.py":       "",
		"app/__init__.py": "",
		"app/settings.py": "import json\nwith open('secrets.json') as f:\n    secrets = json.load(f)\nSECRET_KEY = secrets['SECRET_KEY']\nDEBUG = secrets['DEBUG']\n",
		"deploy.json":     `{"SECRET_KEY": "dev", "DEBUG": true}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	without := run(t, dir, false, "app/settings.py")
	if !strings.Contains(without.out, "ctl.X001: SECRET_KEY could not be evaluated") {
		t.Errorf("without --file, SECRET_KEY must be unknown:\n%s", without.out)
	}
	got := run(t, dir, false, "app/settings.py", "--file", "secrets.json=deploy.json")
	for _, want := range []string{
		"security.W009", "security.W018",
		"[DEBUG = True; file secrets.json from --file deploy.json]",
	} {
		if !strings.Contains(got.out, want) {
			t.Errorf("output lacks %q:\n%s", want, got.out)
		}
	}
	if strings.Contains(got.out, "ctl.S001") || strings.Contains(got.out, "ctl.X001") {
		t.Errorf("a supplied value is neither a literal nor unknown:\n%s", got.out)
	}
}
