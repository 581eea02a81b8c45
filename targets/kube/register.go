package kube

import (
	"context"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

func init() {
	// Before any client exists: setting the logger later races with
	// client-go goroutines that are already logging.
	QuietLogs()
	targets.Register(config.TargetKubernetes, func(env *config.Environment, d targets.Deps) (targets.Target, error) {
		t, err := New(env, Deps{App: d.App, Opts: d.Opts})
		if err != nil {
			return nil, err
		}
		return t, nil
	})
	targets.RegisterDiscoverer(discoverer{})
}

type discoverer struct{}

func (discoverer) Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error) {
	return Discover(ctx, d, timeout)
}

func (discoverer) DiscoverOne(ctx context.Context, d config.Discovery, ns string, timeout time.Duration) (bool, error) {
	return DiscoverOne(ctx, d, ns, timeout)
}
