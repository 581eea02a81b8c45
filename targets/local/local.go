// Package local is the target for the developer's own machine: commands
// run in the project directory with the project's .env loaded.
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/run"
	"github.com/ctlops/ctl/targets"
)

// Deps are the target's side effects.
type Deps struct {
	Getenv   func(string) string
	Environ  func() []string
	Cwd      string
	LookPath func(string) (string, error)
	// TeamFile is the ctl.yaml that was read, if any.
	TeamFile string
}

// Target is a resolved local environment.
type Target struct {
	env  *config.Environment
	deps Deps

	dir, python, manage, envFile string
	dirOrigin, pyOrigin          config.Origin
	manageOrigin, envFileOrigin  config.Origin
	dotenv                       []dotenv.Var
}

var _ targets.Target = (*Target)(nil)

// NoProjectError: no manage.py could be found.
type NoProjectError struct{ Env, Cwd string }

func (e *NoProjectError) Error() string {
	return fmt.Sprintf("environment %q: no Django project found: no manage.py in %s or any directory above it", e.Env, e.Cwd)
}

// Hint tells how to fix it.
func (e *NoProjectError) Hint() string {
	return "run ctl from inside your project, or set dir: in ctl.yaml for this environment"
}

// Is gives it the kind exitcode.ErrInvalid: a configuration problem.
func (e *NoProjectError) Is(target error) bool { return target == exitcode.ErrInvalid }

// New resolves the project directory, python, manage.py and .env of env.
func New(env *config.Environment, deps Deps) (*Target, error) {
	if deps.LookPath == nil {
		deps.LookPath = exec.LookPath
	}
	if deps.Environ == nil {
		deps.Environ = os.Environ
	}
	t := &Target{env: env, deps: deps}
	if err := t.resolveDir(); err != nil {
		return nil, err
	}
	t.resolveFiles()
	if err := t.loadDotenv(); err != nil {
		return nil, err
	}
	t.resolvePython()
	return t, nil
}

