package config_test

// sudo_user against a real sudo: the ssh user may neither read nor write
// the app's files (its directory is closed to it); ctl runs commands,
// reads logs and the env file, and writes the env file through
// `sudo -n -u` the app user, and the file keeps its owner and mode.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

func TestConfigSSHSudoUser(t *testing.T) {
	rig := testenv.NewSudoRig(t)
	fleet := testenv.StartSSHFleetAs(t, rig.SSH, nil, "vm1")
	secretKey := random(t, "sk-", 32)
	envFile := rig.WriteAppFile(t, ".env", "SECRET_KEY="+secretKey+"\nDEBUG=0\n", 0o600)
	logFile := rig.WriteAppFile(t, "app.log", "first line\nlast line\n", 0o600)
	v := &vm{dir: t.TempDir(), home: t.TempDir()}
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [vm1]\n    dir: %s\n    sudo_user: %s\n    logs:\n      files: [%s]\n", fleet.Config, rig.AppDir, rig.App, logFile)
	if err := os.WriteFile(filepath.Join(v.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	v.env = testenv.CleanEnv("HOME="+v.home, "XDG_STATE_HOME="+filepath.Join(v.home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	var o outputs

	// The ssh user really cannot read the file: sudo is needed.
	if out, err := fleet.SSH(t, "vm1", "cat", envFile); err == nil {
		t.Fatalf("the ssh user read the app's file: %s", out)
	}
	// Commands run as the app user.
	stdout, stderr, code := v.run(t, &o, "", nil, "exec", "vm", "--", "id", "-un")
	if code != 0 || strings.TrimSpace(stdout) != rig.App {
		t.Fatalf("exec as sudo_user: exit %d, %q: %s", code, stdout, stderr)
	}
	// A log file in the app's closed directory is read through sudo.
	stdout, stderr, code = v.run(t, &o, "", nil, "logs", "vm", "--tail", "1")
	if code != 0 || !strings.Contains(stdout, "last line") || strings.Contains(stdout, "first line") {
		t.Fatalf("logs as sudo_user: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// The env file is read through sudo.
	stdout, stderr, code = v.run(t, &o, "", nil, "config", "vm", "--json")
	if code != 0 || !strings.Contains(stdout, `"name": "SECRET_KEY"`) || !strings.Contains(stdout, envFile+":1") {
		t.Fatalf("config view: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// And written through it: owner, mode and a backup kept.
	newKey := random(t, "nk-", 32)
	_, stderr, code = v.run(t, &o, newKey+"\n", nil, "config", "set", "vm", "SECRET_KEY=-", "NEW_FLAG=on", "--yes")
	if code != 0 || !strings.Contains(stderr, "wrote vm1:"+envFile) {
		t.Fatalf("config set: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(envFile)
	if err != nil || string(b) != "SECRET_KEY="+newKey+"\nDEBUG=0\nNEW_FLAG=on\n" {
		t.Fatalf("the env file is now %q (%v)", strings.ReplaceAll(string(b), newKey, "<NEW>"), err)
	}
	fi, err := os.Stat(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != rig.AppUID || fi.Mode().Perm() != 0o600 {
		t.Errorf("the env file is %v owned by %v, want 0600 owned by %s", fi.Mode().Perm(), fi.Sys(), rig.App)
	}
	if bk, err := os.Stat(envFile + ".ctl-backup"); err != nil {
		t.Errorf("no backup: %v", err)
	} else if st, ok := bk.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != rig.AppUID || bk.Mode().Perm()&0o077 != 0 {
		t.Errorf("the backup is %v owned by %v: readable by others or not the app's", bk.Mode().Perm(), bk.Sys())
	}
	if left, _ := filepath.Glob(filepath.Join(rig.AppDir, ".ctl-env.*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
	for _, s := range []string{secretKey, newKey} {
		for _, out := range o.all {
			if strings.Contains(out, s) {
				t.Errorf("a secret value in ctl's output")
			}
		}
	}
}
