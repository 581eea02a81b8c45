// Package config loads ctl's configuration: the team file ctl.yaml (found
// by walking up from the working directory, or named by --config /
// CTL_CONFIG) merged with the personal file $XDG_CONFIG_HOME/ctl/config.yaml.
//
// Decoding is strict: an unknown key, a wrong type, a key that belongs to
// another target or an unknown target is an error with file:line:col and a
// "did you mean" suggestion. Every value remembers where it came from so
// that `ctl env show` can say so.
package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ctlops/ctl/internal/exitcode"
)

// Targets are the substrates an environment can run on.
const (
	TargetLocal      = "local"
	TargetKubernetes = "kubernetes"
	TargetSSH        = "ssh"
)

// KnownTargets lists the valid values of `target:`.
var KnownTargets = []string{TargetLocal, TargetKubernetes, TargetSSH}

// TeamFileName is the name of the team file looked up from the working directory.
const TeamFileName = "ctl.yaml"

// SourceKind says which layer a value came from.
type SourceKind string

const (
	SourceTeam     SourceKind = "team file"
	SourcePersonal SourceKind = "personal file"
	SourceDefault  SourceKind = "default"
	SourceDetected SourceKind = "detected"
)

// Origin is where a value came from.
type Origin struct {
	Kind SourceKind `json:"kind"`
	File string     `json:"file,omitempty"`
	Line int        `json:"line,omitempty"`
	Col  int        `json:"column,omitempty"`
	// Note explains a default or a detected value.
	Note string `json:"note,omitempty"`
}

// String renders an origin for humans: "team file ctl.yaml:12:5".
func (o Origin) String() string {
	switch {
	case o.File != "" && o.Line > 0:
		return fmt.Sprintf("%s %s:%d:%d", o.Kind, o.File, o.Line, o.Col)
	case o.File != "":
		return fmt.Sprintf("%s %s", o.Kind, o.File)
	case o.Note != "":
		return fmt.Sprintf("%s (%s)", o.Kind, o.Note)
	}
	return string(o.Kind)
}

// Database says how an environment's database is found and reached.
type Database struct {
	// URL is a database URL (postgres://…, sqlite:///…). Prefer URLEnv:
	// a password in a committed file is a leak.
	URL string
	// URLEnv names the variable holding the URL (default DATABASE_URL),
	// read from the process environment, then the env file.
	URLEnv string
	// From is how a remote target finds credentials: env, django, secret.
	From string
	// Secret and Keys name a Kubernetes Secret and its keys.
	Secret string
	Keys   map[string]string
	// Service/Host/Port: how to reach the database server.
	Service string
	Host    string
	Port    int
	// URLFrom is a remote file or systemd unit holding DATABASE_URL (ssh).
	URLFrom string
	// ExcludeTableData adds tables (psql patterns) whose rows `ctl db
	// dump` and `ctl db pull` leave out, to ctl's default list.
	ExcludeTableData []string
}

// Sanitize is what `ctl db pull` runs on a copy of this environment's
// data before swapping it in: a SQL file, or a manage.py command.
type Sanitize struct {
	SQL    string // local file, absolute after loading
	Manage string // manage.py command and arguments, e.g. "scrub_users --all"
}

// Admin says where an environment's Django admin is served and whether
// it is meant to be reachable from outside (an internal site, a staff
// deployment): the live audit's http.admin probe then passes.
type Admin struct {
	Path    string // default /admin/
	Allowed bool
}

// Logs are the log sources of an ssh or local environment.
type Logs struct {
	// Journal are systemd units (journalctl -u), ssh only.
	Journal []string
	// Files are log files (tail -F); local paths are relative to dir.
	Files []string
	// Docker are container names (docker logs), ssh only.
	Docker []string
}

// Environment is one named environment after merging all layers.
type Environment struct {
	Name string
	// Origin is where the environment was declared.
	Origin Origin

	Target      string
	Description string
	Protected   bool
	Dir         string
	Python      string
	Manage      string
	Settings    string
	EnvFile     string
	Shell       string
	PyShell     string
	Database    Database
	Sanitize    Sanitize
	// URL is the site's public address, probed by `ctl audit ENV`.
	URL string
	// Admin is where the site's Django admin is, and whether a public
	// admin login is accepted there (the live audit's allow-list).
	Admin Admin

	// kubernetes
	Context    string
	Namespace  string
	Component  string
	Components map[string]string
	Container  string

	// ssh
	Hosts    []string
	Roles    map[string][]string
	User     string
	Port     int
	SudoUser string
	Bastion  string
	// SSHConfig, IdentityFile and KnownHosts are local files (absolute
	// after loading); SSHOptions are extra `ssh -o` options.
	SSHConfig    string
	IdentityFile string
	KnownHosts   string
	SSHOptions   []string
	// RevisionCommand prints the deployed revision (ctl status); run in
	// dir on the first host that answers.
	RevisionCommand string

	// Logs are where `ctl logs` reads an ssh or local environment's
	// processes.
	Logs Logs

	// RestartUnit is the systemd unit `ctl restart` restarts on each host
	// (ssh); Health the check a host must pass after it: an http(s) URL
	// (fetched on the host, 2xx/3xx) or a shell command (exit 0).
	RestartUnit string
	// RestartCommand replaces `systemctl restart RestartUnit` (supervisor,
	// docker compose...).
	RestartCommand string
	Health         string
	// MigrationsJob is the chart's migration Job, which `ctl migrate`
	// re-runs instead of starting its own (kubernetes).
	MigrationsJob string

	// Origins maps a dotted key ("python", "database.url") to where its
	// value came from. Keys absent here are unset.
	Origins map[string]Origin
}

