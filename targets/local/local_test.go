package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
)

func mkProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manage.py"), []byte("#\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func env(t *testing.T, cwd, yaml string) *config.Environment {
	t.Helper()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(cwd, "ctl.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: cwd})
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Env("local")
}

func deps(cwd string, vars map[string]string) Deps {
	return Deps{
		Getenv: func(k string) string { return vars[k] },
		Environ: func() []string {
			out := []string{"PATH=/usr/bin"}
			for k, v := range vars {
				out = append(out, k+"="+v)
			}
			return out
		},
		Cwd:      cwd,
		LookPath: func(n string) (string, error) { return "/usr/bin/" + n, nil },
	}
}

func TestPythonResolutionOrder(t *testing.T) {
	proj := mkProject(t)
	sub := filepath.Join(proj, "a")
	_ = os.Mkdir(sub, 0o755)

	tg, err := New(env(t, sub, ""), deps(sub, nil))
	if err != nil {
		t.Fatal(err)
	}
	if tg.Dir() != proj || tg.Python() != "/usr/bin/python3" {
		t.Fatalf("dir %s python %s", tg.Dir(), tg.Python())
	}

	ve := t.TempDir()
	_ = os.MkdirAll(filepath.Join(ve, "bin"), 0o755)
	_ = os.WriteFile(filepath.Join(ve, "bin", "python"), nil, 0o755)
	tg, _ = New(env(t, sub, ""), deps(sub, map[string]string{"VIRTUAL_ENV": ve}))
	if tg.Python() != filepath.Join(ve, "bin", "python") {
		t.Fatalf("VIRTUAL_ENV ignored: %s", tg.Python())
	}

	_ = os.MkdirAll(filepath.Join(proj, ".venv", "bin"), 0o755)
	_ = os.WriteFile(filepath.Join(proj, ".venv", "bin", "python"), nil, 0o755)
	_ = os.WriteFile(filepath.Join(proj, ".venv", "pyvenv.cfg"), nil, 0o644)
	tg, _ = New(env(t, sub, ""), deps(sub, map[string]string{"VIRTUAL_ENV": ve}))
	if tg.Python() != filepath.Join(proj, ".venv", "bin", "python") {
		t.Fatalf(".venv not preferred: %s", tg.Python())
	}
	environ := strings.Join(tg.Environ(nil), "\n")
	if !strings.Contains(environ, "PATH="+filepath.Join(proj, ".venv", "bin")+":/usr/bin") ||
		!strings.Contains(environ, "VIRTUAL_ENV="+filepath.Join(proj, ".venv")) {
		t.Fatalf("venv not activated:\n%s", environ)
	}

	tg, _ = New(env(t, proj, "environments:\n  local:\n    python: tools/py\n"), deps(proj, nil))
	if tg.Python() != filepath.Join(proj, "tools", "py") || tg.pyOrigin.Kind != config.SourceTeam {
		t.Fatalf("configured python: %s (%v)", tg.Python(), tg.pyOrigin)
	}
}

func TestNoProject(t *testing.T) {
	dir := t.TempDir()
	_, err := New(env(t, dir, ""), deps(dir, nil))
	var npe *NoProjectError
	if !errors.As(err, &npe) || !strings.Contains(err.Error(), "no manage.py in "+dir) {
		t.Fatalf("err = %v", err)
	}
}

func TestDatabaseLookupOrder(t *testing.T) {
	proj := mkProject(t)
	_ = os.WriteFile(filepath.Join(proj, ".env"), []byte("DATABASE_URL=postgres://dotenv@h/db1\nOTHER_URL=sqlite:///x.db\n"), 0o600)
	e := env(t, proj, "")
	ctx := context.Background()

	tg, _ := New(e, deps(proj, map[string]string{"DATABASE_URL": "postgres://proc@h/db0"}))
	db, _, err := tg.Database(ctx)
	if err != nil || db.User != "proc" || db.Source != "$DATABASE_URL in ctl's environment" {
		t.Fatalf("process env first: %+v %v", db, err)
	}
	tg, _ = New(e, deps(proj, nil))
	db, _, _ = tg.Database(ctx)
	if db.User != "dotenv" || db.Source != "DATABASE_URL in .env:1" {
		t.Fatalf(".env second: %+v", db)
	}
	e = env(t, proj, "environments:\n  local:\n    database:\n      url_env: OTHER_URL\n")
	tg, _ = New(e, deps(proj, nil))
	db, _, _ = tg.Database(ctx)
	if db.Engine != "sqlite" || db.Name != filepath.Join(proj, "x.db") {
		t.Fatalf("url_env: %+v", db)
	}
	_ = os.Remove(filepath.Join(proj, ".env"))
	e = env(t, proj, "environments:\n  local:\n    database:\n      url: postgres://cfg@h/db2\n")
	tg, _ = New(e, deps(proj, nil))
	db, _, _ = tg.Database(ctx)
	if db.User != "cfg" || !strings.HasPrefix(db.Source, "database.url at team file") {
		t.Fatalf("config third: %+v", db)
	}
}

func TestBadDotenvIsAnError(t *testing.T) {
	proj := mkProject(t)
	_ = os.WriteFile(filepath.Join(proj, ".env"), []byte("OK=1\nbroken line\n"), 0o600)
	_, err := New(env(t, proj, ""), deps(proj, nil))
	if err == nil || !strings.Contains(err.Error(), ".env:2:1: expected KEY=VALUE") {
		t.Fatalf("err = %v", err)
	}
}

func TestAppEnv(t *testing.T) {
	proj := mkProject(t)
	tg, err := New(env(t, proj, ""), deps(proj, nil))
	if err != nil {
		t.Fatal(err)
	}
	e, err := tg.AppEnv(context.Background())
	if err != nil || len(e.Vars) != 0 || !strings.Contains(e.Where, "no env file") {
		t.Fatalf("without .env: %+v %v", e, err)
	}
	_ = os.WriteFile(filepath.Join(proj, ".env"), []byte("DEBUG=1\nA=x\nDEBUG=0\n"), 0o600)
	tg, _ = New(env(t, proj, ""), deps(proj, map[string]string{"HOME_ONLY": "1"}))
	e, err = tg.AppEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range e.Vars {
		got = append(got, v.Name+"="+v.Value+" "+v.Source.String())
	}
	envf := filepath.Join(proj, ".env")
	if want := []string{"A=x " + envf + ":2", "DEBUG=0 " + envf + ":3"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}
