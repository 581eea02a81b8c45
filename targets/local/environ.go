package local

import (
	"context"

	"github.com/ctlops/ctl/targets"
)

var _ targets.AppEnvReader = (*Target)(nil)

// AppEnv is the env file a local session loads (.env beside ctl.yaml, or
// env_file), by name with the line of the last assignment. Variables of
// ctl's own process environment are not listed: they are the developer's
// shell, not the environment's configuration.
func (t *Target) AppEnv(context.Context) (*targets.Environ, error) {
	if t.envFile == "" {
		return &targets.Environ{Where: "no env file (" + t.dir + "/.env does not exist)"}, nil
	}
	vars := make([]targets.EnvVar, 0, len(t.dotenv))
	for _, v := range t.dotenv {
		vars = append(vars, targets.EnvVar{Name: v.Key, Value: v.Value, Known: true,
			Source: targets.EnvSource{Kind: targets.SourceFile, Name: t.envFile, Line: v.Line}})
	}
	return &targets.Environ{Vars: targets.SortVars(vars), Where: t.envFile}, nil
}
