package ssh_test

// The built binary against real OpenSSH servers (testenv.StartSSHFleet:
// one Debian sshd per "host" on 127.0.0.1), the example Django project
// and the rig's PostgreSQL behind an ssh tunnel.

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

type vmApp struct {
	fleet   *testenv.SSHFleet
	dir     string // where ctl runs (ctl.yaml)
	home    string
	proj    string // the "remote" project directory
	envFile string // the "remote" env file (database.url_from)
	mux     string // ControlMaster sockets
}

type result struct {
	stdout, stderr string
	code           int
}

// newVMApp starts hosts and writes ctl.yaml with an ssh environment "vm"
// whose roles are given as YAML (e.g. "web: [web1, web2]").
func newVMApp(t *testing.T, hosts []string, roles string, extra string) *vmApp {
	t.Helper()
	a := &vmApp{fleet: testenv.StartSSHFleet(t, hosts...), dir: t.TempDir(), home: t.TempDir(), proj: t.TempDir()}
	mux, err := os.MkdirTemp("", "mux") // control socket paths must be short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	a.mux = mux
	a.envFile = filepath.Join(t.TempDir(), "myapp.env")
	a.writeEnvFile(t, "APP_GREETING=hello-from-env-file\nPS1='vm$ '\n")
	cfg := fmt.Sprintf(`app: myapp
environments:
  vm:
    target: ssh
    ssh_config: %s
    roles:
      %s
    dir: %s
    database:
      url_from: %s
%s`, a.fleet.Config, roles, a.proj, a.envFile, extra)
	a.writeConfig(t, cfg)
	return a
}

