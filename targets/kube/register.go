package kube

import (
	"context"
	"fmt"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// Driver drives Kubernetes environments and discovers them, over its
// Connections (one per kubeconfig context).
type Driver struct {
	Conns *Connections
}

// NewDriver is the driver over connections read through getenv.
func NewDriver(getenv func(string) string) *Driver {
	// Before any client exists: setting the logger later races with
	// client-go goroutines that are already logging.
	QuietLogs()
	return &Driver{Conns: NewConnections(getenv)}
}

// Kind implements targets.Driver.
func (*Driver) Kind() string { return config.TargetKubernetes }

// New implements targets.Driver.
func (d *Driver) New(ctx context.Context, env *config.Environment, deps targets.Deps) (targets.Target, error) {
	conn, err := d.Conns.Get(ctx, env.Context)
	if err != nil {
		return nil, fmt.Errorf("environment %q: %w", env.Name, err)
	}
	return New(env, conn, Deps{App: deps.App, Opts: deps.Opts}), nil
}

// Discover implements targets.Discoverer.
func (d *Driver) Discover(ctx context.Context, p config.Discovery, timeout time.Duration) ([]string, error) {
	conn, err := d.Conns.Get(ctx, p.Context)
	if err != nil {
		return nil, err
	}
	return Discover(ctx, conn.WithTimeout(timeout), p)
}

// DiscoverOne implements targets.Discoverer.
func (d *Driver) DiscoverOne(ctx context.Context, p config.Discovery, namespace string, timeout time.Duration) (bool, error) {
	conn, err := d.Conns.Get(ctx, p.Context)
	if err != nil {
		return false, err
	}
	return DiscoverOne(ctx, conn.WithTimeout(timeout), p, namespace)
}
