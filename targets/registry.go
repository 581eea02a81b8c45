package targets

import (
	"context"
	"errors"
	"fmt"
	"sync"
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

// Constructor builds the Target of one environment.
type Constructor func(env *config.Environment, d Deps) (Target, error)

// Discoverer lists the environments a `discover:` pattern stands for.
type Discoverer interface {
	// Discover lists the namespaces matching the pattern.
	Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error)
	// DiscoverOne says whether namespace exists and matches the pattern.
	DiscoverOne(ctx context.Context, d config.Discovery, namespace string, timeout time.Duration) (bool, error)
}

var (
	regMu        sync.RWMutex
	constructors = map[string]Constructor{}
	discoverer   Discoverer
	front        bool
)

// SetFront marks this binary as the start-up front: a known target kind
// that is not linked is then a NotLinkedError (hand the command over)
// rather than a NotSupportedError.
func SetFront() {
	regMu.Lock()
	defer regMu.Unlock()
	front = true
}

// Register makes a target kind available, from the init of the package
// implementing it. Which kinds a binary can drive is decided by what its
// main package links: the start-up front (cmd/ctl) links none of the
// heavy ones and hands their commands to ctl-full.
func Register(kind string, c Constructor) {
	regMu.Lock()
	defer regMu.Unlock()
	constructors[kind] = c
}

// RegisterDiscoverer installs the implementation of `discover:` patterns.
func RegisterDiscoverer(d Discoverer) {
	regMu.Lock()
	defer regMu.Unlock()
	discoverer = d
}

// ErrNotLinked is wrapped by errors about a capability this binary does not
// contain. The front binary answers it by handing the command to ctl-full.
var ErrNotLinked = errors.New("not linked into this binary")

// NotLinkedError names the missing capability.
type NotLinkedError struct{ What string }

func (e *NotLinkedError) Error() string {
	return fmt.Sprintf("%s is %v", e.What, ErrNotLinked)
}

func (e *NotLinkedError) Unwrap() error { return ErrNotLinked }

// New builds env's Target with the constructor registered for its kind.
func New(env *config.Environment, d Deps) (Target, error) {
	regMu.RLock()
	c := constructors[env.Target]
	isFront := front
	regMu.RUnlock()
	if c == nil {
		for _, k := range config.KnownTargets {
			if k == env.Target && isFront {
				return nil, &NotLinkedError{What: "the " + env.Target + " target"}
			}
		}
		return nil, &NotSupportedError{Env: env.Name, Target: env.Target}
	}
	return c(env, d)
}

// Discover lists the namespaces of a pattern (NotLinkedError without a
// registered discoverer).
func Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error) {
	regMu.RLock()
	dd := discoverer
	regMu.RUnlock()
	if dd == nil {
		return nil, &NotLinkedError{What: "environment discovery"}
	}
	return dd.Discover(ctx, d, timeout)
}

// DiscoverOne says whether namespace matches the pattern.
func DiscoverOne(ctx context.Context, d config.Discovery, namespace string, timeout time.Duration) (bool, error) {
	regMu.RLock()
	dd := discoverer
	regMu.RUnlock()
	if dd == nil {
		return false, &NotLinkedError{What: "environment discovery"}
	}
	return dd.DiscoverOne(ctx, d, namespace, timeout)
}
