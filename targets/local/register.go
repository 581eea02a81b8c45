package local

import (
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

func init() {
	targets.Register(config.TargetLocal, func(env *config.Environment, d targets.Deps) (targets.Target, error) {
		t, err := New(env, Deps{Getenv: d.Getenv, Environ: d.Environ, Cwd: d.Cwd, LookPath: d.LookPath, TeamFile: d.TeamFile})
		if err != nil {
			return nil, err
		}
		return t, nil
	})
}
