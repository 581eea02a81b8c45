package config

// The schema: every key ctl accepts in an environment, its type, which
// targets it applies to, and how it lands in Environment. docs/configuration.md
// documents the same table; TestSchemaDocumented keeps the two in step.

type kind int

const (
	kString kind = iota
	kBool
	kInt
	kList    // list of strings
	kMap     // string -> string
	kMapList // string -> list of strings
)

func (k kind) String() string {
	switch k {
	case kBool:
		return "a boolean (true or false)"
	case kInt:
		return "an integer"
	case kList:
		return "a list of strings"
	case kMap:
		return "a mapping of strings"
	case kMapList:
		return "a mapping of string lists"
	}
	return "a string"
}

type field struct {
	key     string
	kind    kind
	targets []string // nil: every target
	enum    []string
	doc     string
	set     func(e *Environment, v any)
	get     func(e *Environment) any
}

func (f *field) appliesTo(target string) bool {
	if f.targets == nil {
		return true
	}
	for _, t := range f.targets {
		if t == target {
			return true
		}
	}
	return false
}

var (
	onlyKube   = []string{TargetKubernetes}
	onlySSH    = []string{TargetSSH}
	sshLocal   = []string{TargetSSH, TargetLocal}
	remoteOnly = []string{TargetKubernetes, TargetSSH}
)

func str(p func(e *Environment) *string) (func(*Environment, any), func(*Environment) any) {
	return func(e *Environment, v any) { *p(e) = v.(string) }, func(e *Environment) any { return *p(e) }
}

func integer(p func(e *Environment) *int) (func(*Environment, any), func(*Environment) any) {
	return func(e *Environment, v any) { *p(e) = v.(int) }, func(e *Environment) any { return *p(e) }
}

func mk(key string, k kind, targets []string, doc string, set func(*Environment, any), get func(*Environment) any) *field {
	return &field{key: key, kind: k, targets: targets, doc: doc, set: set, get: get}
}

func sfield(key string, targets []string, doc string, p func(e *Environment) *string) *field {
	s, g := str(p)
	return mk(key, kString, targets, doc, s, g)
}

func ifield(key string, targets []string, doc string, p func(e *Environment) *int) *field {
	s, g := integer(p)
	return mk(key, kInt, targets, doc, s, g)
}

// schema lists environment keys in the order `ctl env show` prints them.
var schema = buildSchema()