// FindProject walks up from dir to the nearest directory holding manage.py.
func FindProject(dir string) string {
	for {
		if st, err := os.Stat(filepath.Join(dir, "manage.py")); err == nil && !st.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func (t *Target) resolveDir() error {
	if t.env.Has("dir") {
		t.dir, t.dirOrigin = t.env.Dir, t.env.Origins["dir"]
		if st, err := os.Stat(t.dir); err != nil || !st.IsDir() {
			return exitcode.WithHint(
				fmt.Errorf("environment %q: project dir %s (set at %s) does not exist", t.env.Name, t.dir, t.dirOrigin),
				"fix dir: in the configuration")
		}
		return nil
	}
	if d, note := DetectProject(t.deps.Cwd, t.deps.TeamFile); d != "" {
		t.dir, t.dirOrigin = d, config.Origin{Kind: config.SourceDetected, Note: note}
		return nil
	}
	return &NoProjectError{Env: t.env.Name, Cwd: t.deps.Cwd}
}

// DetectProject finds the project of an environment without dir: the
// nearest manage.py above cwd, else the one manage.py up to two levels
// under the team file's directory. note says which.
func DetectProject(cwd, teamFile string) (dir, note string) {
	if d := FindProject(cwd); d != "" {
		return d, "nearest manage.py above the working directory"
	}
	if teamFile != "" {
		root := filepath.Dir(teamFile)
		for _, pat := range []string{"manage.py", "*/manage.py", "*/*/manage.py"} {
			if m, _ := filepath.Glob(filepath.Join(root, pat)); len(m) == 1 {
				return filepath.Dir(m[0]), "manage.py under the directory of ctl.yaml"
			}
		}
	}
	return "", ""
}

func (t *Target) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(t.dir, p)
}

func (t *Target) resolveFiles() {
	t.manage, t.manageOrigin = "manage.py", config.Origin{Kind: config.SourceDefault}
	if t.env.Has("manage") {
		t.manage, t.manageOrigin = t.env.Manage, t.env.Origins["manage"]
	}
	t.envFile, t.envFileOrigin = filepath.Join(t.dir, ".env"), config.Origin{Kind: config.SourceDefault}
	if t.env.Has("env_file") {
		t.envFile, t.envFileOrigin = t.abs(t.env.EnvFile), t.env.Origins["env_file"]
	}
}

func (t *Target) loadDotenv() error {
	vars, err := dotenv.ReadFile(t.envFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if t.env.Has("env_file") {
			return exitcode.WithHint(fmt.Errorf("environment %q: env file %s (set at %s) does not exist", t.env.Name, t.envFile, t.envFileOrigin),
				"create it, or remove env_file: from the configuration")
		}
		t.envFile = ""
		return nil
	case err != nil:
		return fmt.Errorf("environment %q: reading env file: %w", t.env.Name, err)
	}
	t.dotenv = vars
	return nil
}

func (t *Target) resolvePython() {
	if t.env.Has("python") {
		p := t.env.Python
		if strings.ContainsRune(p, filepath.Separator) {
			p = t.abs(p)
		}
		t.python, t.pyOrigin = p, t.env.Origins["python"]
		return
	}
	for _, venv := range []string{".venv", "venv"} {
		p := filepath.Join(t.dir, venv, "bin", "python")
		if isExecutable(p) {
			t.python = p
			t.pyOrigin = config.Origin{Kind: config.SourceDetected, Note: "virtualenv " + venv + " in the project"}
			return
		}
	}
	if ve := t.deps.Getenv("VIRTUAL_ENV"); ve != "" {
		if p := filepath.Join(ve, "bin", "python"); isExecutable(p) {
			t.python, t.pyOrigin = p, config.Origin{Kind: config.SourceDetected, Note: "$VIRTUAL_ENV"}
			return
		}
	}
	t.python = "python3"
	if p, err := t.deps.LookPath("python3"); err == nil {
		t.python = p
	}
	t.pyOrigin = config.Origin{Kind: config.SourceDefault, Note: "python3 on PATH"}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Env returns the environment's configuration.
func (t *Target) Env() *config.Environment { return t.env }

// Dir is the project directory.
func (t *Target) Dir() string { return t.dir }

// Python is the interpreter that runs manage.py.
func (t *Target) Python() string { return t.python }

// Environ is the environment every session gets: ctl's own, then the
// .env values that are not already set (as django-environ and decouple
// do), then CTL_ENV and DJANGO_SETTINGS_MODULE when configured.
func (t *Target) Environ(extra []string) []string {
	base := t.deps.Environ()
	set := make(map[string]bool, len(base))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	out := append([]string(nil), base...)
	for _, v := range t.dotenv {
		if !set[v.Key] {
			out = append(out, v.Key+"="+v.Value)
			set[v.Key] = true
		}
	}
	if venv := t.venv(); venv != "" {
		// Activate the virtualenv as `source .venv/bin/activate` would, so
		// that `ctl exec local -- python3 ...` is the project's python.
		path := filepath.Join(venv, "bin")
		for i, kv := range out {
			if p, ok := strings.CutPrefix(kv, "PATH="); ok {
				out[i] = "PATH=" + path + string(os.PathListSeparator) + p
				path = ""
			}
		}
		if path != "" {
			out = append(out, "PATH="+path)
		}
		out = append(out, "VIRTUAL_ENV="+venv)
	}
	out = append(out, "CTL_ENV="+t.env.Name)
	if t.env.Has("settings") {
		out = append(out, "DJANGO_SETTINGS_MODULE="+t.env.Settings)
	}
	return append(out, extra...)
}

// venv returns the virtualenv root of the resolved python, or "".
func (t *Target) venv() string {
	if !filepath.IsAbs(t.python) {
		return ""
	}
	root := filepath.Dir(filepath.Dir(t.python))
	if _, err := os.Stat(filepath.Join(root, "pyvenv.cfg")); err == nil {
		return root
	}
	return ""
}

// lookup finds a variable in the process environment, then the .env file.
func (t *Target) lookup(key string) (value, source string, ok bool) {
	if v := t.deps.Getenv(key); v != "" {
		return v, "$" + key + " in ctl's environment", true
	}
	if v, found := dotenv.Lookup(t.dotenv, key); found && v.Value != "" {
		return v.Value, fmt.Sprintf("%s in %s:%d", key, t.displayPath(t.envFile), v.Line), true
	}
	return "", "", false
}

func (t *Target) displayPath(p string) string {
	if rel, err := filepath.Rel(t.deps.Cwd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// Run runs the session in the project directory, inheriting ctl's
// terminal, and returns the exit code.
func (t *Target) Run(ctx context.Context, s targets.Command) (int, error) {
	argv := s.Argv
	if len(argv) == 0 {
		argv = t.ShellArgv("")
	}
	environ := t.Environ(s.Env)
	path, err := t.lookPath(argv[0], environ)
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Dir = t.dir
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, s.Stdout, s.Stderr
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return run.Foreground(cmd)
}

// lookPath finds name on the session's PATH (the virtualenv first), as
// the child's own shell would.
func (t *Target) lookPath(name string, environ []string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) {
		p := t.abs(name)
		if !isExecutable(p) {
			return "", fmt.Errorf("%s: not an executable file", p)
		}
		return p, nil
	}
	for i := len(environ) - 1; i >= 0; i-- {
		if path, ok := strings.CutPrefix(environ[i], "PATH="); ok {
			for _, dir := range filepath.SplitList(path) {
				if dir == "" {
					dir = "."
				}
				if p := filepath.Join(dir, name); isExecutable(p) {
					return p, nil
				}
			}
			break
		}
	}
	p, err := t.deps.LookPath(name)
	if err != nil {
		return "", exitcode.WithHint(fmt.Errorf("%s: command not found on PATH", name), "install it or give its full path")
	}
	return p, nil
}

// ShellArgv is the user's shell ($SHELL, else /bin/sh), or the configured one.
func (t *Target) ShellArgv(cmd string) []string {
	sh := t.env.Shell
	if sh == "" {
		sh = t.deps.Getenv("SHELL")
	}
	if sh == "" {
		sh = "/bin/sh"
	}
	argv := strings.Fields(sh)
	if cmd != "" {
		argv = append(argv, "-c", cmd)
	}
	return argv
}

// ManageArgv is python + manage.py, checked to exist.
func (t *Target) ManageArgv(context.Context) ([]string, error) {
	m := t.abs(t.manage)
	if _, err := os.Stat(m); err != nil {
		return nil, exitcode.WithHint(fmt.Errorf("environment %q: %s not found", t.env.Name, m), "set manage: (relative to dir) in ctl.yaml")
	}
	return []string{t.python, m}, nil
}

// Database finds the database: $DATABASE_URL (or database.url_env) in
// ctl's environment, then in the env file, then database.url in the
// configuration, then Django's own DATABASES['default'].
func (t *Target) Database(ctx context.Context) (*targets.DB, func() error, error) {
	noop := func() error { return nil }
	key := "DATABASE_URL"
	if t.env.Has("database.url_env") {
		key = t.env.Database.URLEnv
	}
	raw, source, ok := t.lookup(key)
	if !ok && t.env.Has("database.url") {
		raw, source, ok = t.env.Database.URL, "database.url at "+t.env.Origins["database.url"].String(), true
	}
	if ok {
		db, err := targets.ParseDatabaseURL(raw, t.dir)
		if err != nil {
			return nil, nil, fmt.Errorf("environment %q: %s: %w", t.env.Name, source, err)
		}
		db.Source = source
		return db, noop, nil
	}
	db, err := t.askDjango(ctx)
	if err != nil {
		return nil, nil, exitcode.WithHint(fmt.Errorf("environment %q: no database found: %s is not set and Django could not be asked: %w", t.env.Name, key, err),
			"set "+key+" in "+filepath.Join(t.displayPath(t.dir), ".env")+" or database.url_env in ctl.yaml")
	}
	return db, noop, nil
}

func (t *Target) askDjango(ctx context.Context) (*targets.DB, error) {
	argv, err := t.ManageArgv(ctx)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], "shell", "-c", targets.DjangoProbe)...)
	cmd.Dir = t.dir
	cmd.Env = t.Environ(nil)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("manage.py shell failed: %s", targets.LastLine(string(ee.Stderr)))
		}
		return nil, err
	}
	return targets.ParseDjangoProbe(string(out), t.abs, "DATABASES['default'] from Django settings")
}

// Settings lists resolved values with origins for `ctl env show`.
func (t *Target) Settings() []targets.Setting {
	out := []targets.Setting{
		{Key: "dir", Value: t.dir, Origin: t.dirOrigin},
		{Key: "python", Value: t.python, Origin: t.pyOrigin},
		{Key: "manage", Value: t.manage, Origin: t.manageOrigin},
	}
	if t.envFile != "" {
		out = append(out, targets.Setting{Key: "env_file", Value: t.envFile, Origin: t.envFileOrigin})
	} else {
		out = append(out, targets.Setting{Key: "env_file", Value: "(none: " + filepath.Join(t.dir, ".env") + " does not exist)", Origin: t.envFileOrigin})
	}
	key := "DATABASE_URL"
	if t.env.Has("database.url_env") {
		key = t.env.Database.URLEnv
	}
	dbSrc := "Django settings (asked at dbshell time)"
	if _, src, ok := t.lookup(key); ok {
		dbSrc = src
	} else if t.env.Has("database.url") {
		dbSrc = "database.url"
	}
	out = append(out, targets.Setting{Key: "database", Value: dbSrc, Origin: config.Origin{Kind: config.SourceDetected}})
	return out
}
