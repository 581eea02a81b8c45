// Package scaffold writes a first ctl.yaml from what it finds: the Django
// project (manage.py, the settings module, .env, a virtualenv) and the
// Kubernetes namespaces that look like the app's. `ctl init` and the
// doctor's "create ctl.yaml" fix share it.
package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/atomicfile"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/targets/kube"
	"github.com/ctlops/ctl/targets/local"
)

// Options say where to look.
type Options struct {
	// Cwd is where the search for manage.py starts.
	Cwd string
	// App overrides the app name (default: the settings package, else the
	// directory's name).
	App string
	// NoKube skips the kubeconfig and the API servers.
	NoKube bool
	// Timeout bounds each API server's answer (default 3 s).
	Timeout time.Duration
	// Getenv reads KUBECONFIG and HOME (default: no kubeconfig).
	Getenv func(string) string
	// Kube is a context's connection (default: built from Getenv).
	Kube func(ctx context.Context, kubeContext string) (*kube.Connection, error)
}

// KubeEnv is an environment found as a namespace.
type KubeEnv struct {
	Name, Context, Namespace string
	Protected                bool
	// Why says how it was found.
	Why string
}

// Found is what discovery found.
type Found struct {
	// Dir holds manage.py (Cwd when there is none).
	Dir       string
	HasManage bool
	// Settings is DJANGO_SETTINGS_MODULE and where it was read.
	Settings, SettingsSource string
	App                      string
	DotEnv, DotEnvExample    bool
	Venv                     string // relative to Dir, "" when none
	// CurrentContext and Contexts are the kubeconfig's.
	CurrentContext string
	Contexts       []string
	Kube           []KubeEnv
	// Notes are things worth a comment (an unreachable cluster).
	Notes []string
}

// Path is where ctl.yaml goes.
func (f *Found) Path() string { return filepath.Join(f.Dir, config.TeamFileName) }

var settingsRE = textutil.Regexp(`DJANGO_SETTINGS_MODULE['"]?\s*[,=:]\s*['"]([A-Za-z_][\w.]*)['"]`)

var nonDNS = textutil.Regexp(`[^a-z0-9-]+`)

// Discover looks at the project and, unless NoKube, at every kubeconfig
// context's namespaces (one bounded list call per context, in parallel).
func Discover(ctx context.Context, opts Options) (*Found, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Second
	}
	f := &Found{Dir: opts.Cwd}
	if dir := local.FindProject(opts.Cwd); dir != "" {
		f.Dir, f.HasManage = dir, true
	}
	for _, cand := range append([]string{"manage.py"}, globs(f.Dir, "*/wsgi.py", "*/asgi.py")...) {
		b, err := os.ReadFile(filepath.Join(f.Dir, cand))
		if err != nil {
			continue
		}
		if m := settingsRE().FindSubmatch(b); m != nil {
			f.Settings, f.SettingsSource = string(m[1]), cand
			break
		}
	}
	f.App = opts.App
	if f.App == "" {
		base := filepath.Base(f.Dir)
		if f.Settings != "" {
			base, _, _ = strings.Cut(f.Settings, ".")
		}
		f.App = strings.Trim(nonDNS().ReplaceAllString(strings.ToLower(strings.ReplaceAll(base, "_", "-")), ""), "-")
	}
	f.DotEnv = exists(filepath.Join(f.Dir, ".env"))
	f.DotEnvExample = exists(filepath.Join(f.Dir, ".env.example"))
	for _, v := range []string{".venv", "venv"} {
		if exists(filepath.Join(f.Dir, v, "bin", "python")) {
			f.Venv = v
			break
		}
	}
	if !opts.NoKube {
		discoverKube(ctx, f, opts)
	}
	return f, nil
}

