package run_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// `ctl run` on an ssh environment: one host, the app's environment; and
// detached (nohup: the sshd hosts have no systemd user manager), then
// listed, attached to (its exit code) and killed.
func TestRunSSH(t *testing.T) {
	fleet := testenv.StartSSHFleet(t, "web1", "web2")
	dir, home, proj := t.TempDir(), t.TempDir(), t.TempDir()
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	if err := os.WriteFile(filepath.Join(proj, ".env"), []byte("APP_GREETING=hello-from-env\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    roles:\n      web: [web1, web2]\n    dir: %s\n", fleet.Config, proj)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctl := func(args ...string) (string, string, int) {
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir = dir
		cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
		return testenv.Run(t, cmd, "")
	}
	out, errOut, code := ctl("run", "vm", "--", "sh", "-c", `echo "$APP_GREETING in $PWD"; exit 7`)
	if code != 7 || strings.TrimSpace(out) != "hello-from-env in "+proj {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	out, errOut, code = ctl("run", "vm", "--detach", "--", "sh", "-c", `echo "detached $APP_GREETING"; sleep 1; exit 4`)
	name := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(name, "ctl-run-") {
		t.Fatalf("--detach: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	out, errOut, code = ctl("run", "--list", "vm")
	if code != 0 || !strings.Contains(out, name) {
		t.Fatalf("--list: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	out, errOut, code = ctl("run", "vm", "--attach", name)
	if code != 4 || !strings.Contains(out, "detached hello-from-env") {
		t.Fatalf("--attach: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	_, errOut, code = ctl("run", "vm", "--kill", name)
	if code != 0 {
		t.Fatalf("--kill: exit %d\n%s", code, errOut)
	}
	if out, _, _ = ctl("run", "--list", "vm"); strings.Contains(out, name) {
		t.Fatalf("still listed after --kill:\n%s", out)
	}

	// --kill stops a run that is still going.
	out, errOut, code = ctl("run", "vm", "--detach", "--", "sh", "-c", "exec sleep 310")
	name = strings.TrimSpace(out)
	if code != 0 {
		t.Fatalf("--detach: exit %d\n%s", code, errOut)
	}
	if o, err := fleet.SSH(t, "web1", "pgrep -f 'sleep 31[0]'"); err != nil {
		t.Fatalf("the detached run is not running: %v %s", err, o)
	}
	if _, errOut, code = ctl("run", "vm", "--kill", name); code != 0 {
		t.Fatalf("--kill: exit %d\n%s", code, errOut)
	}
	if o, err := fleet.SSH(t, "web1", "sleep 0.5; pgrep -f 'sleep 31[0]'"); err == nil {
		t.Fatalf("the run survived --kill: %s", o)
	}
}
