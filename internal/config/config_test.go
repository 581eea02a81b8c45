package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/exitcode"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadNoConfigGivesImplicitLocal(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Load(LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Names(); len(got) != 1 || got[0] != "local" {
		t.Fatalf("names = %v, want [local]", got)
	}
	e := cfg.Env("local")
	if e.Target != TargetLocal || e.Origins["target"].Kind != SourceDefault || e.Origin.Kind != SourceDefault {
		t.Fatalf("implicit local wrong: %+v", e)
	}
	if cfg.TeamFile != "" {
		t.Fatalf("TeamFile = %q", cfg.TeamFile)
	}
}

func TestLoadWalksUpAndMergesPersonal(t *testing.T) {
	root := t.TempDir()
	write(t, root, "ctl.yaml", `version: 1
app: myapp
defaults:
  python: /usr/bin/python3
  context: shared-ctx
environments:
  local:
    dir: src
  qa:
    target: kubernetes
    namespace: myapp-qa
    components:
      web: app.kubernetes.io/component=web
    database:
      from: env
  prod:
    target: kubernetes
    protected: true
`)
	personal := write(t, t.TempDir(), "config.yaml", `environments:
  qa:
    context: my-own-ctx
  scratch:
    target: local
    dir: /tmp/scratch
`)
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(LoadOptions{Cwd: sub, PersonalFile: personal})
	if err != nil {
		t.Fatal(err)
	}
	if want := "local,qa,prod,scratch"; strings.Join(cfg.Names(), ",") != want {
		t.Fatalf("names = %v, want %s", cfg.Names(), want)
	}
	if cfg.App != "myapp" || cfg.AppOrigin.Line != 2 {
		t.Fatalf("app = %q at %+v", cfg.App, cfg.AppOrigin)
	}
	local := cfg.Env("local")
	if local.Dir != filepath.Join(root, "src") {
		t.Fatalf("local dir = %q, want relative to ctl.yaml", local.Dir)
	}
	if local.Python != "/usr/bin/python3" || local.Origins["python"].Kind != SourceTeam || local.Origins["python"].Line != 4 {
		t.Fatalf("python from defaults: %q %+v", local.Python, local.Origins["python"])
	}
	if local.Has("context") {
		t.Fatal("defaults' kubernetes-only key leaked into a local environment")
	}
	qa := cfg.Env("qa")
	if qa.Context != "my-own-ctx" || qa.Origins["context"].Kind != SourcePersonal {
		t.Fatalf("personal override lost: %q %+v", qa.Context, qa.Origins["context"])
	}
	if qa.Components["web"] != "app.kubernetes.io/component=web" || qa.Database.From != "env" {
		t.Fatalf("qa = %+v", qa)
	}
	o := qa.Origins["database.from"]
	if o.Line != 15 || o.Col != 13 {
		t.Fatalf("database.from origin = %+v, want line 15 col 13", o)
	}
	prod := cfg.Env("prod")
	if !prod.Protected || prod.Context != "shared-ctx" {
		t.Fatalf("prod = %+v", prod)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string // substrings of the error, all required
	}{
		{"unknown key with suggestion", "environments:\n  local:\n    pyhton: python3\n",
			[]string{`ctl.yaml:3:5: unknown key "pyhton" in environment "local" (did you mean "python"?)`}},
		{"unknown top-level key", "enviroments:\n  qa: {}\n",
			[]string{`ctl.yaml:1:1: unknown key "enviroments" in top level (did you mean "environments"?)`}},
		{"unknown target", "environments:\n  qa:\n    target: kubernets\n",
			[]string{`ctl.yaml:3:13: target: unknown value "kubernets"; one of local, kubernetes, ssh (did you mean "kubernetes"?)`}},
		{"wrong type bool", "environments:\n  prod:\n    target: ssh\n    protected: yes\n",
			[]string{`ctl.yaml:4:16: protected: expected a boolean (true or false), got "yes" (YAML 1.2 reads yes/no/on/off as strings`}},
		{"wrong type int", "environments:\n  s:\n    target: ssh\n    port: twenty-two\n",
			[]string{`ctl.yaml:4:11: port: expected an integer, got "twenty-two"`}},
		{"wrong type list", "environments:\n  s:\n    target: ssh\n    hosts: web1\n",
			[]string{`ctl.yaml:4:12: hosts: expected a list of strings, got "web1"`}},
		{"key for another target", "environments:\n  local:\n    namespace: x\n",
			[]string{`ctl.yaml:3:16: key "namespace" applies to target kubernetes, but environment "local" has target local`}},
		{"missing target", "environments:\n  qa:\n    namespace: x\n",
			[]string{`ctl.yaml:2:3: environment "qa" has no target`}},
		{"unknown database key", "environments:\n  local:\n    database:\n      ulr: sqlite:///x\n",
			[]string{`ctl.yaml:4:7: unknown key "ulr" in environment "local" database (did you mean "url"?)`}},
		{"bad env name", "environments:\n  QA Env:\n    target: local\n",
			[]string{`ctl.yaml:2:3: invalid environment name "QA Env"`}},
		{"duplicate key", "environments:\n  local:\n    python: a\n    python: b\n",
			[]string{`ctl.yaml:4:5: key "python" appears twice`}},
		{"yaml syntax", "environments:\n  local:\n    python: [a\n",
			[]string{`ctl.yaml:`, `did not find expected`}},
		{"not a mapping", "- a\n- b\n", []string{`ctl.yaml:1:1: expected a mapping`}},
		{"version", "version: 2\n", []string{`ctl.yaml:1:10: unsupported config version 2`}},
		{"drift not a mapping", "drift: [x]\n", []string{`ctl.yaml:1:8: drift: expected a mapping with ignore:`}},
		{"drift ignore not a list", "drift:\n  ignore: DEBUG\n", []string{`ctl.yaml:2:11: drift.ignore: expected a list of patterns`}},
		{"drift bad pattern", "drift:\n  ignore: [\"env/[\"]\n", []string{`ctl.yaml:2:12: drift.ignore: "env/[" is not a valid glob pattern`}},
		{"drift unknown key", "drift:\n  ignor: []\n", []string{`ctl.yaml:2:3: unknown key "ignor" in drift (did you mean "ignore"?)`}},
		{"several problems", "environments:\n  local:\n    pyhton: x\n    protected: 1\n",
			[]string{"2 problems", `3:5: unknown key "pyhton"`, `4:16: protected: expected a boolean`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ctl.yaml", tt.body)
			_, err := Load(LoadOptions{Cwd: dir})
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, exitcode.ErrInvalid) {
				t.Fatalf("error %T is not a config error of kind ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n  %s\nlacks\n  %s", err, w)
				}
			}
		})
	}
}

