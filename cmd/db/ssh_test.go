package db_test

// ctl db through sshd's tunnel (internal/testenv StartSSHFleet): an ssh
// environment "vm" whose DATABASE_URL is in an env file on the app host,
// its database reached through `ssh -L` via the db role's host.

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

type vmApp struct {
	localApp
	envFile string
	mux     string
}

func newVMApp(t *testing.T, srcDSN, dstDSN, extra string) *vmApp {
	t.Helper()
	fleet := testenv.StartSSHFleet(t, "web1", "db1")
	a := &vmApp{localApp: localApp{dir: t.TempDir(), home: t.TempDir(), project: testenv.ExampleProject(t)}}
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	a.mux = mux
	a.envFile = filepath.Join(t.TempDir(), "myapp.env")
	if err := os.WriteFile(a.envFile, []byte("export DATABASE_URL='"+srcDSN+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`app: mysite
environments:
  vm:
    target: ssh
    ssh_config: %s
    roles:
      web: [web1]
      db: [db1]
    dir: %s
    python: /usr/bin/python3
    database:
      url_from: %s
%s
  local:
    target: local
    dir: %s
`, fleet.Config, a.project, a.envFile, extra, a.project)
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	a.env = testenv.CleanEnv("HOME="+a.home, "XDG_STATE_HOME="+filepath.Join(a.home, "state"), "CTL_SSH_CONTROL_DIR="+mux, "DATABASE_URL="+dstDSN)
	return a
}

func listening(port string) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 200*time.Millisecond)
	if err == nil {
		c.Close()
		return true
	}
	return false
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// tunnelPort is the local port of an `ssh -L 127.0.0.1:PORT:...` process.
func tunnelPort(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	for _, a := range strings.Split(string(b), "\x00") {
		if strings.HasPrefix(a, "127.0.0.1:") && strings.Count(a, ":") >= 3 {
			return strings.Split(a, ":")[1]
		}
	}
	return ""
}

