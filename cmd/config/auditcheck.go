package config

import (
	"context"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/shells/envedit"
	"github.com/ctlops/ctl/targets"
)

// auditWarnings runs the audit on the local settings module (the one
// `ctl audit` finds from the working directory, or the environment's
// settings:) with the environment's variables before and after changes,
// and returns the findings (warning or worse) the changes introduce: the
// audit's rules applied to the new values, including through defaults
// (unsetting DEBUG where its default is True). ok is false when the
// audit could not run here (no project): the caller keeps envedit's
// name-based checks. Messages name the setting and the rule, never a
// value: a ctl.* finding is reported by its catalogue title.
func auditWarnings(ctx context.Context, cwd, settings string, env *targets.Environ, changes []targets.EnvChange) ([]envedit.Warning, bool) {
	before, after, from := map[string]string{}, map[string]string{}, map[string]string{}
	for _, v := range env.Vars {
		if v.Known {
			before[v.Name], after[v.Name], from[v.Name] = v.Value, v.Value, v.Source.String()
		}
	}
	for _, c := range changes {
		if c.Delete {
			delete(after, c.Key)
		} else {
			after[c.Key], from[c.Key] = c.New, "the change"
		}
	}
	defer clear(before)
	defer clear(after)
	module := settings
	if module == "" {
		module = before["DJANGO_SETTINGS_MODULE"]
	}
	run := func(e map[string]string) (*audit.Result, error) {
		return audit.Run(ctx, audit.Options{Target: module, Cwd: cwd, Env: e, EnvFrom: from})
	}
	rb, err := run(before)
	if err != nil {
		return nil, false
	}
	ra, err := run(after)
	if err != nil {
		return nil, false
	}
	had := map[string]bool{}
	for _, f := range rb.Findings {
		had[f.ID+"/"+f.Setting] = true
	}
	var out []envedit.Warning
	for _, f := range ra.Findings {
		if had[f.ID+"/"+f.Setting] || f.Severity < audit.Warning {
			continue
		}
		msg := f.Message
		for _, c := range audit.CtlChecks {
			if c.ID == f.ID {
				msg = c.Title
			}
		}
		out = append(out, envedit.Warning{Key: f.Setting, ID: f.ID, Msg: msg})
	}
	return out, true
}
