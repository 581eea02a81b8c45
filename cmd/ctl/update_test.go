package main_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestUpdateCheck drives the opt-in release check of a versioned ctl
// against a release endpoint on loopback.
func TestUpdateCheck(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ctl")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X github.com/ctlops/ctl/internal/build.Version=v0.1.0", "./cmd/ctl")
	build.Dir = testenv.RepoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	var hits atomic.Int32
	release := make(chan struct{})
	answered := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release // the test decides when the release API answers
		_, _ = w.Write([]byte(`{"tag_name":"v9.9.9"}`))
		answered <- struct{}{}
	}))
	defer srv.Close()
	defer close(release)

	home := t.TempDir()
	statePath := filepath.Join(home, "state", "ctl", "update.json")
	run := func(extra ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, "version")
		cmd.Env = testenv.CleanEnv(append([]string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), "CTL_UPDATE_URL=" + srv.URL}, extra...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %s", err, errb.String())
		}
		return out.String(), errb.String()
	}

	// Not opted in: nothing is looked up, nothing is written.
	run()
	if _, err := os.Stat(statePath); !os.IsNotExist(err) || hits.Load() != 0 {
		t.Fatalf("without CTL_CHECK_UPDATES: state %v, %d requests", err, hits.Load())
	}

	// Opted in: the command finishes while the lookup is still waiting
	// for its answer (the handler is blocked until release is closed).
	out, _ := run("CTL_CHECK_UPDATES=1")
	if !strings.Contains(out, "v0.1.0") {
		t.Fatalf("version output %q", out)
	}
	select {
	case <-answered:
		t.Fatal("the command waited for the release lookup")
	default:
	}
	deadline := time.Now().Add(30 * time.Second)
	for hits.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if hits.Load() != 1 {
		t.Fatalf("the detached lookup made %d requests", hits.Load())
	}
	release <- struct{}{} // let that one request answer
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(statePath); bytes.Contains(b, []byte("v9.9.9")) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if b, _ := os.ReadFile(statePath); !bytes.Contains(b, []byte("v9.9.9")) {
		t.Fatalf("state after the lookup: %s", b)
	}

	// Next command: the notice (on a terminal), and no second lookup the same day.
	_, errOut := run("CTL_CHECK_UPDATES=1", "CTL_FORCE_TTY=1", "NO_COLOR=1")
	if !strings.Contains(errOut, "v0.1.0 → v9.9.9") {
		t.Errorf("no notice on stderr: %q", errOut)
	}
	_, errOut = run("CTL_CHECK_UPDATES=1")
	if strings.Contains(errOut, "v9.9.9") {
		t.Errorf("notice printed off a terminal: %q", errOut)
	}
	time.Sleep(200 * time.Millisecond)
	if hits.Load() != 1 {
		t.Errorf("%d lookups within a day, want 1", hits.Load())
	}
}
