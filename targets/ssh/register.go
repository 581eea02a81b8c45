package ssh

import (
	"context"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// Driver drives SSH environments.
type Driver struct{}

// Kind implements targets.Driver.
func (Driver) Kind() string { return config.TargetSSH }

// New implements targets.Driver.
func (Driver) New(_ context.Context, env *config.Environment, d targets.Deps) (targets.Target, error) {
	t, err := New(env, Deps{Getenv: d.Getenv, Environ: d.Environ, LookPath: d.LookPath, Opts: d.Opts})
	if err != nil {
		return nil, err
	}
	return t, nil
}

var (
	_ targets.AddrResolver = (*Target)(nil)
	_ targets.Revisioner   = (*Target)(nil)
)
