package shell_test

// ctl shell against the real sandbox cluster (scripts/sandbox/up.sh); the
// fake kubelet's exec rule decides what exists in the container: its
// PATH is the container's.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
)

// TestKubeShellFallsBackToSh: with no shell configured, `ctl shell ENV`
// runs bash when the container has it and sh when it has not (an Alpine
// or distroless-with-busybox image), and the remote exit code is ctl's.
func TestKubeShellFallsBackToSh(t *testing.T) {
	bin := t.TempDir()
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Skipf("no /bin/sh: %v", err)
	}
	if filepath.Base(sh) == "bash" {
		t.Skip("/bin/sh is bash here: no bash-less container to simulate")
	}
	// A minimal image: sh, and id (which sh -l's /etc/profile runs).
	for name, target := range map[string]string{"sh": sh, "id": "/usr/bin/id"} {
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	script := "echo \"bash=${BASH_VERSION:-none}\"\nexit 7\n"
	bashVersion := regexp.MustCompile(`(?m)^bash=\d+\.\d+`)

	t.Run("bash when the container has it", func(t *testing.T) {
		a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
		r := a.Run(t, script, "shell", "qa")
		if r.Code != 7 || !bashVersion.MatchString(r.Stdout) {
			t.Fatalf("exit %d stdout %q stderr %q; want exit 7 from bash", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("sh when it has none", func(t *testing.T) {
		// The container's PATH holds sh and id: no bash.
		a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebPATH: bin})
		r := a.Run(t, script, "shell", "qa")
		if r.Code != 7 || !strings.Contains(r.Stdout, "bash=none") {
			t.Fatalf("exit %d stdout %q stderr %q; want exit 7 from sh", r.Code, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stderr, "not found") {
			t.Errorf("the fallback showed an error: %q", r.Stderr)
		}
	})
}
