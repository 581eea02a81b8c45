package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// Evaluator runs a settings module's module-level statements statically:
// assignments, mutations, if/else, try/except ImportError and imports of
// sibling modules, with the environment the audit assumes.
type Evaluator struct {
	// Root is the project directory: absolute imports resolve under it.
	Root string
	// Env is the deployment environment (--env, --env-file); variables
	// not in it are unset.
	Env map[string]string
	// EnvFrom says where each variable of Env came from (for provenance).
	EnvFrom map[string]string
	// Display shortens a path for positions.
	Display func(string) string
	// ReadFile reads source files; os.ReadFile when nil.
	ReadFile func(string) ([]byte, error)

	// Diagnostics are parse problems of every file read.
	Diagnostics []Diagnostic
	// Files lists every file evaluated, in order.
	Files []string

	loading map[string]bool
	modules map[string]*scope
	funcs   map[*Value]*funcDef
	steps   int
	depth   int
}

// Diagnostic is a parse or evaluation problem with its position.
type Diagnostic struct {
	Pos Pos
	Msg string
}

// stepLimit bounds work on pathological input (loops, huge files).
const stepLimit = 2_000_000

type scope struct {
	file string // absolute
	disp string
	vars map[string]*Value
	// importErr is set when an import failed (for try/except ImportError).
	importErr string
}

// errImport signals an ImportError that a try/except may catch.
type errImport struct{ msg string }

// EvalFile evaluates the settings module at path and returns its names.
func (e *Evaluator) EvalFile(path string) (map[string]*Value, error) {
	if e.loading == nil {
		e.loading = map[string]bool{}
		e.modules = map[string]*scope{}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	sc, err := e.evalModule(abs)
	if err != nil {
		return nil, err
	}
	return sc.vars, nil
}

func (e *Evaluator) read(path string) ([]byte, error) {
	if e.ReadFile != nil {
		return e.ReadFile(path)
	}
	return os.ReadFile(path)
}

func (e *Evaluator) display(p string) string {
	if e.Display != nil {
		return e.Display(p)
	}
	return p
}

func (e *Evaluator) evalModule(abs string) (*scope, error) {
	if sc, ok := e.modules[abs]; ok {
		return sc, nil
	}
	if e.loading[abs] {
		return nil, fmt.Errorf("circular import of %s", e.display(abs))
	}
	e.loading[abs] = true
	defer delete(e.loading, abs)
	src, err := e.read(abs)
	if err != nil {
		return nil, err
	}
	disp := e.display(abs)
	mod := py.Parse(disp, src)
	for _, d := range mod.Diagnostics {
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: Pos{File: disp, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg})
	}
	e.Files = append(e.Files, abs)
	sc := &scope{file: abs, disp: disp, vars: map[string]*Value{}}
	sc.vars["__file__"] = &Value{Kind: Str, S: abs, Src: Source{Kind: SrcComputed}}
	sc.vars["__name__"] = NewStr(strings.TrimSuffix(filepath.Base(abs), ".py"), Pos{})
	e.modules[abs] = sc
	e.block(sc, mod.Body)
	return sc, nil
}

func (e *Evaluator) pos(sc *scope, n py.Node) Pos {
	p := n.Pos()
	return Pos{File: sc.disp, Line: p.Line, Col: p.Col}
}

// block runs statements; it returns an *errImport when an import failed
// and was not caught, so an enclosing try/except ImportError can run.
func (e *Evaluator) block(sc *scope, body []py.Stmt) *errImport {
	for _, st := range body {
		if ie := e.stmt(sc, st); ie != nil {
			return ie
		}
	}
	return nil
}

