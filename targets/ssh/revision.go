package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// DefaultRevisionCommand prints the deployed revision when the
// environment sets no revision_command: git describe in the project
// directory, else the REVISION file many deploy tools write.
const DefaultRevisionCommand = "git describe --always --dirty --tags 2>/dev/null || cat REVISION"

// Revision runs the environment's revision_command (default
// DefaultRevisionCommand) in batch mode on the first candidate host that
// answers, in dir and as sudo_user, and returns the first line it
// prints and the host it ran on. Nothing is read from stdin and ssh never
// prompts.
func (t *Target) Revision(ctx context.Context) (rev, host string, err error) {
	host, err = t.pickHost(ctx, false)
	if err != nil {
		return "", "", err
	}
	command := t.env.RevisionCommand
	if command == "" {
		command = DefaultRevisionCommand
	}
	var b strings.Builder
	if d := t.env.Dir; d != "" {
		b.WriteString("cd " + quote(d) + " 2>/dev/null || { echo \"project directory " + strings.ReplaceAll(quote(d), `"`, `\"`) + " does not exist\" >&2; exit 1; }\n")
	}
	b.WriteString(command)
	out, stderr, code, err := t.output(ctx, host, t.asApp(b.String(), false))
	if err != nil {
		return "", host, err
	}
	if ctx.Err() != nil {
		return "", host, ctx.Err()
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	line = strings.TrimSpace(line)
	switch {
	case code == 255:
		msg := targets.LastLine(stderr)
		if msg == "" {
			msg = "ssh failed"
		}
		return "", host, fmt.Errorf("%s: %s", host, msg)
	case code != 0:
		msg := targets.LastLine(stderr)
		if msg == "" {
			msg = "no output"
		}
		return "", host, exitcode.WithHint(fmt.Errorf("revision command exited %d on %s: %s", code, host, msg),
			"set revision_command in ctl.yaml")
	case line == "":
		return "", host, errors.New("revision command printed nothing on " + host)
	}
	return line, host, nil
}

// DialAddr is the host:port ssh connects to for host (ssh -G: aliases
// from ssh_config resolved); direct is false when a jump host or proxy
// command is in the way, so the address is not reachable from here.
func (t *Target) DialAddr(ctx context.Context, host string) (addr string, direct bool, err error) {
	r, err := t.Resolve(ctx, host)
	if err != nil {
		return "", false, err
	}
	return net.JoinHostPort(r.HostName, strconv.Itoa(r.Port)), !r.Jump, nil
}
