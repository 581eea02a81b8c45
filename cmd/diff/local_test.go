package diff_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestDiffLocalReveal: two local environments (two env files), one
// protected: --reveal is guarded, values are masked without it, drift
// exits 1 and none exits 0.
func TestDiffLocalReveal(t *testing.T) {
	dir, home := testenv.ExampleProject(t), t.TempDir()
	secret := random(t, "sk-")
	cfg := "app: mysite\nenvironments:\n  dev:\n    target: local\n    env_file: dev.env\n  prodlike:\n    target: local\n    env_file: prod.env\n    protected: true\n"
	for name, body := range map[string]string{"ctl.yaml": cfg, "dev.env": "FLAG=dev-value\nSAME=1\n", "prod.env": "FLAG=" + secret + "\nSAME=1\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir, cmd.Env = dir, testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
		return testenv.Run(t, cmd, "")
	}
	stdout, stderr, code := run("diff", "dev", "prodlike", "--skip", "migrations,settings")
	if code != 1 || !strings.Contains(stdout, "FLAG") || strings.Contains(stdout+stderr, secret) || strings.Contains(stdout, "SAME") {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code = run("diff", "dev", "prodlike", "--skip", "migrations,settings", "--reveal")
	if code != 2 || strings.Contains(stdout+stderr, secret) || !strings.Contains(stderr, "protected") {
		t.Fatalf("--reveal without --yes off a terminal: exit %d:\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code = run("diff", "dev", "prodlike", "--skip", "migrations,settings", "--reveal", "--yes")
	if code != 1 || !strings.Contains(stdout, secret) || !strings.Contains(stderr, "PRODUCTION") {
		t.Fatalf("--reveal --yes: exit %d:\n%s", code, stderr)
	}
	// drift.ignore makes it expected: exit 0.
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("drift:\n  ignore: [FLAG]\n"+cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run("diff", "dev", "prodlike", "--skip", "migrations,settings"); code != 0 || !strings.Contains(stderr, "0 surprising, 1 expected, 1 same") {
		t.Fatalf("with drift.ignore: exit %d: %s", code, stderr)
	}
}
