package pyeval

// Calls: arguments, and the dispatch from a callee's identity to its model.

import (
	"fmt"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// args holds a call's evaluated arguments.
type args struct {
	pos []*Value
	kw  map[string]*Value
	bad bool // *args / **kwargs we could not expand
}

func (a args) get(i int, name string) (*Value, bool) {
	if v, ok := a.kw[name]; ok {
		return v, true
	}
	if i >= 0 && i < len(a.pos) {
		return a.pos[i], true
	}
	return nil, false
}

func (e *Evaluator) evalArgs(sc *scope, t *py.Call) args {
	a := args{kw: map[string]*Value{}}
	for _, x := range t.Args {
		if st, ok := x.(*py.Starred); ok {
			v := e.expr(sc, st.X)
			if v.Kind == List || v.Kind == Tuple {
				a.pos = append(a.pos, v.Items...)
			} else {
				a.bad = true
			}
			continue
		}
		a.pos = append(a.pos, e.expr(sc, x))
	}
	for _, k := range t.Keywords {
		v := e.expr(sc, k.Value)
		if k.Arg == nil {
			if v.Kind == Dict {
				for i, key := range v.Keys {
					if s, ok := key.Str(); ok {
						a.kw[s] = v.Vals[i]
					}
				}
			} else {
				a.bad = true
			}
			continue
		}
		a.kw[k.Arg.ID] = v
	}
	return a
}

// callModel is the model of a library function: what it returns for
// the evaluated arguments, with the exceptions Python would raise.
type callModel func(e *Evaluator, fn *Value, a args, p Pos) *Value

// libCalls are the library functions the evaluator models, by qualified
// name; each library's file declares its own table.
var libCalls = tables(osCalls, pathlibCalls, environCalls, environPathCalls, decoupleCalls, dburlCalls, jsonCalls, randomCalls, configurationsCalls, miscCalls)

func tables(ts ...map[string]callModel) map[string]callModel {
	out := map[string]callModel{}
	for _, t := range ts {
		for k, m := range t {
			out[k] = m
		}
	}
	return out
}

// call evaluates a call: the callee's identity picks the model.
func (e *Evaluator) call(sc *scope, t *py.Call, p Pos) *Value {
	fn := e.expr(sc, t.Func)
	a := e.evalArgs(sc, t)
	if fn.Kind != Object {
		return unknownFrom(p, fn)
	}
	if a.bad {
		return NewUnknown("a call with *args/**kwargs that could not be expanded", p)
	}
	if passesNamespace(t) && !(fn.Ident == IdentLib && libCalls[fn.S] != nil) {
		// f(locals()) / f(globals()) may set any setting
		// (django_heroku.settings(locals())): what the module holds
		// now, and what it does not hold, is unknown.
		why := ExprText(t.Func) + "(" + ExprText(t.Args[0]) + ") may change any setting"
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
		for k := range sc.vars {
			if k == strings.ToUpper(k) && !strings.HasPrefix(k, "_") {
				sc.vars[k] = NewUnknown(why+" ("+p.String()+")", p)
			}
		}
		if sc.opaque == "" {
			sc.opaque = why + " (" + p.String() + ")"
		}
		return NewUnknown(why, p)
	}
	switch fn.Ident {
	case IdentLib:
		switch fn.S {
		case "split_settings.tools.include":
			return e.include(sc, a, p)
		case "split_settings.tools.optional":
			x, _ := a.get(0, "filename")
			if x == nil || x.Kind != Str {
				return unknownFrom(p, x)
			}
			c := x.Clone()
			c.Attrs = map[string]*Value{"__optional__": NewBool(true, p)}
			return c
		}
		if m, ok := libCalls[fn.S]; ok {
			return m(e, fn, a, p)
		}
		switch {
		case strings.HasPrefix(fn.S, "os.path."):
			return e.osPath(strings.TrimPrefix(fn.S, "os.path."), a, p)
		case strings.HasPrefix(fn.S, "builtins."):
			return e.builtin(strings.TrimPrefix(fn.S, "builtins."), a, p)
		case strings.HasSuffix(fn.S, ".read_env"):
			return NewNone(p) // the developer's .env is not the deployment's
		}
	case IdentBuiltin:
		if fn.S == "exec" {
			// Code the audit cannot see (exec(open(path).read()) of a
			// known file is run by execOpen): it may set any setting.
			why := "exec() of code the audit cannot read"
			e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
			if sc.opaque == "" {
				sc.opaque = why + " (" + p.String() + ")"
			}
			return NewNone(p)
		}
		return e.builtin(fn.S, a, p)
	case IdentFunction:
		return e.callFunc(fn, a, p)
	case IdentEnvInstance, IdentEnvironsInstance:
		return e.djangoEnviron(fn, "", a, p)
	case IdentDecoupleConfig:
		return e.decouple(a, p)
	case IdentEnvironPath:
		return environPathCall(fn, a, p)
	case IdentMethod:
		self := fn.Self()
		if self == nil || self.Kind != Object {
			return e.method(fn.S, self, a, p)
		}
		switch self.Ident {
		case IdentEnviron:
			if m, ok := environMethods[fn.S]; ok {
				return m(e, fn, a, p)
			}
		case IdentEnvironPath:
			return e.environPathMethod(self, fn.S, a, p)
		case IdentEnvInstance, IdentEnvironsInstance:
			if fn.S == "read_env" {
				return NewNone(p)
			}
			return e.djangoEnviron(self, fn.S, a, p)
		}
	}
	return NewUnknown("call to "+fn.QualName(), p)
}

// miscCalls are small library functions of their own.
var miscCalls = map[string]callModel{
	"dotenv.load_dotenv": loadDotenv,
	"load_dotenv":        loadDotenv,
	"distutils.util.strtobool": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		// 1 for y/yes/t/true/on/1, 0 for n/no/f/false/off/0, else ValueError.
		x, _ := a.get(0, "val")
		s, ok := x.Str()
		if !ok {
			return unknownFrom(p, x)
		}
		switch strings.ToLower(s) {
		case "y", "yes", "t", "true", "on", "1":
			return derive(NewInt(1, p), x)
		case "n", "no", "f", "false", "off", "0":
			return derive(NewInt(0, p), x)
		}
		e.raise("ValueError", "invalid truth value "+pyQuote(s))
		return NewUnknown(fmt.Sprintf("strtobool(%s) raises ValueError", pyQuote(s)), p)
	},
}

// loadDotenv (and read_env) are ignored: the developer's .env is not the
// deployment's.
func loadDotenv(_ *Evaluator, _ *Value, _ args, p Pos) *Value { return NewNone(p) }

// passesNamespace reports whether a call passes locals() or globals().
func passesNamespace(t *py.Call) bool {
	for _, x := range t.Args {
		if c, ok := x.(*py.Call); ok {
			if n, ok := c.Func.(*py.Name); ok && (n.ID == "locals" || n.ID == "globals") && len(c.Args) == 0 {
				return true
			}
		}
	}
	return false
}
