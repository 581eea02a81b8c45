package run_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/run"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
)

func parse(t *testing.T, args ...string) (*run.Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios, cmdutil.Deps{})
	var got *run.Options
	cmd := run.NewCmdRun(f, func(_ context.Context, o *run.Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&strings.Builder{})
	cmd.SetErr(&strings.Builder{})
	_, err := cmd.ExecuteC()
	return got, err
}

func TestRunFlags(t *testing.T) {
	o, err := parse(t, "qa", "--detach", "--deadline", "90m", "--component", "worker", "--", "python", "manage.py", "check")
	if err != nil {
		t.Fatal(err)
	}
	if o.Env != "qa" || !o.Detach || o.Deadline != 90*time.Minute || o.Where.Component != "worker" || strings.Join(o.Args, " ") != "python manage.py check" {
		t.Fatalf("%+v", o)
	}
	if o, err = parse(t, "qa", "--size", "cpu=2,memory=4Gi", "--", "true"); err != nil || o.Size != "cpu=2,memory=4Gi" {
		t.Fatalf("--size: %v %+v", err, o)
	}
	if o, err = parse(t, "--list", "qa"); err != nil || !o.List || o.Env != "qa" {
		t.Fatalf("--list: %v %+v", err, o)
	}
	if o, err = parse(t, "qa", "--attach", "web-run-x"); err != nil || o.Attach != "web-run-x" {
		t.Fatalf("--attach: %v %+v", err, o)
	}
	for _, bad := range [][]string{
		{"qa"},                          // no command
		{"--list", "qa", "--", "true"},  // --list takes none
		{"--list", "--kill", "x", "qa"}, // exclusive
		{"qa", "--deadline", "-1s", "--", "true"},
		{"qa", "--size", "gpu=1", "--", "true"},
		{"qa", "--size", "cpu=lots", "--", "true"},
	} {
		if _, err := parse(t, bad...); !errors.Is(err, exitcode.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

// A local environment runs the command like ctl exec, exit code included.
func TestRunLocal(t *testing.T) {
	dir, home := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manage.py"), []byte("#\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  dev:\n    target: local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Ctl(t), "run", "dev", "--", "sh", "-c", `echo "in $(basename $PWD)"; exit 7`)
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	out, errOut, code := testenv.Run(t, cmd, "")
	if code != 7 || strings.TrimSpace(out) != "in "+filepath.Base(dir) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	cmd = exec.Command(testenv.Ctl(t), "run", "dev", "--detach", "--", "true")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	if _, errOut, code := testenv.Run(t, cmd, ""); code != 255 || !strings.Contains(errOut, "not available on local") {
		t.Fatalf("--detach on local: exit %d\n%s", code, errOut)
	}
	cmd = exec.Command(testenv.Ctl(t), "run", "dev", "--size", "cpu=1", "--", "touch", "ran")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	if _, errOut, code := testenv.Run(t, cmd, ""); code != 255 || !strings.Contains(errOut, "sizes apply to Kubernetes Jobs") {
		t.Fatalf("--size on local: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Fatal("--size on local ran the command anyway")
	}
}
