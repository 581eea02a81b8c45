package main_test

// End-to-end tests of the built binary against the real components:
// Debian's Django on the example project, the rig's PostgreSQL, sqlite3.

import (
	"bytes"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

type result struct {
	stdout, stderr string
	code           int
}

// ctl runs the built binary in dir with a clean environment plus extra.
func ctl(t *testing.T, dir string, extra []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv(append([]string{"HOME=" + t.TempDir()}, extra...)...)
	stdout, stderr, code := testenv.Run(t, cmd, "")
	return result{stdout, stderr, code}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestExecPassesExitCodeThrough(t *testing.T) {
	proj := testenv.ExampleProject(t)
	for _, tt := range []struct {
		script string
		want   int
	}{{"exit 0", 0}, {"exit 3", 3}, {"exit 42", 42}, {"kill -TERM $$", 143}} {
		r := ctl(t, proj, nil, "exec", "local", "--", "sh", "-c", tt.script)
		if r.code != tt.want {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tt.script, r.code, tt.want, r.stderr)
		}
	}
	// ctl's own failures in a passthrough command are 255, as ssh's are.
	r := ctl(t, proj, nil, "exec", "lcoal", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `unknown environment "lcoal" (did you mean "local"?)`) {
		t.Errorf("unknown env: exit %d, stderr %q", r.code, r.stderr)
	}
	r = ctl(t, proj, nil, "exec", "local", "--", "no-such-program-xyz")
	if r.code != 255 || !strings.Contains(r.stderr, "no-such-program-xyz: command not found") {
		t.Errorf("missing program: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestExecLoadsDotenvWithoutOverriding(t *testing.T) {
	proj := testenv.ExampleProject(t)
	writeFile(t, filepath.Join(proj, ".env"), "FROM_DOTENV=dotenv\nOVERRIDDEN=dotenv\n")
	r := ctl(t, proj, []string{"OVERRIDDEN=process"}, "exec", "local", "--", "sh", "-c", `echo "$FROM_DOTENV $OVERRIDDEN $CTL_ENV $PWD"`)
	if want := "dotenv process local " + proj + "\n"; r.stdout != want || r.code != 0 {
		t.Fatalf("got %q (exit %d, %s), want %q", r.stdout, r.code, r.stderr, want)
	}
	// The project's virtualenv is active: `python3` is .venv's.
	r = ctl(t, proj, nil, "exec", "local", "--", "python3", "-c", "import sys, django; print(sys.prefix, django.VERSION[0])")
	if want := filepath.Join(proj, ".venv") + " 3\n"; r.stdout != want {
		t.Fatalf("python3 in exec: %q (stderr %s), want %q", r.stdout, r.stderr, want)
	}
	// From a subdirectory, the project is still found by walking up.
	r = ctl(t, filepath.Join(proj, "inventory", "migrations"), nil, "exec", "local", "--", "pwd")
	if strings.TrimSpace(r.stdout) != proj {
		t.Fatalf("pwd from a subdirectory = %q, want %q", r.stdout, proj)
	}
}

func TestManageRunsDjango(t *testing.T) {
	proj := testenv.ExampleProject(t)
	r := ctl(t, proj, nil, "manage", "local", "--", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "System check identified no issues") {
		t.Fatalf("manage check: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = ctl(t, proj, nil, "manage", "local", "--", "no_such_command")
	if r.code != 1 || !strings.Contains(r.stderr, "Unknown command: 'no_such_command'") {
		t.Fatalf("manage unknown: exit %d\n%s", r.code, r.stderr)
	}
	r = ctl(t, proj, nil, "manage", "local", "--", "migrate", "--noinput")
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s", r.code, r.stderr)
	}
	r = ctl(t, proj, nil, "pyshell", "local", "--plain", "--", "-c", "from inventory.models import Widget; print(Widget.objects.get(name='sprocket').quantity)")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "42" {
		t.Fatalf("pyshell -c: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
}

func TestDBShellSQLiteFromDjangoSettings(t *testing.T) {
	testenv.RequireTool(t, "sqlite3")
	proj := testenv.ExampleProject(t)
	if r := ctl(t, proj, nil, "manage", "local", "--", "migrate", "--noinput"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	// No DATABASE_URL anywhere: ctl asks Django, which says sqlite db.sqlite3.
	r := ctl(t, proj, nil, "dbshell", "local", "--", "select sum(quantity) from inventory_widget;")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "49" {
		t.Fatalf("sqlite dbshell: exit %d stdout %q stderr %s", r.code, r.stdout, r.stderr)
	}
	r = ctl(t, proj, nil, "dbshell", "local", "--read-only", "--", "delete from inventory_widget;")
	if r.code == 0 || !strings.Contains(r.stderr, "readonly") {
		t.Fatalf("read-only sqlite accepted a delete: exit %d stderr %s", r.code, r.stderr)
	}
}

func TestDBShellPostgres(t *testing.T) {
	testenv.RequireTool(t, "psql")
	dsn := testenv.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal("CTL_TEST_PG_DSN does not parse")
	}
	password, _ := u.User.Password()
	proj := testenv.ExampleProject(t)
	writeFile(t, filepath.Join(proj, ".env"), "DATABASE_URL="+dsn+"\n")

	noSecret := func(t *testing.T, r result) {
		t.Helper()
		if password != "" && (strings.Contains(r.stdout, password) || strings.Contains(r.stderr, password)) {
			t.Fatal("the database password appeared in ctl's output")
		}
	}

	t.Run("select", func(t *testing.T) {
		r := ctl(t, proj, nil, "dbshell", "local", "--", "-XAtc", "select 40 + 2")
		noSecret(t, r)
		if r.code != 0 || strings.TrimSpace(r.stdout) != "42" {
			t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("psql exit code passes through", func(t *testing.T) {
		r := ctl(t, proj, nil, "dbshell", "local", "--", "-X", "-v", "ON_ERROR_STOP=1", "-c", "select 1/0")
		noSecret(t, r)
		if r.code != 1 || !strings.Contains(r.stderr, "division by zero") {
			t.Fatalf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		r := ctl(t, proj, nil, "dbshell", "local", "--read-only", "--", "-X", "-v", "ON_ERROR_STOP=1", "-c", "create table ctl_ro_probe (x int)")
		noSecret(t, r)
		if r.code == 0 || !strings.Contains(r.stderr, "read-only transaction") {
			t.Fatalf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		bad := *u
		bad.User = url.UserPassword(u.User.Username(), "definitely-wrong-"+password[:4])
		r := ctl(t, proj, []string{"DATABASE_URL=" + bad.String()}, "dbshell", "local", "--", "-c", "select 1")
		noSecret(t, r)
		if r.code != 255 || !strings.Contains(r.stderr, "authentication failed for database \"ctltest\"") ||
			!strings.Contains(r.stderr, "$DATABASE_URL in ctl's environment") || strings.Contains(r.stderr, "definitely-wrong") {
			t.Fatalf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("missing database", func(t *testing.T) {
		bad := *u
		bad.Path = "/no_such_db"
		r := ctl(t, proj, []string{"DATABASE_URL=" + bad.String()}, "dbshell", "local", "--", "-c", "select 1")
		noSecret(t, r)
		if r.code != 255 || !strings.Contains(r.stderr, `database "no_such_db" does not exist`) {
			t.Fatalf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close() // nothing listens there now
		bad := *u
		bad.Host = net.JoinHostPort("127.0.0.1", itoa(port))
		r := ctl(t, proj, []string{"DATABASE_URL=" + bad.String()}, "dbshell", "local", "--", "-c", "select 1")
		noSecret(t, r)
		if r.code != 255 || !strings.Contains(r.stderr, "cannot reach the database server at 127.0.0.1:"+itoa(port)) {
			t.Fatalf("exit %d stderr %q", r.code, r.stderr)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSIGTERMIsForwardedToTheChild(t *testing.T) {
	proj := testenv.ExampleProject(t)
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(testenv.Ctl(t), "exec", "local", "--", "sh", "-c",
		`trap 'echo got-term; exit 42' TERM; touch "$READY"; while :; do sleep 0.05; done`)
	cmd.Dir = proj
	cmd.Env = testenv.CleanEnv("HOME="+t.TempDir(), "READY="+ready)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if i > 600 {
			_ = cmd.Process.Kill()
			t.Fatal("child never started")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 42 || !strings.Contains(out.String(), "got-term") {
		t.Fatalf("ctl did not forward SIGTERM and pass the child's 42 back: err %v, out %q", err, out.String())
	}
}
