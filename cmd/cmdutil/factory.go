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
	// Target resolves an environment name to a Target.
	Target func(name string, opts targets.Options) (targets.Target, error)
	// Prompter asks questions (only when IOStreams.CanPrompt()).
	Prompter func() prompter.Prompter
}

// New builds the production factory.
func New(ios *iostreams.IOStreams) *Factory {
	f := &Factory{
		IOStreams: ios,
		Getenv:    os.Getenv,
		Environ:   os.Environ,
		Cwd:       os.Getwd,
		LookPath:  exec.LookPath,
	}
	f.Config = configFunc(f)     // depends on Cwd, Getenv, ConfigFile
	f.Target = targetFunc(f)     // depends on Config
	f.Prompter = prompterFunc(f) // depends on IOStreams
	return f
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

func targetFunc(f *Factory) func(string, targets.Options) (targets.Target, error) {
	return func(name string, opts targets.Options) (targets.Target, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		env, err := targets.Lookup(cfg, name)
		if err != nil {
			denv, derr := discovered(cfg, name)
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
		return targets.New(env, targets.Deps{
			App: cfg.App, TeamFile: cfg.TeamFile, Cwd: cwd,
			Getenv: f.Getenv, Environ: f.Environ, LookPath: f.LookPath, Opts: opts,
		})
	}
}

// discovered resolves a name through the `discover:` patterns: the
// namespace the name stands for must exist and match the selector.
func discovered(cfg *config.Config, name string) (*config.Environment, error) {
	for _, d := range cfg.Discover {
		ns, ok := d.NamespaceFor(name)
		if !ok {
			continue
		}
		found, err := targets.DiscoverOne(context.Background(), d, ns, 5*time.Second)
		if errors.Is(err, targets.ErrNotLinked) {
			return nil, err
		}
		if err == nil && found {
			return cfg.Discovered(d, ns), nil
		}
	}
	return nil, nil
}

func prompterFunc(f *Factory) func() prompter.Prompter {
	return func() prompter.Prompter {
		return prompter.New(f.IOStreams)
	}
}

// UsageErrorf is a shorthand for a usage (exit 2) error.
func UsageErrorf(format string, a ...any) error { return exitcode.Usagef(format, a...) }
