package local

import (
	"context"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// Driver drives local environments.
type Driver struct{}

// Kind implements targets.Driver.
func (Driver) Kind() string { return config.TargetLocal }

// New implements targets.Driver.
func (Driver) New(_ context.Context, env *config.Environment, d targets.Deps) (targets.Target, error) {
	t, err := New(env, Deps{Getenv: d.Getenv, Environ: d.Environ, Cwd: d.Cwd, LookPath: d.LookPath, TeamFile: d.TeamFile})
	if err != nil {
		return nil, err
	}
	return t, nil
}

var _ targets.InProject = (*Target)(nil)