func (e *Evaluator) stmt(sc *scope, st py.Stmt) *errImport {
	e.steps++
	if e.steps > stepLimit {
		return nil
	}
	switch s := st.(type) {
	case *py.Assign:
		v := e.expr(sc, s.Value)
		for _, t := range s.Targets {
			e.assign(sc, t, v)
		}
	case *py.AnnAssign:
		if s.Value != nil {
			e.assign(sc, s.Target, e.expr(sc, s.Value))
		}
	case *py.AugAssign:
		cur := e.expr(sc, s.Target)
		v := e.binop(sc, s.Op, cur, e.expr(sc, s.Value), e.pos(sc, s))
		// Lists are mutated in place by +=, as Python does.
		if cur.Kind == List && v.Kind == List {
			cur.Items = v.Items
			cur.Env = v.Env
			v = cur
		}
		e.assign(sc, s.Target, v)
	case *py.Delete:
		for _, t := range s.Targets {
			switch x := t.(type) {
			case *py.Name:
				delete(sc.vars, x.ID)
			case *py.Subscript:
				obj := e.expr(sc, x.X)
				key := e.expr(sc, x.Index)
				if obj.Kind == Dict {
					for i, k := range obj.Keys {
						if Equal(k, key) {
							obj.Keys = append(obj.Keys[:i], obj.Keys[i+1:]...)
							obj.Vals = append(obj.Vals[:i], obj.Vals[i+1:]...)
							break
						}
					}
				}
			}
		}
	case *py.ExprStmt:
		e.expr(sc, s.X) // method calls mutate (append, update...)
	case *py.If:
		e.ifStmt(sc, s)
	case *py.Try:
		e.tryStmt(sc, s)
	case *py.Import:
		for _, a := range s.Names {
			if ie := e.importName(sc, a, s); ie != nil {
				return ie
			}
		}
	case *py.ImportFrom:
		return e.importFrom(sc, s)
	case *py.FunctionDef:
		sc.vars[s.Name.ID] = &Value{Kind: Object, S: "function " + s.Name.ID, Pos: e.pos(sc, s), Attrs: map[string]*Value{}}
		e.defineFunc(sc, s)
	case *py.ClassDef:
		sc.vars[s.Name.ID] = &Value{Kind: Object, S: "class " + s.Name.ID, Pos: e.pos(sc, s)}
	case *py.With:
		for _, it := range s.Items {
			if it.Vars != nil {
				e.assign(sc, it.Vars, NewUnknown("a with statement's target", e.pos(sc, it)))
			}
		}
		return e.block(sc, s.Body)
	case *py.For:
		e.forStmt(sc, s)
	case *py.BadStmt:
		if s.Partial != nil {
			return e.stmt(sc, s.Partial)
		}
		return e.block(sc, s.Body)
	}
	return nil
}

// assign binds a target (name, tuple/list unpacking, subscript, attribute).
func (e *Evaluator) assign(sc *scope, target py.Expr, v *Value) {
	switch t := target.(type) {
	case *py.Name:
		sc.vars[t.ID] = v
	case *py.Tuple, *py.List:
		var elts []py.Expr
		if tt, ok := t.(*py.Tuple); ok {
			elts = tt.Elts
		} else {
			elts = t.(*py.List).Elts
		}
		if (v.Kind == Tuple || v.Kind == List) && len(v.Items) == len(elts) {
			for i, el := range elts {
				e.assign(sc, el, v.Items[i])
			}
			return
		}
		for _, el := range elts {
			if st, ok := el.(*py.Starred); ok {
				el = st.X
			}
			e.assign(sc, el, NewUnknown("unpacking "+v.Kind.String(), v.Pos))
		}
	case *py.Subscript:
		obj := e.expr(sc, t.X)
		key := e.expr(sc, t.Index)
		switch obj.Kind {
		case Dict:
			obj.Set(key, v)
		case List:
			if key.Kind == Int {
				i := int(key.I)
				if i < 0 {
					i += len(obj.Items)
				}
				if i >= 0 && i < len(obj.Items) {
					obj.Items[i] = v
				}
			}
		}
	case *py.Attribute:
		obj := e.expr(sc, t.X)
		if obj.Kind == Object && obj.Attrs != nil {
			obj.Attrs[t.Attr.ID] = v
		}
	case *py.Starred:
		e.assign(sc, t.X, v)
	}
}

