package ssh

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// runScript runs the remote write script locally with sh, content on stdin.
func runScript(t *testing.T, script, content string) int {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin = strings.NewReader(content)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return 0
}

func TestWriteScript(t *testing.T) {
	tg, err := newT(t, &config.Environment{Hosts: []string{"h"}}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, ".env")
	old := []byte("A=1\n")
	if err := os.WriteFile(f, old, 0o640); err != nil {
		t.Fatal(err)
	}
	// The file changed since it was read: 75, untouched.
	if code := runScript(t, tg.writeScript(f, sum([]byte("A=0\n"))), "A=2\n"); code != writeChanged {
		t.Fatalf("exit %d, want %d", code, writeChanged)
	}
	if b, _ := os.ReadFile(f); string(b) != "A=1\n" {
		t.Fatalf("written anyway: %q", b)
	}
	// Unchanged: replaced, mode kept, backup of the old content, no temp file left.
	if code := runScript(t, tg.writeScript(f, sum(old)), "A=2\n"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	b, _ := os.ReadFile(f)
	bk, _ := os.ReadFile(f + ".ctl-backup")
	fi, _ := os.Stat(f)
	if string(b) != "A=2\n" || string(bk) != "A=1\n" || fi.Mode().Perm() != 0o640 {
		t.Errorf("file %q, backup %q, mode %v", b, bk, fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ctl-env.*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
	// A new file: created 0600.
	nf := filepath.Join(dir, "new.env")
	if code := runScript(t, tg.writeScript(nf, "absent"), "B=1\n"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if fi, err := os.Stat(nf); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new file: %v %v", err, fi)
	}
	// sudo_user: the whole script runs as that user, without a prompt.
	su, _ := newT(t, &config.Environment{Hosts: []string{"h"}, SudoUser: "shop", Dir: "/srv/app"}, targets.Options{})
	s := su.writeScript(".env", "absent")
	if !strings.HasPrefix(s, "exec sudo -n -u shop -- sh -c ") || !strings.Contains(s, "cd /srv/app") {
		t.Errorf("sudo script: %s", s)
	}
}

func TestMergeFile(t *testing.T) {
	data := []byte("export A=1\nB=2\n")
	src := targets.EnvSource{Kind: targets.SourceFile, Name: ".env"}
	out, err := targets.MergeEnvFile("h:.env", data, []targets.EnvChange{
		{Key: "A", Old: "1", HadOld: true, New: "x y", Source: src},
		{Key: "B", Old: "2", HadOld: true, Delete: true, Source: src},
		{Key: "C", New: "3", Source: src},
	})
	if err != nil || string(out) != "export A='x y'\nC=3\n" {
		t.Fatalf("%q %v", out, err)
	}
	_, err = targets.MergeEnvFile("h:.env", data, []targets.EnvChange{{Key: "B", Old: "0", HadOld: true, New: "9", Source: src}})
	var ce *targets.EnvConflictError
	if !errors.As(err, &ce) || ce.Keys[0] != "B" || ce.Where != "h:.env" {
		t.Fatalf("%v", err)
	}
	if _, err := targets.MergeEnvFile("h:.env", []byte("A=1\nnot a line\n"), nil); err == nil || strings.Contains(err.Error(), "not a line") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed file: %v", err)
	}
}
