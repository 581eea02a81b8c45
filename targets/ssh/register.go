package ssh

import (
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

func init() {
	targets.Register(config.TargetSSH, func(env *config.Environment, d targets.Deps) (targets.Target, error) {
		t, err := New(env, Deps{Getenv: d.Getenv, Environ: d.Environ, LookPath: d.LookPath, Opts: d.Opts})
		if err != nil {
			return nil, err
		}
		return t, nil
	})
}