func (e *Evaluator) ifStmt(sc *scope, s *py.If) {
	cond := e.expr(sc, s.Test)
	if t, ok := cond.Truth(); ok {
		if t {
			e.block(sc, s.Body)
		} else {
			e.block(sc, s.Else)
		}
		return
	}
	// Unknown condition: run both branches on copies and merge.
	why := "depends on " + exprText(s.Test)
	a := e.fork(sc)
	e.block(a, s.Body)
	b := e.fork(sc)
	e.block(b, s.Else)
	e.merge(sc, a, b, why, e.pos(sc, s.Test))
}

func (e *Evaluator) fork(sc *scope) *scope {
	c := &scope{file: sc.file, disp: sc.disp, vars: make(map[string]*Value, len(sc.vars))}
	for k, v := range sc.vars {
		c.vars[k] = v
	}
	return c
}

// merge keeps names both branches agree on; the others become unknown
// "depends on COND".
func (e *Evaluator) merge(sc, a, b *scope, why string, p Pos) {
	names := map[string]bool{}
	for k := range a.vars {
		names[k] = true
	}
	for k := range b.vars {
		names[k] = true
	}
	for k := range names {
		va, okA := a.vars[k]
		vb, okB := b.vars[k]
		switch {
		case okA && okB && (va == vb || Equal(va, vb)):
			sc.vars[k] = va
		case !okA && !okB:
		default:
			pos := p
			if okA && !va.Pos.IsZero() {
				pos = va.Pos
			}
			sc.vars[k] = NewUnknown(why, pos)
		}
	}
}

func (e *Evaluator) tryStmt(sc *scope, s *py.Try) {
	ie := e.block(sc, s.Body)
	if ie != nil {
		handled := false
		for _, h := range s.Handlers {
			if catchesImportError(h.Type) {
				e.block(sc, h.Body)
				handled = true
				break
			}
		}
		_ = handled
	} else {
		e.block(sc, s.Else)
	}
	e.block(sc, s.Finally)
}

func catchesImportError(t py.Expr) bool {
	switch x := t.(type) {
	case nil:
		return true // bare except
	case *py.Name:
		return x.ID == "ImportError" || x.ID == "ModuleNotFoundError" || x.ID == "Exception" || x.ID == "BaseException"
	case *py.Tuple:
		for _, el := range x.Elts {
			if catchesImportError(el) {
				return true
			}
		}
	}
	return false
}

func (e *Evaluator) forStmt(sc *scope, s *py.For) {
	it := e.expr(sc, s.Iter)
	if (it.Kind != List && it.Kind != Tuple && it.Kind != Set) || len(it.Items) > 10000 {
		return
	}
	for _, item := range it.Items {
		e.assign(sc, s.Target, item)
		e.block(sc, s.Body)
	}
}

// exprText renders a short form of an expression for messages.
func exprText(x py.Expr) string {
	switch t := x.(type) {
	case *py.Name:
		return t.ID
	case *py.Attribute:
		return exprText(t.X) + "." + t.Attr.ID
	case *py.Call:
		return exprText(t.Func) + "(...)"
	case *py.UnaryOp:
		return t.Op.String() + " " + exprText(t.X)
	case *py.Compare:
		s := exprText(t.Left)
		for i, op := range t.Ops {
			s += " " + op.String() + " " + exprText(t.Comparators[i])
		}
		return s
	case *py.String:
		return pyQuote(t.Value)
	case *py.Subscript:
		return exprText(t.X) + "[" + exprText(t.Index) + "]"
	case *py.BoolOp:
		parts := make([]string, len(t.Values))
		for i, v := range t.Values {
			parts[i] = exprText(v)
		}
		return strings.Join(parts, " "+t.Op.String()+" ")
	}
	return "an expression"
}
