package sandbox_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestUpWaitTakesStartingComponentForAlive: up.sh's wait for a component
// (sbx_waitfor) must not report it dead while its command line does not
// name the state dir — as a component just started is, until its forked
// child has exec'd: a copy of up.sh, whose command line is the script's.
// The check used to ask for STATE/ in the command line, and `make
// sandbox-demo` once stopped a fakekubelet that was starting
// ("fakekubelet exited while waiting for fakekubelet serving").
func TestUpWaitTakesStartingComponentForAlive(t *testing.T) {
	testenv.RequireTool(t, "setsid")
	state := t.TempDir()
	for _, d := range []string{"run", "logs"} {
		if err := os.Mkdir(filepath.Join(state, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	lib := filepath.Join(testenv.RepoRoot(t), "scripts", "sandbox", "lib.sh")
	// The component: its command line never names the state dir; it is
	// "serving" (the marker exists) after a moment, then runs on.
	script := `. "$1"; S=$2
export SBX_MARKER=$S/serving
sbx_start "$S" comp sh -c 'sleep 0.3; : > "$SBX_MARKER"; exec sleep 30'
trap 'kill -- -$(cat "$S/run/comp.pid") 2>/dev/null' EXIT
sbx_waitfor "$S" comp "comp serving" 20 test -e "$S/serving" || exit 1
echo serving
# Once it has gone, the wait says so.
kill -- -$(cat "$S/run/comp.pid"); sleep 0.2
sbx_waitfor "$S" comp "something else" 20 false && exit 2
exit 0`
	out, err := exec.Command("bash", "-c", script, "test", lib, state).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "serving\n") {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "comp exited while waiting for something else") {
		t.Fatalf("a component that exited was not reported:\n%s", out)
	}
}