func buildSchema() []*field {
	target := sfield("target", nil, "where the environment runs: local, kubernetes or ssh",
		func(e *Environment) *string { return &e.Target })
	target.enum = KnownTargets
	pyshell := sfield("pyshell", nil, "Django shell flavour: auto (shell_plus when django-extensions is installed), shell or shell_plus",
		func(e *Environment) *string { return &e.PyShell })
	pyshell.enum = []string{"auto", "shell", "shell_plus"}
	from := sfield("database.from", remoteOnly, "how a remote target finds credentials: env (the app container's environment), django (ask Django), secret",
		func(e *Environment) *string { return &e.Database.From })
	from.enum = []string{"env", "django", "secret"}

	return []*field{
		target,
		sfield("description", nil, "one line shown by `ctl env list`", func(e *Environment) *string { return &e.Description }),
		mk("protected", kBool, nil, "production guard: confirmation before every session",
			func(e *Environment, v any) { e.Protected = v.(bool) }, func(e *Environment) any { return e.Protected }),
		sfield("dir", nil, "project directory (holds manage.py); relative paths are relative to the file that sets it",
			func(e *Environment) *string { return &e.Dir }),
		sfield("python", nil, "python interpreter; default: .venv/bin/python, then $VIRTUAL_ENV, then python3",
			func(e *Environment) *string { return &e.Python }),
		sfield("manage", nil, "manage.py path relative to dir (default manage.py)", func(e *Environment) *string { return &e.Manage }),
		sfield("settings", nil, "DJANGO_SETTINGS_MODULE to set (default: what manage.py sets)", func(e *Environment) *string { return &e.Settings }),
		sfield("env_file", nil, "dotenv file relative to dir, loaded into every session (default .env)", func(e *Environment) *string { return &e.EnvFile }),
		sfield("shell", nil, "shell for `ctl shell` (default: $SHELL locally, bash then sh remotely)", func(e *Environment) *string { return &e.Shell }),
		pyshell,
		sfield("database.url", nil, "database URL; prefer database.url_env, a password in a committed file is a leak",
			func(e *Environment) *string { return &e.Database.URL }),
		sfield("database.url_env", nil, "variable holding the database URL (default DATABASE_URL)",
			func(e *Environment) *string { return &e.Database.URLEnv }),
		from,
		sfield("database.secret", onlyKube, "Secret holding the credentials", func(e *Environment) *string { return &e.Database.Secret }),
		mk("database.keys", kMap, onlyKube, "keys in the Secret: url, host, port, user, password, name",
			func(e *Environment, v any) { e.Database.Keys = v.(map[string]string) }, func(e *Environment) any { return e.Database.Keys }),
		sfield("database.service", onlyKube, "Service or pod to port-forward to", func(e *Environment) *string { return &e.Database.Service }),
		sfield("database.host", remoteOnly, "database host when reached directly or through an SSH tunnel", func(e *Environment) *string { return &e.Database.Host }),
		ifield("database.port", remoteOnly, "database port (default 5432)", func(e *Environment) *int { return &e.Database.Port }),
		sfield("database.url_from", onlySSH, "remote env file or systemd unit holding DATABASE_URL", func(e *Environment) *string { return &e.Database.URLFrom }),
		mk("database.exclude_table_data", kList, nil, "tables (psql patterns) whose rows `ctl db dump` and `ctl db pull` leave out, added to the default list",
			func(e *Environment, v any) { e.Database.ExcludeTableData = v.([]string) }, func(e *Environment) any { return e.Database.ExcludeTableData }),
		sfield("sanitize.sql", nil, "SQL file `ctl db pull` runs on a copy of this environment's data before the swap; relative paths are relative to the file that sets it",
			func(e *Environment) *string { return &e.Sanitize.SQL }),
		sfield("url", nil, "the site's public URL (https://…), probed over HTTP by `ctl audit ENV` (GET only, at most 20 requests)",
			func(e *Environment) *string { return &e.URL }),
		sfield("admin.path", nil, "where the Django admin is served (default /admin/): the live audit looks for its login page there",
			func(e *Environment) *string { return &e.Admin.Path }),
		mk("admin.allowed", kBool, nil, "a public admin login is accepted on this environment: the live audit's http.admin probe passes instead of noting it",
			func(e *Environment, v any) { e.Admin.Allowed = v.(bool) }, func(e *Environment) any { return e.Admin.Allowed }),
		sfield("sanitize.manage", nil, "manage.py command `ctl db pull` runs on the copy instead (local destination only), e.g. `scrub_users`",
			func(e *Environment) *string { return &e.Sanitize.Manage }),

		sfield("context", onlyKube, "kubeconfig context (default: the current one)", func(e *Environment) *string { return &e.Context }),
		sfield("namespace", onlyKube, "namespace; may be a template such as myapp-{env}", func(e *Environment) *string { return &e.Namespace }),
		sfield("component", onlyKube, "component used by shell/pyshell/exec (default web)", func(e *Environment) *string { return &e.Component }),
		mk("components", kMap, onlyKube, "component name -> label selector",
			func(e *Environment, v any) { e.Components = v.(map[string]string) }, func(e *Environment) any { return e.Components }),
		sfield("container", onlyKube, "container name (default: the pod's default-container annotation, else the first)",
			func(e *Environment) *string { return &e.Container }),

		mk("hosts", kList, onlySSH, "hosts (names from ~/.ssh/config work)",
			func(e *Environment, v any) { e.Hosts = v.([]string) }, func(e *Environment) any { return e.Hosts }),
		mk("roles", kMapList, onlySSH, "role -> hosts, e.g. web: [web1, web2]",
			func(e *Environment, v any) { e.Roles = v.(map[string][]string) }, func(e *Environment) any { return e.Roles }),
		sfield("user", onlySSH, "SSH user", func(e *Environment) *string { return &e.User }),
		ifield("port", onlySSH, "SSH port", func(e *Environment) *int { return &e.Port }),
		sfield("sudo_user", onlySSH, "run commands as this app user", func(e *Environment) *string { return &e.SudoUser }),
		sfield("bastion", onlySSH, "jump host for SSH and tunnels", func(e *Environment) *string { return &e.Bastion }),
		sfield("ssh_config", onlySSH, "ssh_config file passed to ssh as -F (replaces ~/.ssh/config); relative paths are relative to the file that sets it",
			func(e *Environment) *string { return &e.SSHConfig }),
		sfield("identity_file", onlySSH, "private key for ssh -i (with IdentitiesOnly); relative paths are relative to the file that sets it",
			func(e *Environment) *string { return &e.IdentityFile }),
		sfield("known_hosts", onlySSH, "known_hosts file for this environment's hosts; relative paths are relative to the file that sets it",
			func(e *Environment) *string { return &e.KnownHosts }),
		mk("ssh_options", kList, onlySSH, "extra ssh -o options, e.g. [ConnectTimeout=5]",
			func(e *Environment, v any) { e.SSHOptions = v.([]string) }, func(e *Environment) any { return e.SSHOptions }),
		mk("logs.journal", kList, onlySSH, "systemd units whose journal `ctl logs` follows on every host (journalctl -u)",
			func(e *Environment, v any) { e.Logs.Journal = v.([]string) }, func(e *Environment) any { return e.Logs.Journal }),
		mk("logs.files", kList, sshLocal, "log files `ctl logs` follows (tail -F): on every host for ssh, relative to dir locally",
			func(e *Environment, v any) { e.Logs.Files = v.([]string) }, func(e *Environment) any { return e.Logs.Files }),
		mk("logs.docker", kList, onlySSH, "containers whose logs `ctl logs` follows on every host (docker logs)",
			func(e *Environment, v any) { e.Logs.Docker = v.([]string) }, func(e *Environment) any { return e.Logs.Docker }),
		sfield("restart.unit", onlySSH, "systemd unit `ctl restart` restarts on each host, one host (or --parallel N) at a time",
			func(e *Environment) *string { return &e.RestartUnit }),
		sfield("restart.command", onlySSH, "shell command `ctl restart` runs on each host instead of systemctl restart (supervisorctl, docker compose...)",
			func(e *Environment) *string { return &e.RestartCommand }),
		sfield("health", onlySSH, "health check `ctl restart` waits for on each host before the next: an http(s) URL fetched on the host, or a shell command",
			func(e *Environment) *string { return &e.Health }),
		sfield("migrations.job", onlyKube, "the chart's migration Job: `ctl migrate` re-runs it (deleted and re-created from its spec) instead of its own Job",
			func(e *Environment) *string { return &e.MigrationsJob }),
		sfield("revision_command", onlySSH, "shell command printing the deployed revision for `ctl status`, run in dir as sudo_user (default: git describe, else the REVISION file)",
			func(e *Environment) *string { return &e.RevisionCommand }),
	}
}

var schemaByKey = func() map[string]*field {
	m := make(map[string]*field, len(schema))
	for _, f := range schema {
		m[f.key] = f
	}
	return m
}()

// Field is the public view of one schema entry, for docs and `env show`.
type Field struct {
	Key     string
	Type    string
	Targets []string
	Enum    []string
	Doc     string
}

// Fields lists the schema in display order.
func Fields() []Field {
	out := make([]Field, len(schema))
	for i, f := range schema {
		out[i] = Field{Key: f.key, Type: f.kind.String(), Targets: f.targets, Enum: f.enum, Doc: f.doc}
	}
	return out
}

// Value returns the value of key in e and whether it is set.
func (e *Environment) Value(key string) (any, bool) {
	f, ok := schemaByKey[key]
	if !ok || !e.Has(key) {
		return nil, false
	}
	return f.get(e), true
}

// childKeys returns the schema keys directly under prefix ("" or "database").
func childKeys(prefix string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range schema {
		k := f.key
		if prefix != "" {
			if len(k) <= len(prefix) || k[:len(prefix)+1] != prefix+"." {
				continue
			}
			k = k[len(prefix)+1:]
		}
		if i := indexDot(k); i >= 0 {
			k = k[:i]
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func indexDot(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
