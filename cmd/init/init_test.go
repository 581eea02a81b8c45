package initcmd

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+t.TempDir(), "KUBECONFIG="+filepath.Join(t.TempDir(), "none"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestInitInTheExampleProject(t *testing.T) {
	proj := testenv.ExampleProject(t)
	out, stderr, code := run(t, filepath.Join(proj, "inventory"), "init")
	path := filepath.Join(proj, "ctl.yaml")
	if code != 0 || strings.TrimSpace(out) != path {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	first, _ := os.ReadFile(path)
	out, _, code = run(t, proj, "env", "list")
	if code != 0 || !strings.Contains(out, "local") {
		t.Fatalf("env list: exit %d %s", code, out)
	}
	_, stderr, code = run(t, proj, "init")
	if code != 1 || !strings.Contains(stderr, "ctl.yaml already exists") || !strings.Contains(stderr, "--force") {
		t.Fatalf("second init: exit %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, first) {
		t.Fatal("the second init changed the file")
	}
	printed, _, code := run(t, proj, "init", "--print")
	if code != 0 || printed != string(first) {
		t.Fatalf("--print: exit %d\n%s", code, printed)
	}
	if _, _, code := run(t, proj, "init", "--force"); code != 0 {
		t.Fatalf("--force: exit %d", code)
	}
}
