// Package cmdutil holds what every command shares: the Factory of lazily
// built dependencies, argument helpers and the JSON exporter.
package cmdutil

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
)

// Factory carries every side effect a command may need. Expensive members
// are funcs, built on first use, so `ctl --version` loads nothing.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Environ   func() []string
	Cwd       func() (string, error)
	LookPath  func(string) (string, error)

	// ConfigFile is --config (or CTL_CONFIG); set by the root command.
	ConfigFile string

	// Config loads the merged configuration once.
	Config func() (*config.Config, error)
	// Target resolves an environment name to a Target; ctx bounds the
	// discovery a name may need (Ctrl-C cancels it).
	Target func(ctx context.Context, name string, opts targets.Options) (targets.Target, error)
	// Drivers build targets from an environment's configuration.
	Drivers *targets.Drivers
	// Discover lists the namespaces of a `discover:` pattern.
	Discover func(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error)
	// Kube is the connection of a kubeconfig context ("" = current), built
	// once per context and shared by the targets, the doctor and status.
	Kube func(ctx context.Context, kubeContext string) (*kube.Connection, error)
	// Prompter asks questions (only when IOStreams.CanPrompt()).
	Prompter func() prompter.Prompter
}

// Deps are what main decides for the Factory: which target drivers the
// binary has and how it asks questions.
type Deps struct {
	// Drivers build the targets (local, ssh, kubernetes) and discover
	// environments.
	Drivers *targets.Drivers
	// Kube are the Kubernetes connections (the kubernetes driver's own).
	Kube *kube.Connections
	// Prompter builds the prompter (huh in production).
	Prompter func(*iostreams.IOStreams) prompter.Prompter
}

// New builds the production factory.
func New(ios *iostreams.IOStreams, d Deps) *Factory {
	f := &Factory{
		IOStreams: ios,
		Getenv:    os.Getenv,
		Environ:   os.Environ,
		Cwd:       os.Getwd,
		LookPath:  exec.LookPath,
	}
	if d.Drivers == nil {
		d.Drivers = targets.NewDrivers(nil)
	}
	f.Drivers = d.Drivers
	f.Config = configFunc(f)                 // depends on Cwd, Getenv, ConfigFile
	f.Discover = d.Drivers.Discover          //
	f.Target = targetFunc(f, d.Drivers)      // depends on Config, Discover
	f.Kube = kubeFunc(d.Kube)                // depends on Getenv (through the connections)
	f.Prompter = prompterFunc(f, d.Prompter) // depends on IOStreams
	return f
}

func kubeFunc(conns *kube.Connections) func(context.Context, string) (*kube.Connection, error) {
	return func(ctx context.Context, name string) (*kube.Connection, error) {
		if conns == nil {
			return nil, errors.New("no Kubernetes driver in this build")
		}
		return conns.Get(ctx, name)
	}
}

func configFunc(f *Factory) func() (*config.Config, error) {
	var once sync.Once
	var cfg *config.Config
	var err error
	return func() (*config.Config, error) {
		once.Do(func() {
			var cwd string
			cwd, err = f.Cwd()
			if err != nil {
				return
			}
			team := f.ConfigFile
			if team == "" {
				team = f.Getenv("CTL_CONFIG")
			}
			cfg, err = config.Load(config.LoadOptions{
				Cwd:          cwd,
				TeamFile:     team,
				PersonalFile: config.PersonalPath(f.Getenv),
			})
		})
		return cfg, err
	}
}

func targetFunc(f *Factory, drivers *targets.Drivers) func(context.Context, string, targets.Options) (targets.Target, error) {
	return func(ctx context.Context, name string, opts targets.Options) (targets.Target, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		env, err := targets.Lookup(cfg, name)
		if err != nil {
			denv, derr := discovered(ctx, drivers, cfg, name)
			if derr != nil {
				return nil, derr
			}
			if denv == nil {
				return nil, err
			}
			env = denv
		}
		cwd, err := f.Cwd()
		if err != nil {
			return nil, err
		}
		return drivers.New(ctx, env, targets.Deps{
			App: cfg.App, TeamFile: cfg.TeamFile, Cwd: cwd,
			Getenv: f.Getenv, Environ: f.Environ, LookPath: f.LookPath, Opts: opts,
		})
	}
}

// discovered resolves a name through the `discover:` patterns: the
// namespace the name stands for must exist and match the selector.
func discovered(ctx context.Context, drivers *targets.Drivers, cfg *config.Config, name string) (*config.Environment, error) {
	for _, d := range cfg.Discover {
		ns, ok := d.NamespaceFor(name)
		if !ok {
			continue
		}
		found, err := drivers.DiscoverOne(ctx, d, ns, 5*time.Second)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && found {
			return cfg.Discovered(d, ns), nil
		}
	}
	return nil, nil
}

func prompterFunc(f *Factory, build func(*iostreams.IOStreams) prompter.Prompter) func() prompter.Prompter {
	return func() prompter.Prompter {
		if build == nil {
			return prompter.Refusing{}
		}
		return build(f.IOStreams)
	}
}

// UsageErrorf is a shorthand for a usage (exit 2) error.
func UsageErrorf(format string, a ...any) error { return exitcode.Usagef(format, a...) }
