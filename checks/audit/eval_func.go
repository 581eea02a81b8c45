package audit

import (
	py "github.com/ctlops/ctl/checks/audit/python"
)

type funcDef struct {
	def *py.FunctionDef
	sc  *scope
}

// defineFunc remembers a settings helper such as
//
//	def env_bool(name, default=False):
//	    return os.environ.get(name, str(default)).lower() in ("1", "true")
//
// so that calls to it are evaluated with their arguments.
func (e *Evaluator) defineFunc(sc *scope, d *py.FunctionDef) {
	if e.funcs == nil {
		e.funcs = map[*Value]*funcDef{}
	}
	e.funcs[sc.vars[d.Name.ID]] = &funcDef{def: d, sc: sc}
}

const maxCallDepth = 16

func (e *Evaluator) callFunc(fn *Value, a args, p Pos) *Value {
	fd := e.funcs[fn]
	if fd == nil || len(fd.def.Decorators) > 0 || e.depth >= maxCallDepth {
		return NewUnknown("call to "+fn.S, p)
	}
	e.depth++
	defer func() { e.depth-- }()
	local := e.fork(fd.sc)
	params := fd.def.Params
	all := append(append([]*py.Param{}, params.PosOnly...), params.Args...)
	for i, prm := range all {
		var v *Value
		if i < len(a.pos) {
			v = a.pos[i]
		} else if kv, ok := a.kw[prm.Name.ID]; ok {
			v = kv
		} else if prm.Default != nil {
			v = e.expr(fd.sc, prm.Default)
		} else {
			return NewUnknown("call to "+fn.S+" with a missing argument", p)
		}
		local.vars[prm.Name.ID] = v
	}
	for _, prm := range params.KwOnly {
		if kv, ok := a.kw[prm.Name.ID]; ok {
			local.vars[prm.Name.ID] = kv
		} else if prm.Default != nil {
			local.vars[prm.Name.ID] = e.expr(fd.sc, prm.Default)
		}
	}
	if len(a.pos) > len(all) && params.VarArg == nil {
		return NewUnknown("call to "+fn.S+" with too many arguments", p)
	}
	if v, ok := e.funcBody(local, fd.def.Body); ok {
		return v
	}
	return NewUnknown("call to "+fn.S+" (its body is not simple enough)", p)
}

// funcBody runs a function body until a return it can decide.
func (e *Evaluator) funcBody(sc *scope, body []py.Stmt) (*Value, bool) {
	for _, st := range body {
		switch s := st.(type) {
		case *py.Return:
			if s.Value == nil {
				return NewNone(e.pos(sc, s)), true
			}
			return e.expr(sc, s.Value), true
		case *py.If:
			c := e.expr(sc, s.Test)
			b, ok := c.Truth()
			if !ok {
				return nil, false
			}
			branch := s.Body
			if !b {
				branch = s.Else
			}
			if v, done := e.funcBody(sc, branch); done {
				return v, true
			}
		case *py.ExprStmt:
			if _, isStr := s.X.(*py.String); isStr {
				continue // docstring
			}
			e.stmt(sc, s)
		case *py.Assign, *py.AugAssign, *py.AnnAssign:
			e.stmt(sc, s)
		case *py.Raise:
			return NewUnknown("the helper raises", e.pos(sc, s)), true
		default:
			return nil, false
		}
	}
	return NewNone(Pos{}), true
}
