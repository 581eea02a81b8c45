package testenv

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SSHKey is a client key pair made by ssh-keygen for tests.
type SSHKey struct {
	// Private is the private key file (0600), Public its .pub line.
	Private string
	Public  string
}

// NewSSHKey makes an unencrypted ed25519 key in a temp dir.
func NewSSHKey(t testing.TB) SSHKey {
	t.Helper()
	keygen := RequireTool(t, "ssh-keygen")
	p := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "ctl-test", "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(p + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return SSHKey{Private: p, Public: strings.TrimSpace(string(pub))}
}

// SSHD is a real OpenSSH server (Debian's /usr/sbin/sshd) on a free
// 127.0.0.1 port, with its own host key, accepting Key for User. It runs
// in the foreground (-D) from a temp dir and is stopped by t.Cleanup.
type SSHD struct {
	// Name is the alias the server has in ClientConfig ("web1").
	Name string
	Port int
	// User is who the client logs in as (the user running the tests).
	User string
	// HostKeyLine is the server's public host key for a known_hosts file.
	HostKeyLine string
	Dir         string
	cmd         *exec.Cmd
}

// SSHDOptions configure StartSSHD.
type SSHDOptions struct {
	// Name is the host alias (default "host").
	Name string
	// Key is the authorized client key (required).
	Key SSHKey
	// Extra lines for sshd_config.
	Extra []string
	// User is who may log in (default: the user running the tests).
	// Another user needs the tests to run as root (see SudoRig).
	User string
}

