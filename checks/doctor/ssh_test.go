package doctor

// The ssh checks against real OpenSSH servers on loopback
// (testenv.StartSSHFleet); they fail, not skip, under CI=true.

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// sshProject writes ctl.yaml with an ssh environment "vm" whose body is
// given (indented 4 spaces) and loads it. No agent: only the keys the
// configuration names are offered.
func sshProject(t *testing.T, body string) Deps {
	t.Helper()
	t.Setenv("SSH_AUTH_SOCK", "")
	t.Setenv("CTL_SSH_CONTROL_DIR", "none")
	return project(t, "environments:\n  vm:\n    target: ssh\n"+body)
}

// closedPort is a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// byKey indexes results by ID/subject.
func byKey(res []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range res {
		m[r.Check.ID+"/"+r.Check.Subject] = r
	}
	return m
}

func TestSSHHealthy(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1", "web2")
	proj := t.TempDir()
	d := sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [web1]\n    roles:\n      worker: [web2]\n    dir: %s\n", f.Config, proj))
	res := run(t, d, []string{"vm"}, "workstation.ssh", "ssh.host", "ssh.key", "ssh.dir")
	if len(res) != 7 {
		t.Fatalf("%d checks, want workstation.ssh and 3 per host", len(res))
	}
	for _, r := range res {
		if r.Status != Pass {
			t.Errorf("%s: %s %s (%s)", r.Check.Key(), r.Status, r.Message, r.Hint)
		}
	}
	m := byKey(res)
	if r := m["ssh.host/web2"]; !strings.Contains(r.Message, fmt.Sprintf("127.0.0.1:%d answers: SSH-2.0-OpenSSH", f.Hosts[1].Port)) {
		t.Errorf("ssh.host: the address comes from ssh_config (ssh -G): %q", r.Message)
	}
	if r := m["ssh.key/web1"]; r.Message != f.Hosts[0].User+"@web1 accepts your key" {
		t.Errorf("ssh.key: the user comes from ssh_config: %q", r.Message)
	}
	if r := m["ssh.dir/web1"]; r.Message != proj+" exists on web1" {
		t.Errorf("ssh.dir: %q", r.Message)
	}
}

// Without ssh_config: the host's own user@ and :port, identity_file and
// known_hosts carry the connection.
func TestSSHIdentityFileAndKnownHosts(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1")
	s := f.Hosts[0]
	empty := filepath.Join(t.TempDir(), "ssh_config")
	write(t, empty, "", 0o600)
	d := sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [\"%s@127.0.0.1:%d\"]\n    identity_file: %s\n    known_hosts: %s\n    ssh_options: [StrictHostKeyChecking=yes]\n",
		empty, s.User, s.Port, f.Key.Private, f.KnownHosts))
	for _, r := range run(t, d, []string{"vm"}, "ssh.host", "ssh.key") {
		if r.Status != Pass {
			t.Errorf("%s: %s %s", r.Check.Key(), r.Status, r.Message)
		}
	}
	// A known_hosts file without the host's key: the host key is the problem.
	other := filepath.Join(t.TempDir(), "known_hosts")
	write(t, other, "", 0o600)
	d = sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [\"127.0.0.1:%d\"]\n    identity_file: %s\n    known_hosts: %s\n    ssh_options: [StrictHostKeyChecking=yes]\n",
		empty, s.Port, f.Key.Private, other))
	r := run(t, d, []string{"vm"}, "ssh.key")[0]
	if r.Status != Fail || !strings.Contains(r.Message, "Host key verification failed") || !strings.Contains(r.Hint, "fingerprint") {
		t.Fatalf("unknown host key: %+v", r)
	}
}

func TestSSHHostDown(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1")
	port := closedPort(t)
	cfg, err := os.ReadFile(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, fmt.Sprintf("Host down\n  HostName 127.0.0.1\n  Port %d\n  IdentityFile %s\n  UserKnownHostsFile %s\n", port, f.Key.Private, f.KnownHosts)...)
	write(t, f.Config, string(cfg), 0o600)
	d := sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [web1, down]\n    dir: /\n", f.Config))
	m := byKey(run(t, d, []string{"vm"}, "ssh.host", "ssh.key", "ssh.dir"))
	host := m["ssh.host/down"]
	if host.Status != Fail || host.TimedOut || !strings.Contains(host.Message, fmt.Sprintf("cannot reach down (127.0.0.1 port %d): connection refused", port)) ||
		!strings.Contains(host.Hint, "is the host up") {
		t.Fatalf("ssh.host: %+v", host)
	}
	for _, id := range []string{"ssh.key/down", "ssh.dir/down"} {
		if r := m[id]; r.Status != Skip || !strings.Contains(r.Message, "did not pass") {
			t.Errorf("%s should be skipped: %+v", id, r)
		}
	}
	// The healthy host is not held back by the other.
	for _, id := range []string{"ssh.host/web1", "ssh.key/web1", "ssh.dir/web1"} {
		if r := m[id]; r.Status != Pass {
			t.Errorf("%s: %s %s", id, r.Status, r.Message)
		}
	}
}

