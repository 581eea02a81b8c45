package doctor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
	"github.com/ctlops/ctl/targets/local"
)

// Deps are the doctor's view of the world; tests replace any of them.
type Deps struct {
	Getenv   func(string) string
	Environ  func() []string
	LookPath func(string) (string, error)
	Cwd      string
	// Config is the loaded configuration; ConfigErr the error loading it
	// (a broken ctl.yaml is a finding, not a crash).
	Config    *config.Config
	ConfigErr error
	// Target builds a non-Kubernetes environment's target.
	Target func(env *config.Environment) (targets.Target, error)
	// Kube is the connection of a kubeconfig context (default: one per
	// context for this run, read through Getenv).
	Kube func(ctx context.Context, kubeContext string) (*kube.Connection, error)
	// Output runs a helper program (kubectl version, ldd) and returns its
	// standard output.
	Output func(ctx context.Context, name string, args ...string) ([]byte, error)
	// Timeout bounds each API call of a Kubernetes check.
	Timeout time.Duration
	// Installer installs packages (nil: detected from PATH).
	Installer *Installer
	// Euid is the effective user id (sudo is planned when not 0).
	Euid int
}

func (d *Deps) defaults() {
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.Environ == nil {
		d.Environ = os.Environ
	}
	if d.LookPath == nil {
		d.LookPath = exec.LookPath
	}
	if d.Output == nil {
		d.Output = func(ctx context.Context, name string, args ...string) ([]byte, error) {
			return exec.CommandContext(ctx, name, args...).Output()
		}
	}
	if d.Timeout == 0 {
		d.Timeout = DefaultTimeout
	}
	if d.Installer == nil {
		d.Installer = DetectInstaller(d.LookPath, d.Euid)
	}
	if d.Kube == nil {
		d.Kube = kube.NewConnections(d.Getenv).Get
	}
}

// state is shared by the checks of one run: what several of them need
// is computed once.
type state struct {
	d Deps

	kubeOnce sync.Once
	kc       *kube.Kubeconfig
	kcErr    error

	mu      sync.Mutex
	kubes   map[string]*kubeEntry
	servers map[string]*kube.ServerInfo // by context, from kube.api
	locals  map[string]*localEntry

	kubectlOnce  sync.Once
	kubectlMinor string
	kubectlVer   string
	kubectlErr   error
}

type kubeEntry struct {
	once sync.Once
	t    *kube.Target
	err  error
}

type localEntry struct {
	once sync.Once
	t    targets.Target
	err  error
}

func (s *state) kubeconfig() (*kube.Kubeconfig, error) {
	s.kubeOnce.Do(func() { s.kc, s.kcErr = kube.LoadKubeconfig(s.d.Getenv) })
	return s.kc, s.kcErr
}

func (s *state) kubeTarget(ctx context.Context, env *config.Environment) (*kube.Target, error) {
	s.mu.Lock()
	e := s.kubes[env.Name]
	if e == nil {
		e = &kubeEntry{}
		s.kubes[env.Name] = e
	}
	s.mu.Unlock()
	e.once.Do(func() {
		app := ""
		if s.d.Config != nil {
			app = s.d.Config.App
		}
		conn, err := s.d.Kube(ctx, env.Context)
		if err != nil {
			e.err = fmt.Errorf("environment %q: %w", env.Name, err)
			return
		}
		e.t = kube.New(env, conn, kube.Deps{App: app, Timeout: s.d.Timeout})
	})
	return e.t, e.err
}

func (s *state) target(env *config.Environment) (targets.Target, error) {
	s.mu.Lock()
	e := s.locals[env.Name]
	if e == nil {
		e = &localEntry{}
		s.locals[env.Name] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.t, e.err = s.d.Target(env) })
	return e.t, e.err
}

func (s *state) setServer(context string, info *kube.ServerInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.servers[context] = info
}

func (s *state) server(context string) *kube.ServerInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.servers[context]
}

// projectDir is the local environment's directory, else the nearest
// manage.py's, else "".
func (s *state) projectDir() string {
	if s.d.Config != nil {
		for _, e := range s.d.Config.Environments {
			if e.Target == config.TargetLocal {
				if t, err := s.target(e); err == nil {
					if lt, ok := t.(*local.Target); ok {
						return lt.Dir()
					}
				}
			}
		}
	}
	return local.FindProject(s.d.Cwd)
}

// Build lists the checks for the workstation, the configuration and the
// named environments (every configured one when names is empty), in
// display order.
func Build(d Deps, names []string) []*Check {
	d.defaults()
	s := &state{d: d, kubes: map[string]*kubeEntry{}, servers: map[string]*kube.ServerInfo{}, locals: map[string]*localEntry{}}
	var envs []*config.Environment
	if d.Config != nil {
		if len(names) == 0 {
			envs = d.Config.Environments
		} else {
			for _, n := range names {
				if e := d.Config.Env(n); e != nil {
					envs = append(envs, e)
				}
			}
		}
	}
	var kubeEnvs, sshEnvs, localEnvs []*config.Environment
	for _, e := range envs {
		switch e.Target {
		case config.TargetKubernetes:
			kubeEnvs = append(kubeEnvs, e)
		case config.TargetSSH:
			sshEnvs = append(sshEnvs, e)
		case config.TargetLocal:
			localEnvs = append(localEnvs, e)
		}
	}

	// Per environment first, so the workstation's cluster checks can
	// depend on kube.api.
	var envChecks []*Check
	apiByContext := map[string]*Check{}
	var contextOrder []string
	for _, e := range envs {
		switch e.Target {
		case config.TargetKubernetes:
			cs := kubeChecks(s, e)
			envChecks = append(envChecks, cs...)
			ctxName := e.Context
			if ctxName == "" {
				if kc, err := s.kubeconfig(); err == nil {
					ctxName = kc.Config.CurrentContext
				}
			}
			if _, ok := apiByContext[ctxName]; !ok && ctxName != "" {
				apiByContext[ctxName] = cs[0]
				contextOrder = append(contextOrder, ctxName)
			}
		case config.TargetSSH:
			// env.database: the credentials on the app host, through
			// ctl's own ssh tunnel (the ssh target's Database).
			envChecks = append(envChecks, sshChecks(s, e)...)
			envChecks = append(envChecks, databaseCheck(s, e, nil))
		default:
			envChecks = append(envChecks, databaseCheck(s, e, nil))
		}
	}

	var out []*Check
	out = append(out, workstationChecks(s, kubeEnvs, sshEnvs, localEnvs, apiByContext, contextOrder)...)
	out = append(out, configChecks(s, kubeEnvs)...)
	out = append(out, envChecks...)
	for _, c := range out {
		if c.Title == "" {
			c.Title = specOf(c.ID).Title
		}
	}
	return out
}

// Filter keeps the checks whose ID is in ids (all when ids is empty).
func Filter(checks []*Check, ids []string) []*Check {
	if len(ids) == 0 {
		return checks
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []*Check
	for _, c := range checks {
		if want[c.ID] {
			out = append(out, c)
		}
	}
	return out
}

func home(d Deps) string {
	if h := d.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func rel(base, p string) string {
	if base == "" {
		return p
	}
	if r, err := filepath.Rel(base, p); err == nil && len(r) < len(p) && r != ".." && !filepath.IsAbs(r) && (len(r) < 3 || r[:3] != "../") {
		return r
	}
	return p
}