func TestDefaultTargetLeavesLocalAlone(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ctl.yaml", "defaults:\n  target: kubernetes\n  namespace: myapp-{env}\nenvironments:\n  qa: {}\n  local:\n    python: x\n")
	cfg, err := Load(LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Env("local"); l.Target != TargetLocal || l.Has("namespace") {
		t.Fatalf("local = %+v", l)
	}
	if q := cfg.Env("qa"); q.Target != TargetKubernetes || q.Namespace != "myapp-{env}" {
		t.Fatalf("qa = %+v", q)
	}
}

func TestExplicitMissingFile(t *testing.T) {
	_, err := Load(LoadOptions{Cwd: t.TempDir(), TeamFile: "/nonexistent/ctl.yaml"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/ctl.yaml: config file not found") {
		t.Fatalf("err = %v", err)
	}
}

func TestPersonalPath(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if p := PersonalPath(get); p != "/home/u/.config/ctl/config.yaml" {
		t.Fatal(p)
	}
	env["XDG_CONFIG_HOME"] = "/x"
	if p := PersonalPath(get); p != "/x/ctl/config.yaml" {
		t.Fatal(p)
	}
}

func TestEmptyAndNullFiles(t *testing.T) {
	for _, body := range []string{"", "# just a comment\n", "~\n", "environments:\n"} {
		dir := t.TempDir()
		write(t, dir, "ctl.yaml", body)
		cfg, err := Load(LoadOptions{Cwd: dir})
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if len(cfg.Environments) != 1 {
			t.Fatalf("%q: %v", body, cfg.Names())
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("environments:\n  local:\n    python: x\n")
	f.Add("environments: {qa: {target: kubernetes, components: {web: a=b}}}\n")
	f.Add("a: &x [1]\nb: *x\n")
	f.Fuzz(func(t *testing.T, body string) {
		read := func(string) ([]byte, error) { return []byte(body), nil }
		_, _ = Load(LoadOptions{TeamFile: "ctl.yaml", ReadFile: read})
	})
}

// check_updates: the personal file opts in over a team file that does not;
// a non-boolean is an error at its position.
func TestCheckUpdates(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ctl.yaml", "check_updates: false\n")
	personal := write(t, t.TempDir(), "config.yaml", "check_updates: true\n")
	cfg, err := Load(LoadOptions{Cwd: dir, PersonalFile: personal})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.CheckUpdates {
		t.Error("the personal file's check_updates: true was not applied")
	}
	cfg, err = Load(LoadOptions{Cwd: dir})
	if err != nil || cfg.CheckUpdates {
		t.Errorf("team false alone: %v, %v", cfg.CheckUpdates, err)
	}
	write(t, dir, "ctl.yaml", "check_updates: sometimes\n")
	if _, err := Load(LoadOptions{Cwd: dir}); err == nil || !strings.Contains(err.Error(), "ctl.yaml:1:16") {
		t.Errorf("a non-boolean check_updates: %v", err)
	}
}

func TestDriftIgnore(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ctl.yaml", "drift:\n  ignore: [SENTRY_*, \"image/*\"]\nenvironments:\n  qa:\n    target: kubernetes\n")
	cfg, err := Load(LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Drift.Ignore, " ") != "SENTRY_* image/*" || cfg.Drift.Origin.Line != 2 {
		t.Fatalf("drift: %+v", cfg.Drift)
	}
}

// The admin: block is the live audit's allow-list for a public admin.
func TestAdminBlock(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ctl.yaml", "environments:\n  staff:\n    target: ssh\n    admin:\n      path: /staff/\n      allowed: true\n  prod:\n    target: ssh\n")
	cfg, err := Load(LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Env("staff").Admin; a.Path != "/staff/" || !a.Allowed {
		t.Fatalf("staff admin %+v", a)
	}
	if a := cfg.Env("prod").Admin; a.Path != "" || a.Allowed {
		t.Fatalf("prod admin %+v", a)
	}
	write(t, dir, "ctl.yaml", "environments:\n  staff:\n    target: ssh\n    admin:\n      alowed: yes\n")
	if _, err := Load(LoadOptions{Cwd: dir}); err == nil || !strings.Contains(err.Error(), `did you mean "allowed"`) {
		t.Fatalf("typo: %v", err)
	}
}
