package pyeval

// The os module: os.environ, os.getenv, os.path.

import (
	"fmt"
	"path/filepath"
)

// isEnviron reports whether v is os.environ.
func isEnviron(v *Value) bool { return v != nil && v.Kind == Object && v.Ident == IdentEnviron }

// env looks a variable up as os.environ would: the settings' own writes
// first, then the deployment environment (--env, --env-file).
func (e *Evaluator) env(k string, p Pos) (*Value, bool) {
	if v, ok := e.envSet[k]; ok {
		return v, v != nil
	}
	if val, ok := e.Env[k]; ok {
		return e.envValue(k, val, p), true
	}
	if why, ok := e.EnvUnknown[k]; ok {
		v := NewUnknown(fmt.Sprintf("%s is set by the deployment but its value could not be read (%s)", k, why), p)
		v.Env = []string{k}
		return v, true
	}
	return nil, false
}

// setEnv records a write to os.environ by the settings; nil deletes.
func (e *Evaluator) setEnv(k string, v *Value) {
	if e.envSet == nil {
		e.envSet = map[string]*Value{}
	}
	e.envSet[k] = v
}

// Environ is os.environ as the settings leave it: the deployment
// environment with the settings' own writes (os.environ[k] = v,
// setdefault, update, del, pop) applied; a write the audit could not
// evaluate leaves the variable out. Django's async.E001 reads it.
func (e *Evaluator) Environ() map[string]string {
	out := make(map[string]string, len(e.Env)+len(e.envSet))
	for k, v := range e.Env {
		out[k] = v
	}
	for k, v := range e.envSet {
		if s, ok := v.Str(); ok {
			out[k] = s
		} else {
			delete(out, k)
		}
	}
	return out
}

// envValue is the string value of a set variable.
func (e *Evaluator) envValue(k, val string, p Pos) *Value {
	v := NewStr(val, p)
	v.Src = Source{Kind: SrcEnv, Var: k, From: e.EnvFrom[k]}
	v.Env = []string{k}
	return v
}

// envDefault marks def as the value used because k is unset.
func envDefault(k string, def *Value, p Pos) *Value {
	var v *Value
	if def == nil {
		v = NewNone(p)
	} else {
		v = def.Clone()
		if v.Pos.IsZero() {
			v.Pos = p
		}
	}
	if v.Kind != Unknown && v.Src.Kind != SrcGenerated {
		v.Src = Source{Kind: SrcEnvDefault, Var: k}
	}
	v.addEnv(k)
	markDefault(v, k)
	return v
}

// markDefault propagates the env-default source into containers, so that
// e.g. a password inside a URL default is known to come from a default.
func markDefault(v *Value, k string) {
	for _, it := range v.Items {
		if it.Src.Kind == SrcLiteral {
			it.Src = Source{Kind: SrcEnvDefault, Var: k}
			it.addEnv(k)
		}
	}
	for _, it := range v.Vals {
		if it.Src.Kind == SrcLiteral {
			it.Src = Source{Kind: SrcEnvDefault, Var: k}
			it.addEnv(k)
		}
	}
}

func required(k, lib string, p Pos) *Value {
	u := NewUnknown(fmt.Sprintf("%s is required by %s and unset", k, lib), p)
	u.Env = []string{k}
	return u
}

func (e *Evaluator) osPath(fn string, a args, p Pos) *Value {
	strs := make([]string, 0, len(a.pos))
	for _, x := range a.pos {
		s, ok := x.Str()
		if !ok {
			return unknownFrom(p, x)
		}
		strs = append(strs, s)
	}
	if len(strs) == 0 {
		return NewUnknown("os.path."+fn+"()", p)
	}
	e.charge(a.pos...)
	if tooLong(totalLen(strs)) {
		return NewUnknown("a path longer than the audit evaluates", p)
	}
	var out string
	switch fn {
	case "join":
		out = strs[0]
		for _, s := range strs[1:] {
			if filepath.IsAbs(s) {
				out = s
			} else {
				out = filepath.Join(out, s)
			}
		}
	case "dirname":
		out = filepath.Dir(strs[0])
	case "abspath", "realpath", "normpath":
		out = filepath.Clean(strs[0])
	case "basename":
		out = filepath.Base(strs[0])
	case "exists", "isfile", "isdir":
		return NewUnknown("os.path."+fn+" checks the build machine's disk", p)
	default:
		return NewUnknown("os.path."+fn, p)
	}
	return derive(NewStr(out, p), a.pos...)
}

// osCalls are the os module's functions (os.path's: osPath).
var osCalls = map[string]callModel{
	"os.getenv": func(e *Evaluator, _ *Value, a args, p Pos) *Value { return e.getenv("getenv", a, p) },
}

// environMethods are os.environ's methods.
var environMethods = map[string]callModel{
	"get":        func(e *Evaluator, _ *Value, a args, p Pos) *Value { return e.getenv("get", a, p) },
	"setdefault": func(e *Evaluator, _ *Value, a args, p Pos) *Value { return e.getenv("setdefault", a, p) },
	"pop":        func(e *Evaluator, _ *Value, a args, p Pos) *Value { return e.getenv("pop", a, p) },
	"update": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		if x, ok := a.get(0, ""); ok {
			if x.Kind != Dict {
				return NewUnknown("os.environ.update with a mapping the audit cannot read", p)
			}
			for i, k := range x.Keys {
				if ks, ok := k.Str(); ok {
					e.setEnv(ks, x.Vals[i])
				}
			}
		}
		for k, v := range a.kw {
			e.setEnv(k, v)
		}
		return NewNone(p)
	},
}

// getenv is os.getenv and os.environ's get, setdefault and pop.
func (e *Evaluator) getenv(method string, a args, p Pos) *Value {
	k, ok := a.get(0, "key")
	ks, isStr := k.Str()
	if !ok || !isStr {
		return NewUnknown("os.getenv with a computed name", p)
	}
	if v, set := e.env(ks, p); set {
		if method == "pop" {
			e.setEnv(ks, nil)
		}
		return v
	}
	def, hasDef := a.get(1, "default")
	switch method {
	case "pop":
		if !hasDef {
			e.raiseUnset("KeyError", ks, ks)
			u := NewUnknown(fmt.Sprintf("os.environ.pop(%q) raises KeyError: %s is unset", ks, ks), p)
			u.Env = []string{ks}
			return u
		}
	case "setdefault":
		// The variable is now set, for the rest of the settings
		// and for Django (async.E001 reads os.environ).
		v := envDefault(ks, def, p)
		e.setEnv(ks, v)
		return v
	}
	return envDefault(ks, def, p)
}

// pathlibCalls: pathlib.Path(...) is a Str marked Path.
var pathlibCalls = map[string]callModel{
	"pathlib.Path":     newPath,
	"pathlib.PurePath": newPath,
	"Path":             newPath,
}

func newPath(_ *Evaluator, _ *Value, a args, p Pos) *Value {
	parts := make([]string, 0, len(a.pos))
	for _, x := range a.pos {
		s, ok := x.Str()
		if !ok {
			return unknownFrom(p, x)
		}
		parts = append(parts, s)
	}
	v := NewStr(filepath.Join(parts...), p)
	v.Path = true
	return derive(v, a.pos...)
}