func (a *vmApp) writeConfig(t *testing.T, cfg string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (a *vmApp) writeEnvFile(t *testing.T, body string) {
	t.Helper()
	if err := os.WriteFile(a.envFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (a *vmApp) env(extra ...string) []string {
	return append([]string{"HOME=" + a.home, "XDG_STATE_HOME=" + filepath.Join(a.home, "state"),
		"CTL_SSH_CONTROL_DIR=" + a.mux}, extra...)
}

func (a *vmApp) ctl(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = a.dir
	cmd.Env = testenv.CleanEnv(a.env()...)
	out, errOut, code := testenv.Run(t, cmd, "")
	return result{out, errOut, code}
}

// trailRecord is a line of the session trail, as these tests read it.
type trailRecord struct {
	Env, Target, Verb, Pod string
	RemoteHost, RemoteUser string
	ExitCode               int
	Error                  string
}

// trail reads the session trail, in file order.
func (a *vmApp) trail(t *testing.T) []trailRecord {
	t.Helper()
	return testenv.ReadTrail[trailRecord](t, a.home)
}

func TestSSHExecOneHost(t *testing.T) {
	a := newVMApp(t, []string{"web1", "web2"}, "web: [web1, web2]", "")
	r := a.ctl(t, "exec", "vm", "--", "sh", "-c", `echo "$CTL_ENV $APP_GREETING $(pwd)"; exit 3`)
	if r.code != 3 || strings.TrimSpace(r.stdout) != "vm hello-from-env-file "+a.proj {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Arguments arrive as they were given, spaces and quotes included.
	r = a.ctl(t, "exec", "vm", "--host", "web2", "--", "printf", "[%s]", "a b", `it's`, "$HOME")
	if r.code != 0 || r.stdout != `[a b][it's][$HOME]` {
		t.Fatalf("argv: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The trail records the sessions, with the host each ran on and the
	// login user ssh_config gives.
	recs := a.trail(t)
	user := a.fleet.Hosts[0].User
	if len(recs) != 2 {
		t.Fatalf("%d trail records, want 2", len(recs))
	}
	if r := recs[0]; r.Env != "vm" || r.Target != "ssh" || r.Verb != "exec" || r.ExitCode != 3 || r.RemoteHost != "web1" || r.RemoteUser != user || r.Pod != "" {
		t.Fatalf("trail record %+v", r)
	}
	if r := recs[1]; r.RemoteHost != "web2" || r.RemoteUser != user || r.ExitCode != 0 {
		t.Fatalf("--host web2: trail record %+v", r)
	}
	// ctl sessions shows where they ran.
	r = a.ctl(t, "sessions")
	if r.code != 0 || !strings.Contains(r.stdout, "\tvm\texec\t"+user+"@web2\t0\t") || !strings.Contains(r.stdout, "\tvm\texec\t"+user+"@web1\t3\t") {
		t.Fatalf("ctl sessions: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = a.ctl(t, "sessions", "--json=remoteHost,remoteUser", "--limit", "1")
	if r.code != 0 || !strings.Contains(r.stdout, `"remoteHost": "web2"`) || !strings.Contains(r.stdout, `"remoteUser": "`+user+`"`) {
		t.Fatalf("ctl sessions --json: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Wrong choices are usage errors naming what exists.
	r = a.ctl(t, "exec", "vm", "--host", "web3", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `no host "web3"`) || !strings.Contains(r.stderr, "web1, web2") {
		t.Fatalf("--host web3: exit %d stderr %q", r.code, r.stderr)
	}
	r = a.ctl(t, "exec", "vm", "--role", "wbe", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `did you mean "web"?`) {
		t.Fatalf("--role wbe: exit %d stderr %q", r.code, r.stderr)
	}
}

// The first host of the role that answers is used.
func TestSSHFirstHealthyHost(t *testing.T) {
	a := newVMApp(t, []string{"web2"}, "web: [down, web2]", "")
	appendDownHost(t, a.fleet, "down")
	r := a.ctl(t, "exec", "vm", "--", "sh", "-c", "echo ${SSH_CONNECTION##* }")
	if r.code != 0 || strings.TrimSpace(r.stdout) != strconv.Itoa(a.fleet.Hosts[0].Port) {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// appendDownHost adds a host alias whose port nobody listens on.
func appendDownHost(t *testing.T, f *testenv.SSHFleet, name string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg, _ := os.ReadFile(f.Config)
	cfg = append(cfg, fmt.Sprintf("Host %s\n  HostName 127.0.0.1\n  Port %d\n  IdentityFile %s\n  UserKnownHostsFile %s\n\n", name, port, f.Key.Private, f.KnownHosts)...)
	if err := os.WriteFile(f.Config, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSSHExecAllOneHostFailing(t *testing.T) {
	a := newVMApp(t, []string{"web1", "web2", "worker1"}, "web: [web1, web2]\n      worker: [worker1]", "")
	failPort := a.fleet.Hosts[1].Port // web2
	script := fmt.Sprintf(`echo "out $CTL_ENV"; echo "err line" >&2; printf 'no newline'; case "$SSH_CONNECTION" in *" %d") exit 3;; esac`, failPort)
	r := a.ctl(t, "exec", "vm", "--all", "--", "sh", "-c", script)
	if r.code != 3 {
		t.Fatalf("exit %d, want the worst, 3\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	for _, h := range []string{"web1   ", "web2   ", "worker1"} {
		if !strings.Contains(r.stdout, h+" | out vm\n") || !strings.Contains(r.stdout, h+" | no newline\n") {
			t.Errorf("stdout lacks %q's prefixed lines:\n%s", h, r.stdout)
		}
		if !strings.Contains(r.stderr, h+" | err line\n") {
			t.Errorf("stderr lacks %q's prefixed line:\n%s", h, r.stderr)
		}
	}
	if !regexp.MustCompile(`(?m)^✗ web2 +exit 3 `).MatchString(r.stderr) || !regexp.MustCompile(`(?m)^✓ web1 +exit 0 `).MatchString(r.stderr) ||
		!strings.Contains(r.stderr, "3 hosts: 2 ok, 1 failed; exit 3") {
		t.Errorf("summary:\n%s", r.stderr)
	}
	// --role: only that role's hosts.
	r = a.ctl(t, "exec", "vm", "--role", "web", "--", "true")
	if r.code != 0 || !strings.Contains(r.stderr, "2 hosts: 2 ok, 0 failed; exit 0") || strings.Contains(r.stderr, "worker1") {
		t.Fatalf("--role web: exit %d stderr %q", r.code, r.stderr)
	}
	// One trail record per fan-out, naming every host it ran on.
	recs := a.trail(t)
	if len(recs) != 2 || recs[0].RemoteHost != "web1,web2,worker1" || recs[0].ExitCode != 3 || recs[1].RemoteHost != "web1,web2" ||
		recs[1].RemoteUser != a.fleet.Hosts[0].User {
		t.Fatalf("trail %+v", recs)
	}
	// An unreachable host is ssh's 255, the worst.
	appendDownHost(t, a.fleet, "down")
	a.writeConfig(t, fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [web1, down]\n", a.fleet.Config))
	r = a.ctl(t, "exec", "vm", "--all", "--", "echo", "hi")
	if r.code != 255 || !strings.Contains(r.stdout, "web1 | hi\n") || !regexp.MustCompile(`(?m)^✗ down +exit 255 `).MatchString(r.stderr) ||
		!strings.Contains(r.stderr, "down | ssh: connect to host 127.0.0.1 port") {
		t.Fatalf("down host: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestSSHManageAndPyShell(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	a := newVMApp(t, []string{"web1"}, "web: [web1]", "")
	proj := testenv.ExampleProject(t)
	a.proj = proj
	a.writeEnvFile(t, "DATABASE_URL="+dsn+"\nDJANGO_SETTINGS_MODULE=mysite.settings\n")
	a.writeConfig(t, fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [web1]\n    dir: %s\n    database:\n      url_from: %s\n", a.fleet.Config, proj, a.envFile))
	r := a.ctl(t, "manage", "vm", "--", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "System check identified no issues") {
		t.Fatalf("manage check: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The env file is loaded (postgres, not the sqlite default) and the venv active.
	r = a.ctl(t, "pyshell", "vm", "--plain", "--", "-c", "import sys; from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], sys.prefix)")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "django.db.backends.postgresql "+filepath.Join(proj, ".venv") {
		t.Fatalf("pyshell: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestTmuxSSHShell(t *testing.T) {
	a := newVMApp(t, []string{"web1", "web2"}, "web: [web1, web2]", "    shell: bash --norc --noprofile\n")
	env := append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "LANG=C.UTF-8"}, a.env()...)
	m := testenv.StartTmux(t, a.dir, env, 100, 30, testenv.Ctl(t), "shell", "vm", "--host", "web2")
	m.WaitForText("vm$")
	m.Type("echo $((6*7))")
	m.WaitFor("42 on its own line", func(s string) bool { return regexp.MustCompile(`(?m)^42\s*$`).MatchString(s) })
	m.Type(`echo "$CTL_ENV:$(pwd):${SSH_CONNECTION##* }"`)
	m.WaitForText(fmt.Sprintf("vm:%s:%d", a.proj, a.fleet.Hosts[1].Port))
	m.Type("tput cols")
	m.WaitFor("100 columns", func(s string) bool { return regexp.MustCompile(`(?m)^100\s*$`).MatchString(s) })
	m.Type("exit 3")
	if code := m.ExitCode(); code != 3 {
		t.Fatalf("ctl exited %d, want the shell's 3\n%s", code, m.Screen())
	}
}

func TestSSHProtected(t *testing.T) {
	a := newVMApp(t, []string{"web1"}, "web: [web1]", "    protected: true\n")
	r := a.ctl(t, "exec", "vm", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, "pass --yes") {
		t.Fatalf("no --yes: exit %d stderr %q", r.code, r.stderr)
	}
	r = a.ctl(t, "exec", "vm", "--yes", "--", "echo", "ran")
	if r.code != 0 || r.stdout != "ran\n" || !strings.Contains(r.stderr, "PRODUCTION") {
		t.Fatalf("--yes: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func listening(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
	if err == nil {
		c.Close()
		return true
	}
	return false
}

// tunnelPort finds the local port of ctl's `ssh -N -L` child.
func tunnelPort(t *testing.T, ctlPID int) (sshPID, port int) {
	t.Helper()
	re := regexp.MustCompile(`\x00-L\x00127\.0\.0\.1:(\d+):`)
	for i := 0; i < 300; i++ {
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(ctlPID), "ssh").Output()
		for _, f := range strings.Fields(string(out)) {
			pid, _ := strconv.Atoi(f)
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if m := re.FindSubmatch(b); m != nil {
				port, _ = strconv.Atoi(string(m[1]))
				return pid, port
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no ssh -L child of ctl")
	return 0, 0
}

func TestSSHDBShell(t *testing.T) {
	testenv.RequireTool(t, "psql")
	testenv.RequireTool(t, "pgrep")
	dsn := testenv.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	password, _ := u.User.Password()
	if password == "" {
		t.Fatal("the rig's DSN has no password")
	}
	a := newVMApp(t, []string{"web1", "db1"}, "web: [web1]", "")
	a.writeEnvFile(t, "# the app's environment\nexport DATABASE_URL='"+dsn+"'\n")

	r := a.ctl(t, "dbshell", "vm", "--", "-XAtc", "select 40 + 2")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "42" || strings.Contains(r.stdout+r.stderr, password) {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Through a db role: the tunnel goes via db1 to its loopback, the URL's port.
	a.writeConfig(t, fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    roles:\n      web: [web1]\n      db: [db1]\n    database:\n      url_from: %s\n", a.fleet.Config, a.envFile))

	// Interactive, in tmux: select 1 through the tunnel; meanwhile the
	// password is in no argv and no file under /tmp; the tunnel dies with ctl.
	env := append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "LANG=C.UTF-8"}, a.env()...)
	m := testenv.StartTmux(t, a.dir, env, 120, 30, testenv.Ctl(t), "dbshell", "vm")
	screen := m.WaitForText("=>")
	port := 0
	if mm := regexp.MustCompile(`127\.0\.0\.1:(\d+)/`).FindStringSubmatch(screen); mm != nil {
		port, _ = strconv.Atoi(mm[1])
	}
	if port == 0 || !listening(port) {
		t.Fatalf("no tunnel port on the screen, or not listening:\n%s", screen)
	}
	if !strings.Contains(screen, "via db1") {
		t.Errorf("the tunnel should go via the db role's host:\n%s", screen)
	}
	m.Type("select 1 as answer;")
	m.WaitFor("the row", func(s string) bool { return regexp.MustCompile(`(?m)^\s+1\s*$`).MatchString(s) })
	assertNoPassword(t, password, a.envFile)
	m.Type(`\q`)
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d\n%s", code, m.Screen())
	}
	// The trail names the app host (credentials) and the tunnel's host.
	if recs := a.trail(t); len(recs) != 2 || recs[0].Verb != "dbshell" || recs[0].RemoteHost != "web1" || recs[1].RemoteHost != "db1,web1" {
		t.Errorf("trail %+v", recs)
	}
	if listening(port) {
		t.Fatalf("tunnel port %d still open after ctl exited", port)
	}
	if strings.Contains(m.Screen(), password) {
		t.Fatal("the password appeared on the screen")
	}

	// SIGTERM to ctl mid-query: psql and the tunnel end.
	cmd := exec.Command(testenv.Ctl(t), "dbshell", "vm", "--", "-Xc", "select pg_sleep(60)")
	cmd.Dir = a.dir
	cmd.Env = testenv.CleanEnv(a.env()...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sshPID, port := tunnelPort(t, cmd.Process.Pid)
	var psqlPID int
	for i := 0; i < 300 && psqlPID == 0; i++ {
		time.Sleep(50 * time.Millisecond)
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(cmd.Process.Pid), "psql").Output()
		psqlPID, _ = strconv.Atoi(strings.TrimSpace(string(out)))
	}
	if psqlPID == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("psql never started: %s", errb.String())
	}
	assertNoPassword(t, password, a.envFile)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	if syscall.Kill(psqlPID, 0) == nil {
		t.Errorf("psql %d survived SIGTERM to ctl", psqlPID)
	}
	if syscall.Kill(sshPID, 0) == nil {
		t.Errorf("the tunnel's ssh %d survived SIGTERM to ctl", sshPID)
	}
	if listening(port) {
		t.Errorf("tunnel port %d still open after SIGTERM to ctl", port)
	}
	if strings.Contains(errb.String(), password) {
		t.Error("the password is in ctl's stderr")
	}
}

// assertNoPassword: no process's argv and no file under the temp dirs
// holds the password, except the remote env file (it is the source) and
// what other components keep by design (the Postgres rig's files, the
// sandbox's etcd and rules, other tests' temp dirs): testenv's one scan.
func assertNoPassword(t *testing.T, password, envFile string) {
	t.Helper()
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, testenv.TempRoots(), append(testenv.OthersSecretHolders(t), envFile, "/tmp/dev")...)
}
