// Package testenv gives tests the real components they need (Postgres,
// Django, tmux, the built binary) and refuses to skip in CI: a test that
// needs Postgres skips on a laptop without it but fails under CI=true,
// where `make test` must have provided everything.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// SystemPython is Debian's interpreter, which has Django 3.2 and friends.
const SystemPython = "/usr/bin/python3"

// InCI reports whether the tests run in CI.
func InCI() bool { return os.Getenv("CI") != "" }

// Missing skips the test, or fails it in CI.
func Missing(t testing.TB, format string, a ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI must provide this (run `make test`): "+format, a...)
	}
	t.Skipf("not available (run `make test` to install): "+format, a...)
}

// RequireTool returns the path of a program on PATH, or skips/fails.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s not on PATH", name)
	}
	return p
}

// RequireDjango checks Debian's python has Django.
func RequireDjango(t testing.TB) {
	t.Helper()
	if err := exec.Command(SystemPython, "-c", "import django, django_extensions, environ").Run(); err != nil {
		Missing(t, "%s cannot import django/django_extensions/environ", SystemPython)
	}
}

// PostgresDSN returns the DSN of the rig's Postgres (scripts/pg-rig.sh).
// Never log it: it holds the password.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("CTL_TEST_PG_DSN")
	if dsn == "" {
		Missing(t, "CTL_TEST_PG_DSN is not set (scripts/pg-rig.sh start DIR; source DIR/env)")
	}
	return dsn
}

// RepoRoot is the repository's top directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// ExampleProject copies examples/mysite into a temp dir and gives it a
// real virtualenv (.venv, --system-site-packages, so Debian's Django is
// importable), so tests never write into the repository.
func ExampleProject(t testing.TB) string {
	t.Helper()
	RequireDjango(t)
	dst := filepath.Join(t.TempDir(), "mysite")
	src := filepath.Join(RepoRoot(t), "examples", "mysite")
	CopyTree(t, src, dst)
	cmd := exec.Command(SystemPython, "-m", "venv", "--without-pip", "--system-site-packages", filepath.Join(dst, ".venv"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("creating the virtualenv: %v: %s", err, out)
	}
	return dst
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildOut  []byte
)

// BinDirEnv names a directory holding ctl already built from this tree
// (scripts/test.sh builds it once for every test package).
const BinDirEnv = "CTL_TEST_BIN_DIR"

// Ctl returns the path of the ctl binary: the one in $CTL_TEST_BIN_DIR, or
// else built once per test binary into a temp dir.
func Ctl(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if dir := os.Getenv(BinDirEnv); dir != "" {
			buildPath = filepath.Join(dir, "ctl")
			if _, err := os.Stat(buildPath); err != nil {
				buildErr = fmt.Errorf("$%s: %w", BinDirEnv, err)
			}
			return
		}
		dir, err := os.MkdirTemp("", "ctl-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "ctl")
		cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/ctl")
		cmd.Dir = RepoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building ctl: %v\n%s", buildErr, buildOut)
	}
	return buildPath
}

// CleanEnv returns os.Environ without variables that would change ctl's
// behaviour (config, colour, virtualenvs, database), plus extra.
func CleanEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "CTL_"), strings.HasPrefix(k, "PG"), k == "DATABASE_URL", k == "VIRTUAL_ENV",
			k == "NO_COLOR", k == "CLICOLOR_FORCE", k == "XDG_CONFIG_HOME", k == "DJANGO_SETTINGS_MODULE":
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// CopyTree copies the directory src to dst (created), files as 0644.
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
}
