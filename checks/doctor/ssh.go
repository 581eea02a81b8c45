package doctor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
	sshtarget "github.com/ctlops/ctl/targets/ssh"
)

// sshChecks are ssh.host, ssh.key and ssh.dir for each host of e. Every
// ssh invocation is the ssh target's own (targets/ssh Argv: ssh_config,
// identity_file, known_hosts, ssh_options, user, port, bastion), in batch
// mode and without the ControlMaster socket: a check makes a fresh
// connection, so a live master cannot hide a key that is no longer
// accepted.
func sshChecks(s *state, e *config.Environment) []*Check {
	t, err := sshtarget.New(e, sshtarget.Deps{
		Getenv: s.d.Getenv, Environ: s.d.Environ, LookPath: s.d.LookPath,
		ControlDir:     "none",
		ConnectTimeout: max(time.Second, s.d.Timeout.Truncate(time.Second)),
	})
	if err != nil {
		return []*Check{{ID: "ssh.host", Group: e.Name, Env: e.Name, Run: func(context.Context) Outcome {
			return failure(err)
		}}}
	}
	var out []*Check
	for _, h := range t.Hosts() {
		host := &Check{ID: "ssh.host", Group: e.Name, Env: e.Name, Subject: h, Title: "host " + h + " answers on its SSH port",
			Run: func(ctx context.Context) Outcome { return checkSSHHost(ctx, t, h) }}
		key := &Check{ID: "ssh.key", Group: e.Name, Env: e.Name, Subject: h, Title: h + " accepts your key", Needs: []*Check{host},
			Run: func(ctx context.Context) Outcome { return s.checkSSHKey(ctx, t, h) }}
		out = append(out, host, key)
		if e.Dir != "" {
			out = append(out, &Check{ID: "ssh.dir", Group: e.Name, Env: e.Name, Subject: h, Title: "project directory on " + h, Needs: []*Check{key},
				Run: func(ctx context.Context) Outcome { return s.checkSSHDir(ctx, t, h) }})
		}
	}
	return out
}

// checkSSHHost dials the address `ssh -G` gives for host and reads the
// SSH banner. A host behind a jump host is left to ssh.key.
func checkSSHHost(ctx context.Context, t *sshtarget.Target, host string) Outcome {
	r, err := t.Resolve(ctx, host)
	if err != nil {
		return Outcome{Status: Fail, Message: err.Error(), Hint: "check ssh_config, ssh_options and the host's spelling in ctl.yaml"}
	}
	if r.Jump {
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s is reached through a jump host (checked by ssh.key)", host)}
	}
	port := strconv.Itoa(r.Port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(r.HostName, port))
	if err != nil {
		return Outcome{Status: Fail, Message: fmt.Sprintf("cannot reach %s (%s port %s): %s", host, r.HostName, port, netReason(err)),
			Hint: "is the host up and are you on its network (VPN)?"}
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(deadline(ctx, 2*time.Second))
	banner, _ := bufio.NewReader(conn).ReadString('\n')
	banner = strings.TrimSpace(banner)
	if !strings.HasPrefix(banner, "SSH-") {
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s:%s answers, but not as an SSH server", r.HostName, port)}
	}
	return Outcome{Status: Pass, Message: fmt.Sprintf("%s:%s answers: %s", r.HostName, port, banner)}
}

func deadline(ctx context.Context, def time.Duration) time.Time {
	if dl, ok := ctx.Deadline(); ok {
		return dl
	}
	return time.Now().Add(def)
}

func netReason(err error) string {
	var sc *os.SyscallError // "connect: connection refused"
	if errors.As(err, &sc) && sc.Err != nil {
		return sc.Err.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within the timeout"
	}
	return err.Error()
}

// runSSH runs remote on host in batch mode; it returns the exit code and
// the last line of ssh's stderr.
func (s *state) runSSH(ctx context.Context, t *sshtarget.Target, host, remote string) (int, string, error) {
	argv := t.Argv(host, sshtarget.Call{Batch: true, Flags: []string{"-T", "-n"}, Remote: remote})
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = s.d.Environ()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), targets.LastLine(stderr.String()), nil // -1 when killed (the timeout)
	case err != nil:
		return 0, "", fmt.Errorf("running ssh: %w", err)
	}
	return 0, targets.LastLine(stderr.String()), nil
}

// who is user@host, the user as ssh resolves it.
func who(ctx context.Context, t *sshtarget.Target, host string) string {
	if strings.Contains(host, "@") {
		return host
	}
	if r, err := t.Resolve(ctx, host); err == nil && r.User != "" {
		return r.User + "@" + host
	}
	return host
}

func (s *state) checkSSHKey(ctx context.Context, t *sshtarget.Target, host string) Outcome {
	code, msg, err := s.runSSH(ctx, t, host, "true")
	switch {
	case err != nil:
		return failure(err)
	case code == 0:
		return Outcome{Status: Pass, Message: who(ctx, t, host) + " accepts your key"}
	case strings.Contains(msg, "Permission denied"):
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s refuses your key: %s", who(ctx, t, host), msg),
			Hint: "load the key (ssh-add) or set identity_file:, or ask for it to be added to the server's authorized_keys; ctl never types passwords"}
	case strings.Contains(msg, "Host key verification failed") || strings.Contains(msg, "host key"):
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s: %s", host, msg),
			Hint: "connect once with ssh " + host + " and verify the host key's fingerprint (or set known_hosts:)"}
	}
	if msg == "" {
		msg = "no message"
	}
	return Outcome{Status: Fail, Message: fmt.Sprintf("ssh %s failed (exit %d): %s", host, code, msg)}
}

func (s *state) checkSSHDir(ctx context.Context, t *sshtarget.Target, host string) Outcome {
	dir := t.Env().Dir
	code, msg, err := s.runSSH(ctx, t, host, "test -d "+shellQuote(dir))
	switch {
	case err != nil:
		return failure(err)
	case code == 0:
		return Outcome{Status: Pass, Message: dir + " exists on " + host}
	case code == 1:
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s does not exist on %s (or is not a directory)", dir, host),
			Hint: "check dir: in ctl.yaml"}
	}
	if msg == "" {
		msg = "no message"
	}
	return Outcome{Status: Fail, Message: fmt.Sprintf("ssh %s failed (exit %d): %s", host, code, msg)}
}
