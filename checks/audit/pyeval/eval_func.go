package pyeval

import (
	"maps"
	"slices"

	py "github.com/ctlops/ctl/checks/audit/python"
)

type funcDef struct {
	def *py.FunctionDef
	sc  *scope
	// defaults are the parameters' default values, evaluated when the
	// def statement ran (as Python does), not at each call.
	defaults map[*py.Param]*Value
	// envCond, when the def ran in a block an unset environment variable
	// selected, is that environment default: the literals the function
	// returns are chosen by it too.
	envCond *Value
}

// defineFunc remembers a settings helper such as
//
//	def env_bool(name, default=False):
//	    return os.environ.get(name, str(default)).lower() in ("1", "true")
//
// so that calls to it are evaluated with their arguments.
func (e *Evaluator) defineFunc(sc *scope, d *py.FunctionDef) {
	e.funcs[sc.vars[d.Name.ID]] = e.newFunc(sc, d)
}

func (e *Evaluator) newFunc(sc *scope, d *py.FunctionDef) *funcDef {
	if e.funcs == nil {
		e.funcs = map[*Value]*funcDef{}
	}
	fd := &funcDef{def: d, sc: sc, defaults: map[*py.Param]*Value{}}
	if d.Params != nil {
		for _, group := range [][]*py.Param{d.Params.PosOnly, d.Params.Args, d.Params.KwOnly} {
			for _, prm := range group {
				if prm.Default != nil {
					fd.defaults[prm] = e.expr(sc, prm.Default)
				}
			}
		}
	}
	return fd
}

// lambda makes a lambda callable like a def whose body returns its
// expression.
func (e *Evaluator) lambda(sc *scope, l *py.Lambda, p Pos) *Value {
	v := &Value{Kind: Object, Ident: IdentFunction, S: "<lambda>", Pos: p, Src: Source{Kind: SrcComputed}, Attrs: map[string]*Value{}}
	d := &py.FunctionDef{Span: l.Span, Name: &py.Name{Span: l.Span, ID: "<lambda>"}, Params: l.Params,
		Body: []py.Stmt{&py.Return{Span: l.Span, Value: l.Body}}}
	if d.Params == nil {
		d.Params = &py.Params{}
	}
	fd := e.newFunc(sc, d)
	e.funcs[v] = fd
	return v
}

const maxCallDepth = 16

func (e *Evaluator) callFunc(fn *Value, a args, p Pos) *Value {
	fd := e.funcs[fn]
	if fd == nil || len(fd.def.Decorators) > 0 || e.depth >= maxCallDepth {
		return NewUnknown("call to "+fn.QualName(), p)
	}
	e.depth++
	defer func() { e.depth-- }()
	local := e.fork(fd.sc, false)
	params := fd.def.Params
	all := append(append([]*py.Param{}, params.PosOnly...), params.Args...)
	used := map[string]bool{}
	for i, prm := range all {
		var v *Value
		if i < len(a.pos) {
			v = a.pos[i]
		} else if kv, ok := a.kw[prm.Name.ID]; ok {
			v = kv
			used[prm.Name.ID] = true
		} else if d, ok := fd.defaults[prm]; ok {
			v = d
		} else {
			return NewUnknown("call to "+fn.QualName()+" with a missing argument", p)
		}
		local.vars[prm.Name.ID] = v
	}
	for _, prm := range params.KwOnly {
		if kv, ok := a.kw[prm.Name.ID]; ok {
			local.vars[prm.Name.ID] = kv
			used[prm.Name.ID] = true
		} else if d, ok := fd.defaults[prm]; ok {
			local.vars[prm.Name.ID] = d
		} else {
			return NewUnknown("call to "+fn.QualName()+" with a missing argument", p)
		}
	}
	if len(a.pos) > len(all) && params.VarArg == nil {
		return NewUnknown("call to "+fn.QualName()+" with too many arguments", p)
	}
	if params.VarArg != nil {
		var extra []*Value
		if len(a.pos) > len(all) {
			extra = a.pos[len(all):]
		}
		local.vars[params.VarArg.Name.ID] = NewSeq(Tuple, extra, p)
	}
	if params.KwArg != nil {
		kw := NewDict(p)
		for _, k := range slices.Sorted(maps.Keys(a.kw)) {
			if !used[k] {
				kw.Set(NewStr(k, p), a.kw[k])
			}
		}
		local.vars[params.KwArg.Name.ID] = kw
	}
	if v, end, ok := e.funcBody(local, fd.def.Body); ok && (end == endReturn || end == endFall) {
		if end == endFall {
			v = NewNone(p) // fell off the end
		}
		if fd.envCond != nil {
			v = asEnvDefault(v, fd.envCond, 0)
		}
		return v
	}
	return NewUnknown("call to "+fn.QualName()+" (its body is not simple enough)", p)
}

// bodyEnd says how a helper's block ended.
type bodyEnd int

const (
	endFall     bodyEnd = iota // ran to its end
	endReturn                  // a return statement
	endBreak                   // break
	endContinue                // continue
)

// funcBody runs a function body until a return it can decide; ok is
// false when the body is not simple enough. An exception inside it is
// left pending for the caller's try.
func (e *Evaluator) funcBody(sc *scope, body []py.Stmt) (v *Value, end bodyEnd, ok bool) {
	for _, st := range body {
		if e.over() {
			return nil, endFall, false
		}
		switch s := st.(type) {
		case *py.Return:
			if s.Value == nil {
				return NewNone(e.pos(sc, s)), endReturn, true
			}
			return e.expr(sc, s.Value), endReturn, true
		case *py.If:
			c := e.expr(sc, s.Test)
			b, ok := c.Truth()
			if !ok {
				return nil, endFall, false
			}
			branch := s.Body
			if !b {
				branch = s.Else
			}
			if v, end, ok := e.funcBody(sc, branch); !ok || end != endFall {
				return v, end, ok
			}
		case *py.For:
			items, ok := iterItems(e.expr(sc, s.Iter))
			if !ok || len(items) > 10000 {
				return nil, endFall, false
			}
			broke := false
			for _, it := range items {
				e.assign(sc, s.Target, it)
				v, end, ok := e.funcBody(sc, s.Body)
				if !ok || end == endReturn {
					return v, end, ok
				}
				if end == endBreak {
					broke = true
					break
				}
			}
			if !broke {
				if v, end, ok := e.funcBody(sc, s.Else); !ok || end != endFall {
					return v, end, ok
				}
			}
		case *py.Break:
			return nil, endBreak, true
		case *py.Continue:
			return nil, endContinue, true
		case *py.ExprStmt:
			if _, isStr := s.X.(*py.String); isStr {
				continue // docstring
			}
			if f := e.stmt(sc, s); f != nil {
				return e.helperRaised(sc, s, f)
			}
		case *py.Assign, *py.AugAssign, *py.AnnAssign, *py.Pass:
			if f := e.stmt(sc, s); f != nil {
				return e.helperRaised(sc, s, f)
			}
		case *py.Raise:
			e.raise(excName(s.Exc), "")
			return NewUnknown("the helper raises", e.pos(sc, s)), endReturn, true
		default:
			return nil, endFall, false
		}
	}
	return nil, endFall, true
}

// helperRaised ends a helper's body on an exception, leaving it pending.
func (e *Evaluator) helperRaised(sc *scope, st py.Stmt, f *flow) (*Value, bodyEnd, bool) {
	if f.kind != flowRaise {
		return nil, endFall, false
	}
	if e.exc == nil {
		e.exc = f
	}
	return NewUnknown("the helper raises "+f.exc, e.pos(sc, st)), endReturn, true
}
