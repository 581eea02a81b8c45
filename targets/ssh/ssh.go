// Package ssh is the target for apps on plain machines reached over SSH.
// It drives the system's ssh binary, so the user's ssh_config, agent,
// ProxyJump and known_hosts apply, and multiplexes connections through a
// ControlMaster socket in a private directory so that every verb after
// the first skips the handshake.
package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/run"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/targets"
)

// DefaultRole is the role single-host verbs use when none is asked for.
const DefaultRole = "web"

// DBRole is the role whose first host carries the database tunnel.
const DBRole = "db"

// Deps are the target's side effects.
type Deps struct {
	Getenv   func(string) string
	Environ  func() []string
	LookPath func(string) (string, error)
	// Opts are the per-invocation choices (--host, --role, --all).
	Opts targets.Options
	// ControlDir holds the ControlMaster sockets ("" = the default
	// private directory; "none" turns multiplexing off).
	ControlDir string
	// ConnectTimeout bounds connection set-up (default 10s).
	ConnectTimeout time.Duration
}

// Target is an SSH environment.
type Target struct {
	env  *config.Environment
	deps Deps
	ssh  string // the ssh binary

	hosts []string            // every host, declaration order
	roles map[string][]string // role -> hosts
	// candidates are the hosts a single-host verb may use, in order.
	candidates []string
	selection  string // "role web", "host web1"...
	controlDir string

	chosen string // the host of the last session

	mu       sync.Mutex
	ran      map[string]bool     // hosts sessions ran on (fan-outs: several)
	resolved map[string]Resolved // ssh -G answers, by host
}

var (
	_ targets.Target    = (*Target)(nil)
	_ targets.Described = (*Target)(nil)
	_ targets.Fanout    = (*Target)(nil)
	_ targets.Hosted    = (*Target)(nil)
)

// New resolves hosts and roles; it does not touch the network.
func New(env *config.Environment, deps Deps) (*Target, error) {
	if deps.LookPath == nil {
		deps.LookPath = exec.LookPath
	}
	if deps.Environ == nil {
		deps.Environ = os.Environ
	}
	if deps.Getenv == nil {
		deps.Getenv = os.Getenv
	}
	if deps.ConnectTimeout == 0 {
		deps.ConnectTimeout = 10 * time.Second
	}
	bin, err := deps.LookPath("ssh")
	if err != nil {
		return nil, exitcode.WithHint(fmt.Errorf("environment %q has target ssh, but there is no ssh on PATH", env.Name),
			"install the OpenSSH client (apt install openssh-client)")
	}
	t := &Target{env: env, deps: deps, ssh: bin, roles: map[string][]string{}}
	seen := map[string]bool{}
	add := func(h string) {
		if !seen[h] {
			seen[h] = true
			t.hosts = append(t.hosts, h)
		}
	}
	for _, h := range env.Hosts {
		add(h)
	}
	for _, r := range t.roleNames(env.Roles) {
		t.roles[r] = env.Roles[r]
		for _, h := range env.Roles[r] {
			add(h)
		}
	}
	if len(t.hosts) == 0 {
		return nil, exitcode.WithHint(fmt.Errorf("environment %q has target ssh but no hosts", env.Name),
			"add hosts: [web1, ...] or roles: {web: [web1, ...]} to the environment")
	}
	for _, h := range t.hosts {
		if _, _, _, err := splitHost(h); err != nil {
			return nil, &exitcode.UsageError{Err: fmt.Errorf("environment %q: %w", env.Name, err)}
		}
	}
	if err := t.selectCandidates(); err != nil {
		return nil, err
	}
	t.controlDir = deps.ControlDir
	return t, nil
}

func (t *Target) roleNames(m map[string][]string) []string {
	names := make([]string, 0, len(m))
	for r := range m {
		names = append(names, r)
	}
	sort.Strings(names)
	return names
}

