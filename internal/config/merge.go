package config

import (
	"fmt"
	"strings"
)

// merge layers the parsed files (team first, then personal). For each key
// the most specific value wins: personal environment > team environment >
// personal defaults > team defaults. Mappings and lists are replaced, not
// merged, so a value always has exactly one origin.
func merge(cfg *Config, layers []*rawFile) []Problem {
	var problems []Problem
	byName := map[string]*Environment{}
	envFields := map[string][]map[string]val{} // name -> per-layer fields
	var order []string
	cfg.defaults = map[string]val{}
	for _, l := range layers {
		for k, v := range l.defaults {
			cfg.defaults[k] = v
		}
		cfg.Discover = append(cfg.Discover, l.discover...)
		if l.drift != nil {
			cfg.Drift = *l.drift
		}
		if l.app != nil {
			cfg.App, cfg.AppOrigin = l.app.v.(string), l.app.origin
		}
		if l.updates != nil {
			cfg.CheckUpdates = l.updates.v.(bool)
		}
		for _, re := range l.envs {
			if _, ok := byName[re.name]; !ok {
				byName[re.name] = &Environment{Name: re.name, Origin: re.origin}
				order = append(order, re.name)
			}
			envFields[re.name] = append(envFields[re.name], re.fields)
		}
	}
	if _, ok := byName[TargetLocal]; !ok {
		byName[TargetLocal] = &Environment{Name: TargetLocal, Origin: Origin{Kind: SourceDefault, Note: "embedded local environment"}}
		order = append([]string{TargetLocal}, order...)
	}
	for _, name := range order {
		e := byName[name]
		e.Origins = map[string]Origin{}
		vals := map[string]val{}
		fromDefaults := map[string]bool{}
		for _, l := range layers {
			for k, v := range l.defaults {
				vals[k] = v
				fromDefaults[k] = true
			}
		}
		for _, fields := range envFields[name] {
			for k, v := range fields {
				vals[k] = v
				fromDefaults[k] = false
			}
		}
		if name == TargetLocal && fromDefaults["target"] {
			delete(vals, "target") // defaults serve the team's remote environments; local stays local
		}
		if _, ok := vals["target"]; !ok {
			if name != TargetLocal {
				problems = append(problems, problemAt(e.Origin, fmt.Sprintf("environment %q has no target; add target: %s", name, strings.Join(KnownTargets, ", "))))
				continue
			}
			vals["target"] = val{v: TargetLocal, origin: Origin{Kind: SourceDefault, Note: "the local environment"}}
		}
		e.Target = vals["target"].v.(string)
		for _, f := range schema {
			v, ok := vals[f.key]
			if !ok {
				continue
			}
			if !f.appliesTo(e.Target) {
				if fromDefaults[f.key] {
					continue // defaults: serve every target; keep the keys that apply
				}
				problems = append(problems, problemAt(v.origin, fmt.Sprintf("key %q applies to target %s, but environment %q has target %s",
					f.key, strings.Join(f.targets, " or "), name, e.Target)))
				continue
			}
			f.set(e, v.v)
			e.Origins[f.key] = v.origin
		}
		cfg.Environments = append(cfg.Environments, e)
	}
	return problems
}

func problemAt(o Origin, msg string) Problem {
	return Problem{File: o.File, Line: o.Line, Col: o.Col, Msg: msg}
}
