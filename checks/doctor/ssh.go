package doctor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/config"
)

// sshHosts lists an environment's hosts: hosts, then each role's.
func sshHosts(e *config.Environment) []string {
	seen := map[string]bool{}
	var out []string
	add := func(h string) {
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, h := range e.Hosts {
		add(h)
	}
	roles := make([]string, 0, len(e.Roles))
	for r := range e.Roles {
		roles = append(roles, r)
	}
	sortStrings(roles)
	for _, r := range roles {
		for _, h := range e.Roles[r] {
			add(h)
		}
	}
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func sshChecks(s *state, e *config.Environment) []*Check {
	hosts := sshHosts(e)
	if len(hosts) == 0 {
		return []*Check{{ID: "ssh.host", Group: e.Name, Env: e.Name, Run: func(context.Context) Outcome {
			return Outcome{Status: Fail, Message: "no hosts: set hosts: (or roles:) for this environment in ctl.yaml"}
		}}}
	}
	var out []*Check
	for _, h := range hosts {
		host := &Check{ID: "ssh.host", Group: e.Name, Env: e.Name, Subject: h, Title: "host " + h + " answers on its SSH port",
			Run: func(ctx context.Context) Outcome { return s.checkSSHHost(ctx, e, h) }}
		key := &Check{ID: "ssh.key", Group: e.Name, Env: e.Name, Subject: h, Title: h + " accepts your key", Needs: []*Check{host},
			Run: func(ctx context.Context) Outcome { return s.checkSSHKey(ctx, e, h) }}
		out = append(out, host, key)
		if e.Dir != "" {
			out = append(out, &Check{ID: "ssh.dir", Group: e.Name, Env: e.Name, Subject: h, Title: "project directory on " + h, Needs: []*Check{key},
				Run: func(ctx context.Context) Outcome { return s.checkSSHDir(ctx, e, h) }})
		}
	}
	return out
}

// sshArgs are ssh's options for e: BatchMode (never a prompt), a connect
// timeout inside the check's, the user, port and jump host.
func sshArgs(ctx context.Context, e *config.Environment) []string {
	to := 5
	if dl, ok := ctx.Deadline(); ok {
		to = max(1, int(time.Until(dl).Seconds()))
	}
	args := []string{"-o", "BatchMode=yes", "-o", "ConnectTimeout=" + strconv.Itoa(to), "-o", "StrictHostKeyChecking=yes"}
	if e.User != "" {
		args = append(args, "-l", e.User)
	}
	if e.Port != 0 {
		args = append(args, "-p", strconv.Itoa(e.Port))
	}
	if e.Bastion != "" {
		args = append(args, "-J", e.Bastion)
	}
	return args
}

// resolveSSH asks `ssh -G` where host really is (aliases in ~/.ssh/config).
func (s *state) resolveSSH(ctx context.Context, e *config.Environment, host string) (hostname, port string, jump bool) {
	hostname, port = host, "22"
	if e.Port != 0 {
		port = strconv.Itoa(e.Port)
	}
	p, err := s.d.LookPath("ssh")
	if err != nil {
		return hostname, port, e.Bastion != ""
	}
	out, err := s.d.Output(ctx, p, append(sshArgs(ctx, e), "-G", host)...)
	if err != nil {
		return hostname, port, e.Bastion != ""
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "hostname":
			hostname = v
		case "port":
			port = v
		case "proxyjump", "proxycommand":
			if v != "" && v != "none" {
				jump = true
			}
		}
	}
	return hostname, port, jump || e.Bastion != ""
}

func (s *state) checkSSHHost(ctx context.Context, e *config.Environment, host string) Outcome {
	hostname, port, jump := s.resolveSSH(ctx, e, host)
	if jump {
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s is reached through a jump host (checked by ssh.key)", host)}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(hostname, port))
	if err != nil {
		return Outcome{Status: Fail, Message: fmt.Sprintf("cannot reach %s (%s port %s): %s", host, hostname, port, netReason(err)),
			Hint: "is the host up and are you on its network (VPN)?"}
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Until(deadline(ctx, 2*time.Second))))
	banner, _ := bufio.NewReader(conn).ReadString('\n')
	banner = strings.TrimSpace(banner)
	if !strings.HasPrefix(banner, "SSH-") {
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s:%s answers, but not as an SSH server", hostname, port)}
	}
	return Outcome{Status: Pass, Message: fmt.Sprintf("%s:%s answers: %s", hostname, port, banner)}
}

func deadline(ctx context.Context, def time.Duration) time.Time {
	if dl, ok := ctx.Deadline(); ok {
		return dl
	}
	return time.Now().Add(def)
}

func netReason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within the timeout"
	}
	return err.Error()
}

// runSSH runs a command on host with BatchMode; it returns ssh's stderr
// last line on failure.
func (s *state) runSSH(ctx context.Context, e *config.Environment, host string, remote ...string) (int, string, error) {
	p, err := s.d.LookPath("ssh")
	if err != nil {
		return 0, "", errors.New("ssh is not on PATH (see workstation.ssh)")
	}
	args := append(sshArgs(ctx, e), host, "--")
	args = append(args, remote...)
	cmd := exec.CommandContext(ctx, p, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	last := strings.TrimSpace(stderr.String())
	if i := strings.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), last, nil
	}
	return 0, last, err
}

func (s *state) checkSSHKey(ctx context.Context, e *config.Environment, host string) Outcome {
	code, msg, err := s.runSSH(ctx, e, host, "true")
	switch {
	case err != nil:
		return Outcome{Status: Fail, Message: err.Error()}
	case code == 0:
		who := host
		if e.User != "" {
			who = e.User + "@" + host
		}
		return Outcome{Status: Pass, Message: who + " accepts your key"}
	case strings.Contains(msg, "Permission denied"):
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s refuses your key: %s", host, msg),
			Hint: "load the key (ssh-add), or ask for it to be added to the server's authorized_keys; ctl never types passwords"}
	case strings.Contains(msg, "Host key verification failed") || strings.Contains(msg, "No ED25519 host key") || strings.Contains(msg, "host key"):
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s: %s", host, msg),
			Hint: "connect once with ssh " + host + " and verify the host key's fingerprint"}
	}
	return Outcome{Status: Fail, Message: fmt.Sprintf("ssh %s failed (exit %d): %s", host, code, msg)}
}

func (s *state) checkSSHDir(ctx context.Context, e *config.Environment, host string) Outcome {
	code, msg, err := s.runSSH(ctx, e, host, "test", "-d", shellQuote(e.Dir))
	switch {
	case err != nil:
		return Outcome{Status: Fail, Message: err.Error()}
	case code == 0:
		return Outcome{Status: Pass, Message: e.Dir + " exists on " + host}
	case code == 1:
		return Outcome{Status: Fail, Message: fmt.Sprintf("%s does not exist on %s", e.Dir, host), Hint: "check dir: in ctl.yaml"}
	}
	return Outcome{Status: Fail, Message: fmt.Sprintf("ssh %s failed (exit %d): %s", host, code, msg)}
}