// selectCandidates applies --host and --role: the hosts a single-host verb
// tries, in order.
func (t *Target) selectCandidates() error {
	o := t.deps.Opts
	switch {
	case o.Host != "" && o.Role != "":
		return exitcode.Usagef("--host and --role contradict each other: pick one")
	case o.Host != "" && o.All:
		return exitcode.Usagef("--host and --all contradict each other: pick one")
	case o.Host != "":
		for _, h := range t.hosts {
			if h == o.Host || hostName(h) == o.Host {
				t.candidates, t.selection = []string{h}, "host "+h
				return nil
			}
		}
		msg := fmt.Sprintf("environment %q has no host %q", t.env.Name, o.Host)
		if s := textutil.Suggest(o.Host, t.hosts); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return exitcode.WithHint(&exitcode.UsageError{Err: errors.New(msg)}, "its hosts: "+strings.Join(t.hosts, ", "))
	case o.Role != "":
		hs, ok := t.roles[o.Role]
		if !ok || len(hs) == 0 {
			names := t.roleNames(t.roles)
			msg := fmt.Sprintf("environment %q has no role %q", t.env.Name, o.Role)
			if s := textutil.Suggest(o.Role, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			hint := "it declares no roles; add roles: {web: [...]} or use --host"
			if len(names) > 0 {
				hint = "its roles: " + strings.Join(names, ", ")
			}
			return exitcode.WithHint(&exitcode.UsageError{Err: errors.New(msg)}, hint)
		}
		t.candidates, t.selection = hs, "role "+o.Role
	case len(t.env.Hosts) > 0:
		t.candidates, t.selection = t.env.Hosts, "hosts"
	case len(t.roles[DefaultRole]) > 0:
		t.candidates, t.selection = t.roles[DefaultRole], "role "+DefaultRole
	default:
		r := t.roleNames(t.roles)[0]
		t.candidates, t.selection = t.roles[r], "role "+r
	}
	return nil
}

// FanoutHosts: --all is every host, --role every host of the role.
func (t *Target) FanoutHosts() ([]string, bool, error) {
	switch {
	case t.deps.Opts.All:
		return t.hosts, true, nil
	case t.deps.Opts.Role != "":
		return t.candidates, true, nil
	}
	return nil, false, nil
}

// Env returns the configuration.
func (t *Target) Env() *config.Environment { return t.env }

// Where is user@host of the last session, or the selection before one.
func (t *Target) Where() string {
	if t.chosen != "" {
		return t.display(t.chosen)
	}
	if t.deps.Opts.All {
		return t.display("{"+strings.Join(t.hosts, ",")+"}") + " (all hosts)"
	}
	if len(t.candidates) == 1 {
		return t.display(t.candidates[0])
	}
	return t.display("{"+strings.Join(t.candidates, ",")+"}") + " (" + t.selection + ")"
}

// Placement: an ssh session has no Kubernetes placement (SessionHost
// says where it ran).
func (t *Target) Placement() (string, string, string, string) { return "", "", "", "" }

// SessionHost is where the sessions of this invocation ran: the host (the
// hosts of a fan-out, or dbshell's app host and tunnel host, in
// declaration order, comma-separated) and the login user. The user is the
// host's user@, else user:, else what ssh_config says (ssh -G); "" when
// nothing ran.
func (t *Target) SessionHost(ctx context.Context) (string, string) {
	t.mu.Lock()
	var hosts []string
	for _, h := range t.hosts {
		if t.ran[h] {
			hosts = append(hosts, h)
		}
	}
	t.mu.Unlock()
	if len(hosts) == 0 {
		return "", ""
	}
	user := t.configuredUser(hosts[0])
	if user == "" {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if r, err := t.Resolve(ctx, hosts[0]); err == nil {
			user = r.User
		}
	}
	return strings.Join(hosts, ","), user
}

// markRan notes that a session ran on host.
func (t *Target) markRan(host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ran == nil {
		t.ran = map[string]bool{}
	}
	t.ran[host] = true
}

// configuredUser is the host's user@, else the environment's user: ("" when
// ssh_config decides).
func (t *Target) configuredUser(host string) string {
	if u, _, _, _ := splitHost(host); u != "" {
		return u
	}
	return t.env.User
}

// Hosts lists every host of the environment: hosts:, then each role's
// (roles by name), each once.
func (t *Target) Hosts() []string { return t.hosts }

// Resolved is what ssh makes of a host with the environment's options.
type Resolved struct {
	// User is the login user; HostName and Port the address ssh connects to.
	User, HostName string
	Port           int
	// Jump: a ProxyJump or ProxyCommand is in the way (bastion: included).
	Jump bool
}

// Resolve asks `ssh -G` (which reads the configuration and connects to
// nothing) for host's user, address and port, with the environment's
// options; answers are kept for the target's lifetime.
func (t *Target) Resolve(ctx context.Context, host string) (Resolved, error) {
	t.mu.Lock()
	r, ok := t.resolved[host]
	t.mu.Unlock()
	if ok {
		return r, nil
	}
	argv := t.Argv(host, Call{Batch: true, Flags: []string{"-G"}})
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = t.deps.Environ()
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		if msg := targets.LastLine(errb.String()); msg != "" {
			return Resolved{}, fmt.Errorf("ssh -G %s: %s", host, msg)
		}
		return Resolved{}, fmt.Errorf("ssh -G %s: %w", host, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch k {
		case "user":
			r.User = v
		case "hostname":
			r.HostName = v
		case "port":
			r.Port, _ = strconv.Atoi(v)
		case "proxyjump", "proxycommand":
			if v != "" && v != "none" {
				r.Jump = true
			}
		}
	}
	if r.HostName == "" {
		r.HostName = hostName(host)
	}
	if r.Port == 0 {
		r.Port = 22
	}
	t.mu.Lock()
	if t.resolved == nil {
		t.resolved = map[string]Resolved{}
	}
	t.resolved[host] = r
	t.mu.Unlock()
	return r, nil
}

// Host is the host of the last session ("" before one).
func (t *Target) Host() string { return t.chosen }

func (t *Target) display(h string) string {
	if t.env.User != "" && !strings.Contains(h, "@") {
		return t.env.User + "@" + h
	}
	return h
}

// ShellArgv is `sh -c cmd` with a command; without, what the interactive
// shell runs (for the record: the configured shell, else the user's login shell).
func (t *Target) ShellArgv(cmd string) []string {
	if cmd != "" {
		return []string{"sh", "-c", cmd}
	}
	if t.env.Shell != "" {
		return strings.Fields(t.env.Shell)
	}
	return []string{"$SHELL", "-l"}
}

// ManageArgv is the configured python (else python3, from the project's
// virtualenv when it has one) and manage.py.
func (t *Target) ManageArgv(context.Context) ([]string, error) {
	return targets.ManageArgv(t.env, "python3"), nil
}

// Settings lists what env show resolves without touching the network.
func (t *Target) Settings() []targets.Setting {
	det := config.Origin{Kind: config.SourceDetected}
	def := config.Origin{Kind: config.SourceDefault}
	s := []targets.Setting{
		{Key: "ssh", Value: t.ssh, Origin: det},
		{Key: "sessions on", Value: t.Where(), Origin: det},
	}
	if d, err := t.ensureControlDir(); err == nil && d != "" {
		s = append(s, targets.Setting{Key: "control dir", Value: d, Origin: def})
	}
	return s
}

// Run runs the session on the first reachable candidate host.
func (t *Target) Run(ctx context.Context, s targets.Command) (int, error) {
	host, err := t.pickHost(ctx, s.TTY)
	if err != nil {
		return 0, err
	}
	t.chosen = host
	return t.runOn(ctx, host, s)
}

// RunOn runs a session on host (used by fan-outs).
func (t *Target) RunOn(ctx context.Context, host string, s targets.Command) (int, error) {
	s.TTY = false
	return t.runOn(ctx, host, s)
}

func (t *Target) runOn(ctx context.Context, host string, s targets.Command) (int, error) {
	t.markRan(host)
	remote := t.remoteCommand(s.Argv, s.TTY)
	args := t.sshArgs(host, !s.TTY)
	if s.TTY {
		args = append(args, "-t")
	} else {
		args = append(args, "-T")
	}
	if s.NoStdin || s.Stdin == nil {
		args = append(args, "-n")
	}
	args = append(args, "--", destination(host), remote)
	cmd := exec.CommandContext(ctx, t.ssh, args...)
	cmd.Env = t.deps.Environ()
	cmd.Env = append(cmd.Env, s.Env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, s.Stdout, s.Stderr
	if s.NoStdin {
		cmd.Stdin = nil
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	return run.Foreground(cmd)
}

// pickHost is the only candidate, or the first that answers. An
// interactive session falls back to the first candidate when none answers
// in batch mode (ssh may then ask for a password).
func (t *Target) pickHost(ctx context.Context, interactive bool) (string, error) {
	if len(t.candidates) == 1 {
		return t.candidates[0], nil
	}
	var reasons []string
	for _, h := range t.candidates {
		err := t.check(ctx, h)
		if err == nil {
			return h, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		reasons = append(reasons, h+": "+err.Error())
	}
	if interactive {
		return t.candidates[0], nil
	}
	return "", exitcode.WithHint(fmt.Errorf("environment %q: no host of %s answers:\n  %s", t.env.Name, t.selection, strings.Join(reasons, "\n  ")),
		"try `ssh HOST true` to see why, or pick one with --host")
}

// check runs `true` on host in batch mode (it leaves a master connection
// behind for the session that follows).
func (t *Target) check(ctx context.Context, host string) error {
	if dir, err := t.ensureControlDir(); err == nil && dir != "" {
		// A live master connection answers without running anything remotely.
		check := exec.CommandContext(ctx, t.ssh, append(t.sshArgs(host, true), "-O", "check", "--", destination(host))...)
		check.Env = t.deps.Environ()
		if check.Run() == nil {
			return nil
		}
	}
	args := append(t.sshArgs(host, true), "-T", "-n", "--", destination(host), "true")
	var errb strings.Builder
	cmd := exec.CommandContext(ctx, t.ssh, args...)
	cmd.Env = t.deps.Environ()
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		msg := targets.LastLine(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return errors.New(msg)
	}
	return nil
}

// output runs a remote shell script on host in batch mode and returns its
// stdout (kept in memory only: it may hold secrets).
func (t *Target) output(ctx context.Context, host, script string) ([]byte, string, int, error) {
	args := append(t.sshArgs(host, true), "-T", "-n", "--", destination(host), "sh -c "+quote(script))
	var out, errb limitedBuffer
	cmd := exec.CommandContext(ctx, t.ssh, args...)
	cmd.Env = t.deps.Environ()
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code, rerr := run.ExitCode(err)
	if rerr != nil {
		return nil, "", 0, fmt.Errorf("running ssh: %w", rerr)
	}
	return out.b, string(errb.b), code, nil
}

// limitedBuffer keeps at most 4 MiB.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4<<20 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

var _ io.Writer = (*limitedBuffer)(nil)

// Call shapes one ssh command line built by Argv.
type Call struct {
	// Batch adds BatchMode=yes: ssh never prompts (a password, a passphrase,
	// an unknown host key); it fails instead.
	Batch bool
	// Flags go after the environment's options, before "--" (-T, -n, -G).
	Flags []string
	// Remote is the command line the host's shell runs ("": none).
	Remote string
}

// Argv is a whole ssh command line for host, the one every ssh call of
// the target uses: the ssh binary; ssh_config, the ControlMaster socket
// (unless Deps.ControlDir is "none"), identity_file, known_hosts, bastion,
// the user and port (the host's own, else the environment's), BatchMode,
// ConnectTimeout, ssh_options; c.Flags; "--", the destination and
// c.Remote.
func (t *Target) Argv(host string, c Call) []string {
	argv := append([]string{t.ssh}, t.sshArgs(host, c.Batch)...)
	argv = append(argv, c.Flags...)
	argv = append(argv, "--", destination(host))
	if c.Remote != "" {
		argv = append(argv, c.Remote)
	}
	return argv
}

// sshArgs are the options of every ssh call to host. batch adds
// BatchMode=yes: nothing may wait on a prompt nobody sees.
func (t *Target) sshArgs(host string, batch bool) []string {
	return t.connArgs(host, batch, true)
}

// connArgs: mux shares one master connection per host (ControlPersist
// keeps it 60s after the last session).
func (t *Target) connArgs(host string, batch, mux bool) []string {
	e := t.env
	var a []string
	if e.SSHConfig != "" {
		a = append(a, "-F", e.SSHConfig)
	}
	if dir, err := t.ensureControlDir(); mux && err == nil && dir != "" {
		a = append(a, "-o", "ControlMaster=auto", "-o", "ControlPath="+filepath.Join(dir, "%C"), "-o", "ControlPersist=60")
	}
	if e.IdentityFile != "" {
		a = append(a, "-i", e.IdentityFile, "-o", "IdentitiesOnly=yes")
	}
	if e.KnownHosts != "" {
		a = append(a, "-o", "UserKnownHostsFile="+e.KnownHosts)
	}
	if e.Bastion != "" {
		a = append(a, "-J", e.Bastion)
	}
	user, _, port, _ := splitHost(host)
	if user == "" {
		user = e.User
	}
	if user != "" {
		a = append(a, "-l", user)
	}
	if port == 0 {
		port = e.Port
	}
	if port != 0 {
		a = append(a, "-p", strconv.Itoa(port))
	}
	if batch {
		a = append(a, "-o", "BatchMode=yes")
	}
	a = append(a, "-o", "ConnectTimeout="+strconv.Itoa(max(1, int(t.deps.ConnectTimeout.Seconds()))))
	for _, o := range e.SSHOptions {
		a = append(a, "-o", o)
	}
	return a
}

// ensureControlDir creates the private directory of the ControlMaster
// sockets: $XDG_RUNTIME_DIR/ctl/ssh, else $TMPDIR/ctl-ssh-UID. It must be
// ours and 0700; otherwise multiplexing is off ("" and an error).
func (t *Target) ensureControlDir() (string, error) {
	dir := t.controlDir
	switch dir {
	case "none":
		return "", nil
	case "":
		if v := t.deps.Getenv("CTL_SSH_CONTROL_DIR"); v != "" {
			if v == "none" {
				return "", nil
			}
			dir = v
		} else if rt := t.deps.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(rt) {
			dir = filepath.Join(rt, "ctl", "ssh")
		} else {
			dir = filepath.Join(os.TempDir(), "ctl-ssh-"+strconv.Itoa(os.Getuid()))
		}
	}
	// A socket path holds at most ~104 bytes: %C is 40, and ssh adds a
	// 17-byte suffix while it sets up the master.
	if len(dir) > maxControlDir {
		dir = filepath.Join(os.TempDir(), "ctl-ssh-"+strconv.Itoa(os.Getuid()))
		if len(dir) > maxControlDir {
			return "", fmt.Errorf("no short enough directory for ssh control sockets")
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := privateDir(dir); err != nil {
		return "", err
	}
	t.controlDir = dir
	return dir, nil
}

const maxControlDir = 104 - 1 - 40 - 17

// splitHost reads [user@]host[:port] (or [user@][v6addr]:port).
func splitHost(spec string) (user, host string, port int, err error) {
	rest := spec
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		user, rest = rest[:i], rest[i+1:]
	}
	host = rest
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", "", 0, fmt.Errorf("host %q: unclosed [", spec)
		}
		host = rest[1:end]
		rest = rest[end+1:]
		if rest == "" {
			return user, host, 0, nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", 0, fmt.Errorf("host %q: expected :port after ]", spec)
		}
		rest = rest[1:]
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 && strings.Count(rest, ":") == 1 {
		host, rest = rest[:i], rest[i+1:]
	} else {
		rest = ""
	}
	if rest != "" {
		port, err = strconv.Atoi(rest)
		if err != nil || port <= 0 || port > 65535 {
			return "", "", 0, fmt.Errorf("host %q: invalid port %q", spec, rest)
		}
	}
	if host == "" || strings.HasPrefix(host, "-") || strings.ContainsAny(host, " \t\n'\"") {
		return "", "", 0, fmt.Errorf("invalid host %q", spec)
	}
	return user, host, port, nil
}

// hostName is the host part of a spec.
func hostName(spec string) string {
	_, h, _, err := splitHost(spec)
	if err != nil {
		return spec
	}
	return h
}

// destination is what ssh connects to (user and port travel as -l/-p).
func destination(spec string) string { return hostName(spec) }
