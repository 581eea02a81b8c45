package pyeval

// django-environ's and environs' Env.

import (
	"strings"
)

// environDefaultPos is where a django-environ method takes its default
// when given positionally: Env(var, cast, default); list/tuple/dict(var,
// cast, default); the others (var, default).
func environDefaultPos(method string) int {
	switch method {
	case "", "list", "tuple", "dict":
		return 2
	}
	return 1
}

// djangoEnviron implements django-environ's Env (and environs' Env,
// whose methods share names) with django-environ 0.4's get_value: the
// scheme given to Env() supplies a cast and a default; a missing
// variable without default raises ImproperlyConfigured; a value starting
// with $ names another variable; a default is returned as written (never
// cast) and a value equal to the default is not cast either.
func (e *Evaluator) djangoEnviron(inst *Value, method string, a args, p Pos) *Value {
	varArg, ok := a.get(0, "var")
	if !ok {
		switch method {
		case "db", "db_url":
			varArg, ok = NewStr("DATABASE_URL", p), true
		case "cache", "cache_url":
			varArg, ok = NewStr("CACHE_URL", p), true
		case "email", "email_url":
			varArg, ok = NewStr("EMAIL_URL", p), true
		}
	}
	k, isStr := varArg.Str()
	if !ok || !isStr {
		return NewUnknown("env() with a computed variable name", p)
	}
	defPos := environDefaultPos(method)
	if inst.Ident == IdentEnvironsInstance {
		defPos = 1
	}
	def, hasDef := a.get(defPos, "default")
	// The cast each method passes to get_value ("" is None).
	cast := ""
	switch method {
	case "":
		if c, ok := a.get(1, "cast"); ok && c.Kind != None {
			cast = castName(c)
		}
	case "bool", "int", "float", "json", "url", "dict":
		cast = method
	case "unicode":
		cast = "str"
	case "list", "tuple":
		cast = method
	case "cache", "cache_url", "email", "email_url", "search_url":
		cast = "url"
	}
	if scheme := inst.Attrs["__scheme__"]; scheme != nil {
		if entry := scheme.Get(k); entry != nil {
			if (entry.Kind == Tuple || entry.Kind == List) && len(entry.Items) == 2 {
				if cast == "" {
					cast = castName(entry.Items[0])
				}
				if !hasDef {
					def, hasDef = entry.Items[1], true
				}
			} else if cast == "" {
				cast = castName(entry)
			}
		}
	}
	parseDefault := cast == "url"
	v := e.environValue(k, cast, def, hasDef, parseDefault, p, 0)
	switch method {
	case "db", "db_url", "dj_db_url":
		return e.parseDBURL(v, a.kw["engine"], p)
	case "cache", "cache_url":
		return e.parseCacheURL(v, p)
	case "path":
		if v.Kind == Str {
			c := v.Clone()
			c.Path = true
			return c
		}
	}
	return v
}

// environValue is django-environ's get_value(var, cast, default,
// parse_default); the "url" cast leaves the string for the caller.
func (e *Evaluator) environValue(k, cast string, def *Value, hasDef, parseDefault bool, p Pos, depth int) *Value {
	var v *Value
	if sv, set := e.env(k, p); set {
		v = sv
	} else if hasDef {
		v = envDefault(k, def, p)
	} else {
		e.raiseUnset("ImproperlyConfigured", "Set the "+k+" environment variable", k)
		return required(k, "django-environ", p)
	}
	if !v.Known() {
		return v
	}
	if s, ok := v.Str(); ok && strings.HasPrefix(s, "$") {
		if depth > 8 {
			return NewUnknown("django-environ proxies "+k+" in a loop", p)
		}
		// A value "$OTHER" is the value of OTHER, cast the same way.
		v = e.environValue(strings.TrimLeft(s, "$"), cast, def, hasDef, false, p, depth+1)
		if !v.Known() {
			return v
		}
	}
	isDefault := hasDef && Equal(v, def)
	if hasDef && def.Kind == Str && v.Kind == Str {
		isDefault = v.S == def.S // str == str, whatever else Equal knows
	}
	if hasDef && (def.Kind == List || def.Kind == Tuple || def.Kind == Dict) && v.Kind == Str {
		isDefault = false
	}
	if isDefault && !(parseDefault && truthy(v)) {
		return v
	}
	if cast == "url" {
		return v
	}
	if v.Kind != Str {
		// A proxied value, already cast: parse_value applies again.
		switch {
		case cast == "bool" && (v.Kind == Bool || v.Kind == Int):
			t, _ := v.Truth()
			return derive(NewBool(t, p), v)
		case cast == "" || cast == "str" && v.Kind == Str, cast == "int" && v.Kind == Int:
			return v
		}
		return NewUnknown("django-environ cast "+cast+" of a "+v.Kind.String(), p)
	}
	r, exc := castValue(v, cast, p)
	if exc != "" {
		e.raise(exc, r.Src.Why)
	}
	return r
}

// environCalls construct django-environ's and environs' Env: the keyword
// arguments are the scheme (VAR=(cast, default)).
var environCalls = map[string]callModel{
	"environ.Env":         newEnv(IdentEnvInstance),
	"environ.environ.Env": newEnv(IdentEnvInstance),
	"environs.Env":        newEnv(IdentEnvironsInstance),
}

func newEnv(id Ident) callModel {
	return func(_ *Evaluator, _ *Value, a args, p Pos) *Value {
		inst := newObj(id, "", p)
		scheme := NewDict(p)
		for k, v := range a.kw {
			scheme.Set(NewStr(k, p), v)
		}
		inst.Attrs = map[string]*Value{"__scheme__": scheme}
		return inst
	}
}
