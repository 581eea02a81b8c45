package restart_test

// `ctl restart` on an ssh environment of three real sshd "hosts"
// (testenv.StartSSHFleet): restarted one at a time, each health-checked
// before the next; the second's check fails, so the third is never
// touched.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

func TestRestartSSHStopsAtFailingHealthCheck(t *testing.T) {
	fleet := testenv.StartSSHFleet(t, "web1", "web2", "web3")
	dir, home, proj := t.TempDir(), t.TempDir(), t.TempDir()
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	// Every "host" is this machine: the restart command appends the
	// connection it ran over (the sshd's port tells the hosts apart) to
	// one file; the health check fails once two restarts happened, i.e.
	// on the second host.
	cfg := fmt.Sprintf(`app: myapp
environments:
  vm:
    target: ssh
    ssh_config: %s
    roles:
      web: [web1, web2, web3]
    dir: %s
    restart:
      command: 'echo "restarted via $SSH_CONNECTION" >> restarts.log'
    health: 'test "$(wc -l < restarts.log)" -ne 2 || { echo "upstream not ready: 502"; exit 1; }'
`, fleet.Config, proj)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Ctl(t), "restart", "vm", "--timeout", "2s")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	stdout, stderr, code := testenv.Run(t, cmd, "")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "host web2: restart failed: health check failed") || !strings.Contains(stderr, "upstream not ready: 502") {
		t.Fatalf("stderr does not name web2's failed check and its output:\n%s", stderr)
	}
	b, err := os.ReadFile(filepath.Join(proj, "restarts.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d restarts, want 2 (web1, web2; web3 untouched):\n%s", len(lines), b)
	}
	// web1 then web2, by their sshd ports.
	for i, h := range fleet.Hosts[:2] {
		if !strings.HasSuffix(strings.TrimSpace(lines[i]), fmt.Sprintf(" %d", h.Port)) {
			t.Errorf("restart %d did not run on %s (port %d): %q", i+1, h.Name, h.Port, lines[i])
		}
	}
	recs := testenv.ReadTrail[trailRec](t, home)
	if last := recs[len(recs)-1]; last.Verb != "restart" || last.ExitCode != 1 || !strings.Contains(last.Detail, "web1 1/1") || !strings.Contains(last.Detail, "web2 0/1 failed") {
		t.Fatalf("trail: %+v", last)
	}

	// With a health check that passes, all three, in order.
	if err := os.Remove(filepath.Join(proj, "restarts.log")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(strings.Replace(cfg, "-ne 2", "-ge 1", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(testenv.Ctl(t), "restart", "vm", "--parallel", "2")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	stdout, stderr, code = testenv.Run(t, cmd, "")
	b, _ = os.ReadFile(filepath.Join(proj, "restarts.log"))
	if code != 0 || strings.Count(string(b), "restarted") != 3 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nrestarts:\n%s", code, stdout, stderr, b)
	}
}

// restart.unit through systemctl (a stand-in first in the hosts' PATH:
// the test machine has no systemd) and an http health check fetched on
// the host with curl: the second host's check answers 502, so the third
// is never restarted and the unit's journal is shown.
func TestRestartSSHUnitAndHTTPHealth(t *testing.T) {
	testenv.RequireTool(t, "curl")
	bin, state := t.TempDir(), t.TempDir()
	log := filepath.Join(state, "systemctl.log")
	stub := "#!/bin/sh\necho \"systemctl $* via ${SSH_CONNECTION##* }\" >> " + log + "\n"
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "journalctl"), []byte("#!/bin/sh\necho \"myapp[42]: gunicorn worker failed to boot\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b, _ := os.ReadFile(log)
		if strings.Count(string(b), "\n") == 2 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	fleet := testenv.StartSSHFleetWith(t, []string{"SetEnv PATH=" + bin + ":/usr/bin:/bin"}, "web1", "web2", "web3")
	dir, home := t.TempDir(), t.TempDir()
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    roles:\n      web: [web1, web2, web3]\n    restart:\n      unit: myapp.service\n    health: %s/healthz\n", fleet.Config, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Ctl(t), "restart", "vm", "web", "--timeout", "2s", "--yes")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	stdout, stderr, code := testenv.Run(t, cmd, "")
	if code != 1 || !strings.Contains(stderr, "host web2: restart failed: health check failed") || !strings.Contains(stderr, "gunicorn worker failed to boot") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d restarts, want 2:\n%s", len(lines), b)
	}
	for i, h := range fleet.Hosts[:2] {
		if want := fmt.Sprintf("systemctl restart myapp.service via %d", h.Port); lines[i] != want {
			t.Errorf("restart %d: %q, want %q", i+1, lines[i], want)
		}
	}
}