// Has reports whether key was set by some layer.
func (e *Environment) Has(key string) bool {
	_, ok := e.Origins[key]
	return ok
}

// Config is the merged configuration.
type Config struct {
	App       string
	AppOrigin Origin
	// CheckUpdates is the opt-in to a daily release check (personal file;
	// CTL_CHECK_UPDATES overrides it either way).
	CheckUpdates bool
	// TeamFile and PersonalFile are the files that were read ("" if none).
	TeamFile     string
	PersonalFile string
	// Environments in declaration order; the implicit local one first
	// when no file declares it.
	Environments []*Environment
	// Discover are patterns that turn Kubernetes namespaces into
	// environments, for platforms with an instance per customer.
	Discover []Discovery
	// Drift configures `ctl diff`.
	Drift Drift
	// defaults are the merged `defaults:` values, applied to discovered
	// environments.
	defaults map[string]val
}

// Drift is the `drift:` section: what `ctl diff` treats as expected.
type Drift struct {
	// Ignore are glob patterns (path.Match) of drift items expected to
	// differ: a bare name matches an env key or a setting (SENTRY_*), a
	// path one item of a kind (env/DEBUG, setting/DEBUG, image/*,
	// migration/myapp/*, replicas/deployment/web).
	Ignore []string
	// Origin is where the list was set (the last file that set it).
	Origin Origin
}

// Discovery is one `discover:` pattern.
type Discovery struct {
	// From is what is listed: "namespaces".
	From string
	// Context is the kubeconfig context ("" = current).
	Context string
	// Selector is the namespaces' label selector.
	Selector string
	// Name is the environment name template; {namespace} is replaced.
	Name string
	// Protected marks the discovered environments protected.
	Protected bool
	Origin    Origin
}

// NameFor is the environment name of a namespace.
func (d Discovery) NameFor(namespace string) string {
	return strings.ReplaceAll(d.Name, "{namespace}", namespace)
}

// NamespaceFor inverts the name template: the namespace an environment
// name stands for, if the name fits the template.
func (d Discovery) NamespaceFor(env string) (string, bool) {
	pre, post, ok := strings.Cut(d.Name, "{namespace}")
	if !ok || !strings.HasPrefix(env, pre) || !strings.HasSuffix(env, post) || len(env) <= len(pre)+len(post) {
		return "", false
	}
	return env[len(pre) : len(env)-len(post)], true
}

// Discovered builds the environment for a namespace found by d: target
// kubernetes, the namespace and context of the pattern, the defaults.
func (c *Config) Discovered(d Discovery, namespace string) *Environment {
	e := &Environment{Name: d.NameFor(namespace), Origin: Origin{Kind: SourceDetected, Note: "discovered: namespace " + namespace + " (pattern at " + d.Origin.String() + ")"}, Origins: map[string]Origin{}}
	vals := map[string]val{}
	for k, v := range c.defaults {
		vals[k] = v
	}
	vals["target"] = val{v: TargetKubernetes, origin: d.Origin}
	vals["namespace"] = val{v: namespace, origin: e.Origin}
	if d.Context != "" {
		vals["context"] = val{v: d.Context, origin: d.Origin}
	}
	if d.Protected {
		vals["protected"] = val{v: true, origin: d.Origin}
	}
	e.Target = TargetKubernetes
	for _, f := range schema {
		if v, ok := vals[f.key]; ok && f.appliesTo(TargetKubernetes) {
			f.set(e, v.v)
			e.Origins[f.key] = v.origin
		}
	}
	return e
}

// Env returns the environment called name, or nil.
func (c *Config) Env(name string) *Environment {
	for _, e := range c.Environments {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Names returns the environment names in order.
func (c *Config) Names() []string {
	names := make([]string, len(c.Environments))
	for i, e := range c.Environments {
		names[i] = e.Name
	}
	return names
}

// Problem is one error found in a configuration file.
type Problem struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Error is a configuration error: one or more problems, exit code 2.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	if len(lines) == 1 {
		return "invalid configuration: " + lines[0]
	}
	return fmt.Sprintf("invalid configuration (%d problems):\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Is gives configuration errors the kind exitcode.ErrInvalid (exit 2).
func (e *Error) Is(target error) bool { return target == exitcode.ErrInvalid }

// Hint points at the reference.
func (e *Error) Hint() string {
	return "see docs/configuration.md for every key, or run `ctl env show NAME` to see what ctl resolved"
}

// displayPath shortens p relative to cwd when that is shorter.
func displayPath(p, cwd string) string {
	if cwd == "" {
		return p
	}
	if rel, err := filepath.Rel(cwd, p); err == nil && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != ".." && len(rel) < len(p) {
		return rel
	}
	return p
}
