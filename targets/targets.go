// Package targets turns an environment name into a Target: the thing that
// can run a command in the environment's app context and reach its
// database. One sub-package per substrate (local now; kubernetes and ssh
// implement the same interface).
package targets

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
)

// Command is one command to run in an environment. (A session, in ctl,
// is one run of a session verb — shell, pyshell, exec, manage, dbshell —
// guarded and recorded in the trail; it runs one Command.)
type Command struct {
	// Argv is the command. Empty means the target's interactive shell.
	Argv []string
	// TTY asks for a terminal; the local target inherits ctl's.
	TTY bool
	// NoStdin: do not stream stdin to a remote command (it is a terminal
	// and no TTY was asked for, so nothing would ever send EOF).
	NoStdin bool
	// Env is added to the command's environment.
	Env []string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Setting is one resolved value and where it came from, for `env show`.
type Setting struct {
	Key    string
	Value  string
	Origin config.Origin
}

// DB is a database endpoint reachable from this machine.
type DB struct {
	Engine   string // postgres | sqlite
	Host     string
	Port     int
	User     string
	Password string
	Name     string // database name, or file path for sqlite
	Options  map[string]string
	// Source says where the credentials were found (never the secret itself).
	Source string
}

// Addr is host:port, or the socket directory.
func (d *DB) Addr() string {
	if strings.HasPrefix(d.Host, "/") {
		return d.Host
	}
	return fmt.Sprintf("%s:%d", d.Host, d.Port)
}

// Target is an environment ctl can work in.
type Target interface {
	// Env is the configuration the target was resolved from.
	Env() *config.Environment
	// Run runs a session and returns the command's exit code. An error
	// means ctl could not run it at all.
	Run(ctx context.Context, c Command) (int, error)
	// ShellArgv is the interactive shell command; with cmd, the shell
	// runs cmd and exits.
	ShellArgv(cmd string) []string
	// ManageArgv is the command prefix running manage.py, e.g.
	// ["/srv/.venv/bin/python", "manage.py"].
	ManageArgv(ctx context.Context) ([]string, error)
	// Database resolves the credentials and an endpoint reachable from
	// here; the returned close func tears down any tunnel.
	Database(ctx context.Context) (*DB, func() error, error)
	// Settings lists resolved values with their origins (for env show).
	Settings() []Setting
}

// Options are per-invocation choices of where exactly to run.
type Options struct {
	Component string // --component
	Pod       string // --pod
	Container string // -c/--container
	Host      string // --host (ssh)
	Role      string // --role (ssh)
	All       bool   // --all (ssh exec: every host)
}

// Fanout is implemented by targets whose environments span several hosts:
// `ctl exec --all` or `--role` runs the command on each of them.
type Fanout interface {
	// FanoutHosts lists the hosts the invocation's options select for a
	// fan-out, and whether they ask for one at all.
	FanoutHosts() (hosts []string, fanout bool, err error)
	// RunOn runs a non-interactive session on one host.
	RunOn(ctx context.Context, host string, c Command) (int, error)
}

// Described is implemented by targets that can say where a session ran
// (for the banner and the session trail).
type Described interface {
	// Where is e.g. "ctx/namespace/pod (container)".
	Where() string
	// Placement is context, namespace, pod, container of the last session.
	Placement() (context, namespace, pod, container string)
}

// Hosted is implemented by targets whose sessions run on hosts reached
// over the network (ssh), for the session trail.
type Hosted interface {
	// SessionHost is the host the invocation's sessions ran on (several,
	// comma-separated, after a fan-out) and the login user there; ""
	// when none ran.
	SessionHost(ctx context.Context) (host, user string)
}

// InProject is implemented by targets whose sessions run in a project
// directory on this machine (local).
type InProject interface {
	// Dir is the project's directory (where manage.py is).
	Dir() string
	// Environ is the sessions' environment: the process's plus the
	// project's (.env, virtualenv) plus extra.
	Environ(extra []string) []string
}

// AddrResolver is implemented by targets that reach hosts over the network
// and can say which address they dial (ssh, for `ctl status`'s probes).
type AddrResolver interface {
	DialAddr(ctx context.Context, host string) (addr string, direct bool, err error)
}

// Revisioner is implemented by targets that can tell the deployed
// revision (ssh).
type Revisioner interface {
	Revision(ctx context.Context) (rev, host string, err error)
}

// SessionEvent summarises a finished session for the environment's own
// audit trail (a Kubernetes Event on the pod).
type SessionEvent struct {
	User, Verb, Command string
	ExitCode            int
	Duration            time.Duration
}

// EventRecorder is implemented by targets that can leave a trace of a
// session where the environment's operators look (best effort).
type EventRecorder interface {
	RecordEvent(ctx context.Context, ev SessionEvent) error
}

// UnknownEnvError is returned for an environment name that no layer defines.
type UnknownEnvError struct {
	Name  string
	Known []string
}

func (e *UnknownEnvError) Error() string {
	msg := fmt.Sprintf("unknown environment %q", e.Name)
	if s := textutil.Suggest(e.Name, e.Known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

// Hint lists the known environments.
func (e *UnknownEnvError) Hint() string {
	return "known environments: " + strings.Join(e.Known, ", ") + " (ctl env list)"
}

// Is gives an unknown environment the kind exitcode.ErrInvalid.
func (e *UnknownEnvError) Is(target error) bool { return target == exitcode.ErrInvalid }

// Lookup finds an environment by name.
func Lookup(cfg *config.Config, name string) (*config.Environment, error) {
	if e := cfg.Env(name); e != nil {
		return e, nil
	}
	return nil, &UnknownEnvError{Name: name, Known: cfg.Names()}
}

// ManageArgv is env's python and manage.py, with defaultPython when the
// configuration names none (remote targets: the manage.py path is relative
// to the app's directory unless configured).
func ManageArgv(env *config.Environment, defaultPython string) []string {
	py := env.Python
	if py == "" {
		py = defaultPython
	}
	m := env.Manage
	if m == "" {
		m = "manage.py"
	}
	return []string{py, m}
}