func globs(dir string, patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, _ := filepath.Glob(filepath.Join(dir, p))
		for _, x := range m {
			if rel, err := filepath.Rel(dir, x); err == nil {
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// envName turns a namespace into an environment name: myapp-qa → qa.
func envName(app, ns string) string {
	for _, sep := range []string{"-", "_", "."} {
		if n, ok := strings.CutPrefix(ns, app+sep); ok && n != "" {
			return n
		}
		if n, ok := strings.CutSuffix(ns, sep+app); ok && n != "" {
			return n
		}
	}
	return ns
}

func isProd(name string) bool {
	switch strings.ToLower(name) {
	case "prod", "production", "live", "prd":
		return true
	}
	return false
}

func discoverKube(ctx context.Context, f *Found, opts Options) {
	if opts.Getenv == nil {
		return
	}
	if opts.Kube == nil {
		opts.Kube = kube.NewConnections(opts.Getenv).Get
	}
	kc, err := kube.LoadKubeconfig(opts.Getenv)
	if err != nil || len(kc.Config.Contexts) == 0 {
		return
	}
	f.CurrentContext = kc.Config.CurrentContext
	f.Contexts = kc.ContextNames()
	type answer struct {
		byName, byLabel []string
		err             error
	}
	answers := make([]answer, len(f.Contexts))
	var wg sync.WaitGroup
	for i, c := range f.Contexts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := opts.Kube(ctx, c)
			if err != nil {
				answers[i].err = err
				return
			}
			conn = conn.WithTimeout(opts.Timeout)
			all, err := kube.Discover(ctx, conn, config.Discovery{Context: c})
			if err != nil {
				answers[i].err = err
				return
			}
			for _, ns := range all {
				if ns == f.App || strings.Contains(ns, f.App+"-") || strings.Contains(ns, "-"+f.App) {
					answers[i].byName = append(answers[i].byName, ns)
				}
			}
			answers[i].byLabel, _ = kube.Discover(ctx, conn, config.Discovery{Context: c, Selector: "app.kubernetes.io/part-of=" + f.App})
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, c := range f.Contexts {
		a := answers[i]
		if a.err != nil {
			f.Notes = append(f.Notes, fmt.Sprintf("context %s was not searched: %s", c, firstLine(a.err.Error())))
			continue
		}
		add := func(ns, why string) {
			name := envName(f.App, ns)
			if name == "local" {
				name = "k8s-local"
			}
			if seen[name] {
				name = c + "-" + name
			}
			if seen[name] {
				return
			}
			seen[name] = true
			f.Kube = append(f.Kube, KubeEnv{Name: name, Context: c, Namespace: ns, Protected: isProd(name),
				Why: fmt.Sprintf("namespace %s in context %s (%s)", ns, c, why)})
		}
		labelled := map[string]bool{}
		for _, ns := range a.byLabel {
			labelled[ns] = true
			add(ns, "labelled app.kubernetes.io/part-of="+f.App)
		}
		for _, ns := range a.byName {
			if !labelled[ns] {
				add(ns, "its name contains "+f.App)
			}
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Render writes the commented ctl.yaml. It is deterministic: the same
// findings give the same bytes.
func Render(f *Found) []byte {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# ctl.yaml: the team's environments for ctl (written by `ctl init`).\n")
	w("# Every key is documented in docs/configuration.md; check the result with `ctl doctor`.\n")
	w("# Personal overrides go in ~/.config/ctl/config.yaml, not here.\n")
	w("version: 1\n")
	w("app: %s\n", f.App)
	w("\nenvironments:\n")
	w("  # This machine: ")
	if f.HasManage {
		w("the project holding manage.py")
	} else {
		w("no manage.py was found; set dir: to the project")
	}
	if f.Settings != "" {
		w(", settings %s (from %s)", f.Settings, f.SettingsSource)
	}
	w(".\n")
	w("  local:\n    target: local\n")
	if f.Venv != "" {
		w("    # python: %s/bin/python   # found; ctl uses .venv by default\n", f.Venv)
	}
	if f.DotEnv {
		w("    env_file: .env   # found; loaded into every local session\n")
	} else if f.DotEnvExample {
		w("    # env_file: .env   # not there yet: cp .env.example .env (or ctl doctor --fix)\n")
	}
	if f.Settings != "" {
		w("    # settings: %s   # what manage.py sets; uncomment to force another module\n", f.Settings)
	}
	for _, k := range f.Kube {
		w("\n  # Found %s.\n", k.Why)
		w("  %s:\n    target: kubernetes\n    context: %s\n    namespace: %s\n", yamlKey(k.Name), yamlScalar(k.Context), yamlScalar(k.Namespace))
		if k.Protected {
			w("    protected: true   # production guard: every session asks first\n")
		}
		w("    # component: web   # the pods sessions run in (label app.kubernetes.io/component)\n")
	}
	if len(f.Kube) == 0 {
		w("\n  # No namespace that looks like %q was found", f.App)
		if len(f.Contexts) > 0 {
			w(" in the kubeconfig's contexts (%s)", strings.Join(f.Contexts, ", "))
		}
		w(".\n  # A Kubernetes environment looks like this:\n")
		w("  # qa:\n  #   target: kubernetes\n  #   context: my-cluster\n  #   namespace: %s-qa\n", f.App)
	}
	for _, n := range f.Notes {
		w("  # Note: %s\n", n)
	}
	return []byte(b.String())
}

var plainKey = textutil.Regexp(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

func yamlKey(s string) string { return yamlScalar(s) }

func yamlScalar(s string) string {
	if plainKey().MatchString(s) && !isYAMLWord(s) {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func isYAMLWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		return true
	}
	return false
}

// ErrExists is returned by Write when the file is there and force is off.
var ErrExists = fs.ErrExist

// Validate parses data as the team file would be parsed.
func Validate(path string, data []byte) error {
	_, err := config.Load(config.LoadOptions{TeamFile: path, ReadFile: func(p string) ([]byte, error) {
		if p == path {
			return data, nil
		}
		return nil, fs.ErrNotExist
	}})
	return err
}

// Write validates data and writes it to path atomically; an existing
// file is replaced only with force.
func Write(path string, data []byte, force bool) error {
	if err := Validate(path, data); err != nil {
		return fmt.Errorf("the generated configuration does not load (a bug in ctl init): %w", err)
	}
	if force {
		return atomicfile.Write(path, data, 0o644)
	}
	err := atomicfile.Create(path, data, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: %w", path, ErrExists)
	}
	return err
}
