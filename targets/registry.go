package targets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ctlops/ctl/internal/config"
)

// Deps is what the command layer hands every target constructor: the
// process's view of the world (for tests to replace) and the invocation's
// choices. A target takes what it needs.
type Deps struct {
	// App is the configuration's app name (default selectors use it).
	App string
	// TeamFile is the ctl.yaml that was read, if any.
	TeamFile string
	// Cwd is ctl's working directory.
	Cwd      string
	Getenv   func(string) string
	Environ  func() []string
	LookPath func(string) (string, error)
	// Opts are the per-invocation overrides (--component, --pod, -c, --host, --role).
	Opts Options
}

// Driver builds the Targets of one kind of environment (local, ssh,
// kubernetes). The drivers a binary has are passed to the command Factory
// from main; nothing registers itself.
type Driver interface {
	// Kind is the configuration's target: value the driver handles.
	Kind() string
	// New builds env's Target. ctx bounds anything it has to ask first
	// (Ctrl-C cancels it); building reads configuration, not the network.
	New(ctx context.Context, env *config.Environment, d Deps) (Target, error)
}

// Discoverer lists the environments a `discover:` pattern stands for.
type Discoverer interface {
	// Discover lists the namespaces matching the pattern.
	Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error)
	// DiscoverOne says whether namespace exists and matches the pattern.
	DiscoverOne(ctx context.Context, d config.Discovery, namespace string, timeout time.Duration) (bool, error)
}

// Drivers are the target kinds a binary drives, and how it discovers
// environments.
type Drivers struct {
	byKind     map[string]Driver
	discoverer Discoverer
}

// NewDrivers collects drivers; discoverer may be nil (no `discover:`
// patterns then).
func NewDrivers(discoverer Discoverer, drivers ...Driver) *Drivers {
	r := &Drivers{byKind: map[string]Driver{}, discoverer: discoverer}
	for _, d := range drivers {
		r.byKind[d.Kind()] = d
	}
	return r
}

// ErrNoDiscovery is returned by Discover and DiscoverOne when no
// discoverer was given.
var ErrNoDiscovery = errors.New("environment discovery is not available")

// New builds env's Target with the driver of its kind.
func (r *Drivers) New(ctx context.Context, env *config.Environment, d Deps) (Target, error) {
	drv := r.byKind[env.Target]
	if drv == nil {
		return nil, fmt.Errorf("environment %q: no driver for target %q", env.Name, env.Target)
	}
	return drv.New(ctx, env, d)
}

// Discover lists the namespaces of a pattern.
func (r *Drivers) Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error) {
	if r.discoverer == nil {
		return nil, ErrNoDiscovery
	}
	return r.discoverer.Discover(ctx, d, timeout)
}

// DiscoverOne says whether namespace matches the pattern.
func (r *Drivers) DiscoverOne(ctx context.Context, d config.Discovery, namespace string, timeout time.Duration) (bool, error) {
	if r.discoverer == nil {
		return false, ErrNoDiscovery
	}
	return r.discoverer.DiscoverOne(ctx, d, namespace, timeout)
}