func TestSSHKeyNotAuthorized(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1")
	s := f.Hosts[0]
	stranger := testenv.NewSSHKey(t)
	// An ssh_config that names no key: the one offered is identity_file.
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	write(t, cfg, fmt.Sprintf("Host web1\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  UserKnownHostsFile %s\n", s.Port, s.User, f.KnownHosts), 0o600)
	d := sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [web1]\n    identity_file: %s\n    dir: /\n", cfg, stranger.Private))
	m := byKey(run(t, d, []string{"vm"}, "ssh.host", "ssh.key", "ssh.dir"))
	if r := m["ssh.host/web1"]; r.Status != Pass {
		t.Fatalf("ssh.host: %+v", r)
	}
	key := m["ssh.key/web1"]
	if key.Status != Fail || !strings.Contains(key.Message, s.User+"@web1 refuses your key") || !strings.Contains(key.Message, "Permission denied (publickey)") ||
		!strings.Contains(key.Hint, "authorized_keys") {
		t.Fatalf("ssh.key: %+v", key)
	}
	if r := m["ssh.dir/web1"]; r.Status != Skip {
		t.Errorf("ssh.dir should be skipped: %+v", r)
	}
	// The authorized key, same configuration otherwise: accepted.
	d = sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [web1]\n    identity_file: %s\n", cfg, f.Key.Private))
	if r := run(t, d, []string{"vm"}, "ssh.key")[0]; r.Status != Pass {
		t.Fatalf("authorized key: %+v", r)
	}
}

func TestSSHDirMissing(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1")
	missing := filepath.Join(t.TempDir(), "no such dir")
	d := sshProject(t, fmt.Sprintf("    ssh_config: %s\n    hosts: [web1]\n    dir: %q\n", f.Config, missing))
	m := byKey(run(t, d, []string{"vm"}, "ssh.host", "ssh.key", "ssh.dir"))
	if r := m["ssh.key/web1"]; r.Status != Pass {
		t.Fatalf("ssh.key: %+v", r)
	}
	r := m["ssh.dir/web1"]
	if r.Status != Fail || r.Message != missing+" does not exist on web1 (or is not a directory)" || !strings.Contains(r.Hint, "dir:") {
		t.Fatalf("ssh.dir: %+v", r)
	}
}

func TestSSHConfigErrors(t *testing.T) {
	d := sshProject(t, "    dir: /srv/app\n")
	res := run(t, d, []string{"vm"}, "ssh.host")
	if len(res) != 1 || res[0].Status != Fail || !strings.Contains(res[0].Message, "no hosts") || !strings.Contains(res[0].Hint, "hosts:") {
		t.Fatalf("%+v", res)
	}
}

// env.database on an ssh environment: the DATABASE_URL of the app host's
// env file, through ctl's own ssh tunnel, to the rig's PostgreSQL.
func TestSSHDatabase(t *testing.T) {
	testenv.RequireTool(t, "psql")
	dsn := testenv.PostgresDSN(t)
	password := passwordOf(dsn)
	f := testenv.StartSSHFleet(t, "web1")
	envFile := filepath.Join(t.TempDir(), "myapp.env")
	body := fmt.Sprintf("    ssh_config: %s\n    hosts: [web1]\n    database:\n      url_from: %s\n", f.Config, envFile)

	if err := os.WriteFile(envFile, []byte("export DATABASE_URL='"+dsn+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := one(t, sshProject(t, body), []string{"vm"}, "env.database")
	if r.Status != Pass || !strings.Contains(r.Message, "PostgreSQL") || !strings.Contains(strings.Join(r.Details, " "), "through an ssh tunnel via web1") {
		t.Fatalf("right URL: %+v", r)
	}

	wrong := "not-the-" + password
	if err := os.WriteFile(envFile, []byte("export DATABASE_URL='"+strings.Replace(dsn, ":"+password+"@", ":"+wrong+"@", 1)+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = one(t, sshProject(t, body), []string{"vm"}, "env.database")
	text := r.Message + r.Hint + strings.Join(r.Details, " ")
	if r.Status != Fail || !strings.Contains(text, "password authentication failed") {
		t.Fatalf("wrong password: %+v", r)
	}
	if strings.Contains(text, password) || strings.Contains(text, wrong) {
		t.Fatalf("a password leaked into the result: %+v", r)
	}
	t.Logf("wrong password: %s (hint: %s)", r.Message, r.Hint)
}
