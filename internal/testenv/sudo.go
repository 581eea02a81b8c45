package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// SudoRig is a real sudo set-up for an ssh environment's sudo_user: two
// throw-away Unix users, SSH (who logs in) and App (who owns the app's
// files), and a sudoers rule letting SSH run anything as App without a
// password — what a VM deployed with a service account has. Dir (0755)
// holds their homes; AppDir is App's 0700 project directory.
type SudoRig struct {
	SSH, App    string
	Dir, AppDir string
	AppUID      int
}

// NewSudoRig creates the users and the rule, and removes them (and Dir)
// when the test ends. It needs root, useradd and sudo: without them it
// skips, or fails in CI (scripts/test-deps.sh installs sudo).
func NewSudoRig(t testing.TB) *SudoRig {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "root (to create the throw-away users of the sudo_user tests)")
	}
	useradd := RequireTool(t, "useradd")
	userdel := RequireTool(t, "userdel")
	RequireTool(t, "sudo")
	var b [3]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	dir, err := os.MkdirTemp("", "ctl-sudo-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &SudoRig{SSH: "ctlts" + id, App: "ctlta" + id, Dir: dir, AppDir: filepath.Join(dir, "app")}
	rule := "/etc/sudoers.d/ctl-test-" + id
	t.Cleanup(func() {
		_ = os.Remove(rule)
		for _, u := range []string{r.SSH, r.App} {
			_ = exec.Command(userdel, "-f", u).Run()
		}
		_ = os.RemoveAll(dir)
	})
	for _, u := range []string{r.SSH, r.App} {
		// -p '*': no password, but not a locked account (sshd refuses
		// those without PAM).
		if out, err := exec.Command(useradd, "-m", "-d", filepath.Join(dir, u), "-s", "/bin/sh", "-p", "*", u).CombinedOutput(); err != nil {
			t.Fatalf("useradd %s: %v: %s", u, err, out)
		}
	}
	if err := os.WriteFile(rule, []byte(r.SSH+" ALL=("+r.App+") NOPASSWD: ALL\n"), 0o440); err != nil {
		t.Fatal(err)
	}
	app, err := user.Lookup(r.App)
	if err != nil {
		t.Fatal(err)
	}
	r.AppUID, _ = strconv.Atoi(app.Uid)
	gid, _ := strconv.Atoi(app.Gid)
	if err := os.Mkdir(r.AppDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(r.AppDir, r.AppUID, gid); err != nil {
		t.Fatal(err)
	}
	return r
}

// WriteAppFile writes a file in AppDir owned by App with mode.
func (r *SudoRig) WriteAppFile(t testing.TB, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(r.AppDir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	app, err := user.Lookup(r.App)
	if err != nil {
		t.Fatal(err)
	}
	gid, _ := strconv.Atoi(app.Gid)
	if err := os.Chown(p, r.AppUID, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}