// StartSSHD starts an sshd and waits until it accepts connections. It
// skips (fails in CI) without sshd, ssh and ssh-keygen.
func StartSSHD(t testing.TB, o SSHDOptions) *SSHD {
	t.Helper()
	bin := "/usr/sbin/sshd"
	if _, err := os.Stat(bin); err != nil {
		Missing(t, "OpenSSH server %s (apt install openssh-server)", bin)
	}
	RequireTool(t, "ssh")
	keygen := RequireTool(t, "ssh-keygen")
	if o.Name == "" {
		o.Name = "host"
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	other := o.User != "" && o.User != u.Username
	if other {
		if u, err = user.Lookup(o.User); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "ssh_host_ed25519_key")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", o.Name, "-f", hostKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen (host key): %v: %s", err, out)
	}
	pub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, []byte(o.Key.Public+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if other {
		// sshd reads the keys as the user logging in (t.TempDir's parent
		// is private to root); the session's HOME is that user's own.
		kd, err := os.MkdirTemp("", "ctl-sshd-keys-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(kd) })
		if err := os.Chmod(kd, 0o755); err != nil {
			t.Fatal(err)
		}
		authorized = filepath.Join(kd, "authorized_keys")
		if err := os.WriteFile(authorized, []byte(o.Key.Public+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		home = u.HomeDir
	}
	// sshd needs its privilege separation directory.
	_ = os.MkdirAll("/run/sshd", 0o755)

	var lastErr string
	for attempt := 0; attempt < 5; attempt++ {
		port := freeLoopbackPort(t)
		cfg := filepath.Join(dir, "sshd_config")
		lines := []string{
			"ListenAddress 127.0.0.1:" + strconv.Itoa(port),
			"HostKey " + hostKey,
			"PidFile none",
			"AuthorizedKeysFile " + authorized,
			"StrictModes no",
			"PubkeyAuthentication yes",
			"PasswordAuthentication no",
			"KbdInteractiveAuthentication no",
			"UsePAM no",
			"PermitRootLogin prohibit-password",
			"AllowUsers " + u.Username,
			"AllowTcpForwarding local",
			"X11Forwarding no",
			"PrintMotd no",
			"PrintLastLog no",
			"MaxSessions 64",
			"MaxStartups 64:30:128",
			"AcceptEnv LANG LC_*",
			"Subsystem sftp internal-sftp",
			"LogLevel ERROR",
			// The session's HOME is a fresh directory, so the login
			// user's own rc files (a slow ~/.bashrc) stay out of tests.
			"SetEnv HOME=" + home,
		}
		// sshd takes the first SetEnv line only: extra variables join it.
		for _, x := range o.Extra {
			if v, ok := strings.CutPrefix(x, "SetEnv "); ok {
				lines[len(lines)-1] += " " + v
				continue
			}
			lines = append(lines, x)
		}
		if err := os.WriteFile(cfg, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		s := &SSHD{Name: o.Name, Port: port, User: u.Username, Dir: dir,
			HostKeyLine: fmt.Sprintf("[127.0.0.1]:%d %s", port, strings.Join(strings.Fields(string(pub))[:2], " "))}
		s.cmd = exec.Command(bin, "-D", "-e", "-f", cfg)
		s.cmd.SysProcAttr = dieWithParent()
		logf, err := os.Create(filepath.Join(dir, "sshd.log"))
		if err != nil {
			t.Fatal(err)
		}
		s.cmd.Stdout, s.cmd.Stderr = logf, logf
		if err := s.cmd.Start(); err != nil {
			logf.Close()
			t.Fatalf("starting sshd: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = s.cmd.Wait(); logf.Close(); close(exited) }()
		if waitSSH(port, exited) {
			t.Cleanup(func() {
				// The connections' processes outlive a killed listener
				// (and with them ssh's ControlMaster clients): end them first.
				for _, pid := range childPIDs(s.cmd.Process.Pid) {
					_ = syscall.Kill(pid, syscall.SIGTERM)
				}
				_ = s.cmd.Process.Kill()
				<-exited
			})
			return s
		}
		_ = s.cmd.Process.Kill()
		<-exited
		b, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
		lastErr = string(b)
	}
	t.Fatalf("sshd did not start: %s", lastErr)
	return nil
}

// waitSSH waits for the SSH banner on port, or for sshd to exit.
func waitSSH(port int, exited <-chan struct{}) bool {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-") {
				return true
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	return false
}

var portMu sync.Mutex

func freeLoopbackPort(t testing.TB) int {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// SSHFleet is a set of sshd "hosts" sharing one client key, with an
// ssh_config naming each (Host web1 → 127.0.0.1:port) and a known_hosts
// file holding their host keys: what an ssh environment's ssh_config key
// points at.
type SSHFleet struct {
	Key        SSHKey
	Hosts      []*SSHD
	Config     string // ssh_config file (for ssh -F)
	KnownHosts string
}

// StartSSHFleet starts one sshd per name and writes the client files.
func StartSSHFleet(t testing.TB, names ...string) *SSHFleet {
	t.Helper()
	return StartSSHFleetWith(t, nil, names...)
}

// StartSSHFleetWith is StartSSHFleet with extra sshd_config lines for
// every host (e.g. "SetEnv PATH=..." to put stand-in tools first).
func StartSSHFleetWith(t testing.TB, extra []string, names ...string) *SSHFleet {
	t.Helper()
	return StartSSHFleetAs(t, "", extra, names...)
}

// StartSSHFleetAs is StartSSHFleetWith for logins as user ("" for the
// user running the tests).
func StartSSHFleetAs(t testing.TB, login string, extra []string, names ...string) *SSHFleet {
	t.Helper()
	f := &SSHFleet{Key: NewSSHKey(t)}
	dir := t.TempDir()
	f.Config = filepath.Join(dir, "ssh_config")
	f.KnownHosts = filepath.Join(dir, "known_hosts")
	var cfg, kh strings.Builder
	for _, n := range names {
		s := StartSSHD(t, SSHDOptions{Name: n, Key: f.Key, Extra: extra, User: login})
		f.Hosts = append(f.Hosts, s)
		fmt.Fprintf(&cfg, "Host %s\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n\n",
			n, s.Port, s.User, f.Key.Private, f.KnownHosts)
		kh.WriteString(s.HostKeyLine + "\n")
	}
	if err := os.WriteFile(f.Config, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.KnownHosts, []byte(kh.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// SSH runs `ssh -F Config host command...` and returns combined output.
func (f *SSHFleet) SSH(t testing.TB, host string, command ...string) (string, error) {
	t.Helper()
	args := append([]string{"-F", f.Config, "-o", "BatchMode=yes", "--", host}, command...)
	out, err := exec.Command("ssh", args...).CombinedOutput()
	return string(out), err
}

// childPIDs lists the processes whose parent is pid (from /proc).
func childPIDs(pid int) []int {
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		rest := string(b)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) >= 2 && f[1] == strconv.Itoa(pid) {
			if c, err := strconv.Atoi(filepath.Base(filepath.Dir(st))); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}