// TestSSHDumpRestorePull: the verbs through the ssh tunnel; meanwhile the
// password is in no argv and no file; a killed tunnel and Ctrl-C mid-dump
// leave no file, no tunnel, no pg_dump.
func TestSSHDumpRestorePull(t *testing.T) {
	testenv.RequireTool(t, "pg_dump")
	name := fmt.Sprintf("i18ssh%d", os.Getpid())
	project := testenv.ExampleProject(t)
	src := dbdumptest.Seed(t, project, name+"_src", testRows)
	dst := dbdumptest.Seed(t, project, name+"_dst", 10)
	u, _ := url.Parse(src.DSN)
	password, _ := u.User.Password()
	sanitizer := filepath.Join(testenv.RepoRoot(t), "examples", "sanitize", "auth_user.sql")
	a := newVMApp(t, src.DSN, dst.DSN, "    sanitize:\n      sql: "+sanitizer+"\n")
	tmpdir, err := os.MkdirTemp("", "ctl-db-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmpdir) })
	a.env = append(a.env, "TMPDIR="+tmpdir)
	roots := testenv.TempRoots(tmpdir)
	skip := append(testenv.OthersSecretHolders(t), a.envFile, filepath.Dir(testenv.Ctl(t)), a.project, project)

	// A dump in flight (pg_dump waits for a lock): the password is in no
	// argv and no file; then the tunnel is killed.
	release := dbdumptest.Lock(t, src.Name, "auth_user")
	out := filepath.Join(a.dir, "vm.dump")
	cmd := exec.Command(testenv.Ctl(t), "db", "dump", "vm", "-o", out)
	cmd.Dir, cmd.Env = a.dir, a.env
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kids := waitDumping(cmd.Process.Pid)
	if len(kids["pg_dump"]) == 0 || len(kids["ssh"]) == 0 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("no pg_dump and ssh tunnel under ctl: %v\n%s", kids, errb.String())
	}
	var sshPID int
	port := ""
	for _, p := range kids["ssh"] {
		if port = tunnelPort(p); port != "" {
			sshPID = p
			break
		}
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	time.Sleep(300 * time.Millisecond) // pg_dump is waiting for its lock
	_ = syscall.Kill(sshPID, syscall.SIGKILL)
	werr := cmd.Wait()
	release()
	code := cmd.ProcessState.ExitCode()
	if werr == nil || code != 1 || !strings.Contains(errb.String(), "connection to the database was lost") {
		t.Fatalf("killed tunnel: exit %d\n%s", code, errb.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a dump file exists after the tunnel died")
	}
	noPartials(t, a.dir)
	for _, p := range kids["pg_dump"] {
		if alive(p) {
			t.Errorf("pg_dump %d survived", p)
		}
	}
	if port != "" && listening(port) {
		t.Errorf("tunnel port %s still open", port)
	}

	// Ctrl-C mid-dump cleans up the same way (130).
	release = dbdumptest.Lock(t, src.Name, "auth_user")
	cmd = exec.Command(testenv.Ctl(t), "db", "dump", "vm", "-o", out)
	cmd.Dir, cmd.Env = a.dir, a.env
	errb = testenv.SyncBuffer{}
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kids = waitDumping(cmd.Process.Pid)
	if len(kids["pg_dump"]) == 0 {
		t.Errorf("no pg_dump under ctl: %s", errb.String())
	}
	time.Sleep(300 * time.Millisecond)
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	release()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("Ctrl-C: exit %d\n%s", code, errb.String())
	}
	for _, ps := range kids {
		for _, p := range ps {
			if alive(p) {
				t.Errorf("child %d survived Ctrl-C", p)
			}
		}
	}
	noPartials(t, a.dir)

	// The dump itself, through the tunnel.
	r := a.ctl(t, nil, "db", "dump", "vm", "-o", out)
	if r.code != 0 || !strings.Contains(r.stderr, "via db1") {
		t.Fatalf("dump: exit %d\n%s", r.code, r.stderr)
	}
	fields := strings.Split(strings.TrimSpace(r.stdout), "\t")
	if len(fields) != 3 || fields[0] != out {
		t.Fatalf("dump stdout %q", r.stdout)
	}
	// --remote: pg_dump runs on db1 (here: this machine, through sshd), the
	// password passed on the session's stdin, in no argv there either.
	release = dbdumptest.Lock(t, src.Name, "auth_user")
	rout := filepath.Join(a.dir, "remote.dump")
	cmd = exec.Command(testenv.Ctl(t), "db", "dump", "vm", "--remote", "-o", rout)
	cmd.Dir, cmd.Env = a.dir, a.env
	errb = testenv.SyncBuffer{}
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	remoteRunning := false
	for i := 0; i < 400 && !remoteRunning; i++ {
		remoteRunning = pgDumpRunningOutside(cmd.Process.Pid)
		time.Sleep(50 * time.Millisecond)
	}
	if !remoteRunning {
		t.Errorf("no remote pg_dump seen:\n%s", errb.String())
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	release()
	if err := cmd.Wait(); err != nil || !strings.Contains(errb.String(), "pg_dump runs on db1") {
		t.Fatalf("dump --remote: %v\n%s", err, errb.String())
	}
	if list, err := exec.Command("pg_restore", "--list", rout).Output(); err != nil || !strings.Contains(string(list), "TABLE DATA public auth_user") {
		t.Fatalf("the remote dump does not list: %v", err)
	}

	// Restore into vm: a fresh database swapped in; migrate --check on web1.
	widgets := dbdumptest.Value(t, src.Name, "select count(*) from inventory_widget")
	dbdumptest.Exec(t, src.Name, "delete from inventory_widget")
	r = a.ctl(t, nil, "db", "restore", "vm", out, "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "migrate --check: no migration missing") {
		t.Fatalf("restore: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.Value(t, src.Name, "select count(*) from inventory_widget"); n != widgets {
		t.Fatalf("restored inventory_widget has %s rows", n)
	}
	// Pull vm into local, sanitised: pg_dump on db1 (--remote), then
	// through the tunnel.
	r = a.ctl(t, nil, "db", "pull", "vm", "--yes", "--no-migrate-check", "--remote")
	if r.code != 0 || !strings.Contains(r.stderr, "on db1") {
		t.Fatalf("pull --remote: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.OriginalEmails(t, dst.Name); n != "0" {
		t.Fatalf("%s original e-mail addresses remain after pull --remote", n)
	}
	r = a.ctl(t, nil, "db", "pull", "vm", "--yes", "--no-migrate-check")
	if r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.OriginalEmails(t, dst.Name); n != "0" {
		t.Fatalf("%s original e-mail addresses remain", n)
	}
	if n := dbdumptest.Value(t, dst.Name, "select count(*) from auth_user"); n != fmt.Sprint(testRows) {
		t.Fatalf("pulled auth_user has %s rows", n)
	}
	if bytes.Contains([]byte(r.stdout+r.stderr), []byte(password)) {
		t.Fatal("the password is in ctl's output")
	}
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
}

// waitDumping waits until ctl (pid) runs the dump itself (pg_dump
// --format=custom, not its --version) and returns ctl's children.
func waitDumping(pid int) map[string][]int {
	var kids map[string][]int
	for i := 0; i < 400; i++ {
		kids = dbdumptest.Children(pid)
		for _, p := range kids["pg_dump"] {
			if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p)); bytes.Contains(b, []byte("--format=custom")) {
				return kids
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return map[string][]int{}
}

// pgDumpRunningOutside: a pg_dump --format=custom runs that is not ctl's
// child (the --remote one, under sshd).
func pgDumpRunningOutside(ctl int) bool {
	mine := fmt.Sprint(dbdumptest.Children(ctl)["pg_dump"])
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte("--format=custom")) || filepath.Base(string(bytes.SplitN(b, []byte{0}, 2)[0])) != "pg_dump" {
			continue
		}
		pid := strings.TrimSuffix(strings.TrimPrefix(p, "/proc/"), "/cmdline")
		if !strings.Contains(mine, pid) {
			return true
		}
	}
	return false
}
