package dbshell_test

// ctl dbshell against the real sandbox cluster (scripts/sandbox/up.sh) and
// the rig's PostgreSQL, reached through the fake kubelet's port-forward.

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

func listening(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
	if err == nil {
		c.Close()
		return true
	}
	return false
}

// waitFor polls cond every 50 ms until it holds or limit passes.
func waitFor(limit time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(limit); ; {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// secretFreeTemp gives ctl a TMPDIR and HOME of its own, outside the Go
// test temp dirs, and returns the directories to scan and to skip: /tmp
// and that TMPDIR, but not other tests' temp dirs (other packages' tests
// run in parallel and may hold the rig's DSN by design), the rig's
// directories (its env file holds the DSN; etcd holds the Secret) or the
// build cache.
func secretFreeTemp(t *testing.T, a *sandboxtest.App) (tmpdir string, roots, skip []string) {
	t.Helper()
	tmpdir, err := os.MkdirTemp("", "ctl-dbshell-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmpdir) })
	skip = append(testenv.OthersSecretHolders(t), a.SB.StateDir, filepath.Dir(testenv.Ctl(t)), a.Project)
	return tmpdir, testenv.TempRoots(tmpdir), skip
}

// TestKubeDBShellLeavesNoSecret: while an interactive kube dbshell runs and
// after it ends, the password is in no process's argv and in no file
// under /tmp or ctl's TMPDIR; the tunnel closes with ctl.
func TestKubeDBShellLeavesNoSecret(t *testing.T) {
	testenv.RequireTool(t, "psql")
	testenv.RequireTool(t, "tmux")
	home, err := os.MkdirTemp("", "ctl-dbshell-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Home: home})
	password := a.Password()
	if password == "" {
		t.Fatal("the rig's DSN has no password")
	}
	tmpdir, roots, skip := secretFreeTemp(t, a)
	env := a.Env("TMPDIR="+tmpdir, "TERM=xterm-256color", "LANG=C.UTF-8")
	m := testenv.StartTmux(t, a.Dir, env, 120, 30, testenv.Ctl(t), "dbshell", "qa")
	screen := m.WaitForText("=>")
	port := 0
	if mm := regexp.MustCompile(`127\.0\.0\.1:(\d+)/`).FindStringSubmatch(screen); mm != nil {
		port, _ = strconv.Atoi(mm[1])
	}
	if port == 0 || !listening(port) {
		t.Fatalf("no tunnel port on the screen or not listening:\n%s", screen)
	}
	m.Type("select 40 + 2 as answer;")
	m.WaitFor("the answer row", func(s string) bool { return regexp.MustCompile(`(?m)^\s+42\s*$`).MatchString(s) })

	// During the session.
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)

	m.Type(`\q`)
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(m.Screen(), password) {
		t.Fatal("the password appeared on the screen")
	}
	// After it: nothing left behind (a pgpass file, a log), the tunnel closed.
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	if listening(port) {
		t.Errorf("port %d still open after ctl exited", port)
	}
}

// TestKubeDBShellSignals: SIGTERM or SIGHUP (the terminal closed) to ctl
// ends psql and closes the tunnel's local port.
func TestKubeDBShellSignals(t *testing.T) {
	testenv.RequireTool(t, "psql")
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) { dbshellSignal(t, a, sig) })
	}
}

func dbshellSignal(t *testing.T, a *sandboxtest.App, sig syscall.Signal) {
	cmd := a.Command(t, "dbshell", "qa", "--", "-Xc", "select pg_sleep(60)")
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// psql reaches the database through the tunnel: its PGPORT. Read
	// until psql has exec'd with it (pgrep can see the child a moment
	// before its environment is psql's).
	var psqlPID, port int
	waitFor(20*time.Second, func() bool {
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(cmd.Process.Pid), "psql").Output()
		psqlPID, _ = strconv.Atoi(strings.TrimSpace(string(out)))
		if psqlPID == 0 {
			return false
		}
		if env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", psqlPID)); err == nil {
			for _, kv := range strings.Split(string(env), "\x00") {
				if v, ok := strings.CutPrefix(kv, "PGPORT="); ok {
					port, _ = strconv.Atoi(v)
				}
			}
		}
		return port != 0
	})
	if psqlPID == 0 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("psql never started: %s", errb.String())
	}
	if port == 0 || !listening(port) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("psql's PGPORT %d is not a listening tunnel", port)
	}
	_ = cmd.Process.Signal(sig)
	_ = cmd.Wait()
	if syscall.Kill(psqlPID, 0) == nil {
		t.Errorf("psql %d survived %v to ctl", psqlPID, sig)
	}
	if listening(port) {
		t.Errorf("the tunnel's port %d is still open after %v to ctl", port, sig)
	}
}

// TestKubeTunnelReestablished: when the port-forward drops (every
// connection to the API server cut, as a network blip or an API server
// restart does), the tunnel comes back on the same local port, and a new
// client connects through it. Then SIGTERM closes it.
func TestKubeTunnelReestablished(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
	proxy := a.ProxyAPI(t)
	cmd := a.Command(t, "dbshell", "qa", "--tunnel-only")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no tunnel line: %v; stderr %s", err, errb.String())
	}
	var host, user, dbname string
	var port int
	if _, err := fmt.Sscanf(strings.TrimSpace(line), "host=%s port=%d user=%s dbname=%s", &host, &port, &user, &dbname); err != nil || host != "127.0.0.1" {
		t.Fatalf("tunnel line %q: %v", line, err)
	}
	query := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cfg, err := pgx.ParseConfig(fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s sslmode=disable", port, user, dbname))
		if err != nil {
			return err
		}
		cfg.Password = a.Password()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, "select 40 + 2").Scan(&n); err != nil || n != 42 {
			return fmt.Errorf("select: %d, %v", n, err)
		}
		return nil
	}
	if err := query(); err != nil {
		t.Fatalf("through the tunnel: %v", err)
	}

	before := proxy.Accepted()
	proxy.Cut() // the port-forward's stream to the API server is gone
	// The old forwarder cannot serve anything now; a query succeeds again
	// only once ctl has dialled the API server anew on the same port.
	var last error
	if !waitFor(30*time.Second, func() bool { last = query(); return last == nil }) {
		t.Fatalf("no connection through port %d after the drop (%d connections to the API server before the drop, %d after): %v\nstderr: %s", port, before, proxy.Accepted(), last, errb.String())
	}
	if proxy.Accepted() <= before {
		t.Fatalf("the query succeeded without a new connection to the API server: the drop did not happen")
	}

	if strings.Contains(errb.String(), "portforward.go") {
		t.Errorf("client-go's log lines reached ctl's stderr:\n%s", errb.String())
	}

	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	if listening(port) {
		t.Errorf("port %d still open after SIGTERM to ctl", port)
	}
}
