package pyeval

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
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
	// EnvUnknown are variables the deployment sets to values the audit
	// could not read (a pod field, a Secret it may not get), with why:
	// they are unknown, never unset (their defaults do not apply).
	EnvUnknown map[string]string
	// Display shortens a path for positions.
	Display func(string) string
	// FS is the file system read (OSFS when nil).
	FS FS
	// ReadFile, when set, reads source files instead of FS.
	ReadFile func(string) ([]byte, error)
	// StepLimit bounds the work (DefaultStepLimit when zero); the fuzz
	// tests lower it, so that an input that reaches it costs little.
	StepLimit int
	// Ctx, when set, cancels the evaluation (Ctrl-C): it is polled every
	// few thousand steps and before each module is read; once it is done
	// evaluation unwinds at once and EvalFile returns its error.
	Ctx context.Context

	// Diagnostics are parse problems of every file read.
	Diagnostics []Diagnostic
	// Files lists every file evaluated, in order.
	Files []string

	// Supplied are the deployment's copies of files the settings read at
	// start-up (--file), by absolute, clean path as the settings open it:
	// json.load of such a file reads the copy.
	Supplied map[string]SuppliedFile

	// Paths are extra import roots (sys.path entries) beyond Root, its
	// src/ and the settings' package root: those manage.py or
	// pyproject.toml declare.
	Paths []string

	top      *scope
	genSeq   int // placeholder characters of generated strings
	sysPath  []string
	loading  map[string]bool
	resolved map[string]string // module resolution cache
	stats    map[string]int8   // 0 missing, 1 file, 2 dir
	modules  map[string]*scope
	funcs    map[*Value]*funcDef
	// envSet holds the settings' own writes to os.environ (nil: deleted).
	envSet map[string]*Value
	// tryDepth counts the try bodies being run: inside one, the errors
	// Python would raise (KeyError, ValueError...) become exceptions the
	// handlers see; outside, evaluation goes on with an unknown value.
	tryDepth int
	// exc is an exception raised by the expression being evaluated.
	exc     *flow
	steps   int
	depth   int
	stopped bool
	// polled is the step count at the last look at Ctx; cancelled is
	// Ctx's error once it is done.
	polled    int
	cancelled error
}

// Diagnostic is a parse or evaluation problem with its position.
type Diagnostic struct {
	Pos  Pos
	Msg  string
	Kind DiagKind
}

// DiagKind classifies a Diagnostic.
type DiagKind int

const (
	DiagParse     DiagKind = iota // a syntax error; the rest of the file was read
	DiagStepLimit                 // evaluation stopped at the step limit
	DiagImport                    // an import failed outside a try: evaluation went on with unknown names
	DiagInclude                   // a file included or executed (split-settings include, exec) was not found
)

// Opaque says why settings the module does not bind may still be set
// (a star import the audit could not read), "" when none.
func (e *Evaluator) Opaque() string {
	if e.top == nil {
		return ""
	}
	return e.top.opaque
}

// Steps is the number of evaluation steps taken so far.
func (e *Evaluator) Steps() int { return e.steps }

// DisplayPath shortens a path as positions show it.
func (e *Evaluator) DisplayPath(p string) string { return e.display(p) }

// DefaultStepLimit bounds work on pathological input (loops, huge
// files) when Evaluator.StepLimit is zero.
const DefaultStepLimit = 2_000_000

// StepLimitMsg is the diagnostic left where the step limit stopped
// evaluation (reported as ctl.E001).
const StepLimitMsg = "evaluation stopped here: the module needs more work than the audit allows (loops, recursion); later statements were not evaluated"

// CtxPollSteps is how many steps pass between two looks at Ctx: often
// enough that Ctrl-C stops even a pathological file at once, rarely
// enough to cost nothing on a typical one.
const CtxPollSteps = 4096

// over counts one step and says whether evaluation must stop: the step
// limit is reached or the context is cancelled.
func (e *Evaluator) over() bool {
	e.steps++
	if e.Ctx != nil && e.cancelled == nil && e.steps-e.polled >= CtxPollSteps {
		e.polled = e.steps
		e.cancelled = e.Ctx.Err()
	}
	limit := e.StepLimit
	if limit <= 0 {
		limit = DefaultStepLimit
	}
	return e.steps > limit || e.cancelled != nil
}

// stop records, once, where the step limit ended evaluation, so that the
// audit never passes silently over statements it did not evaluate. A
// cancelled evaluation records nothing: its error is EvalFile's.
func (e *Evaluator) stop(p Pos) {
	if e.cancelled != nil {
		return
	}
	if !e.stopped {
		e.stopped = true
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: StepLimitMsg, Kind: DiagStepLimit})
	}
}

type scope struct {
	file string // absolute
	disp string
	vars map[string]*Value
	// opaque, when set, says why names this module does not bind may
	// still exist: a star import the audit could not read.
	opaque string
}

// flow is a statement's abrupt completion: an exception (a failed
// import; inside a try body also the KeyError, ValueError... the
// evaluator knows Python raises), or break / continue in a loop.
type flow struct {
	kind flowKind
	exc  string // the exception's class, for flowRaise ("" when unknown)
	msg  string
	// unset is the environment variable whose absence raised it.
	unset string
}

type flowKind int

const (
	flowRaise flowKind = iota
	flowBreak
	flowContinue
)

func raiseFlow(exc, msg string) *flow { return &flow{kind: flowRaise, exc: exc, msg: msg} }

// raise records that Python raises exc here, when a try body is running
// (outside one the module would not load at all: the audit goes on with
// the unknown value instead).
func (e *Evaluator) raise(exc, msg string) {
	if e.tryDepth > 0 && e.exc == nil {
		e.exc = raiseFlow(exc, msg)
	}
}

// raiseUnset is raise for a lookup of the environment variable k, which
// is unset: a handler of it binds environment defaults.
func (e *Evaluator) raiseUnset(exc, msg, k string) {
	if e.tryDepth > 0 && e.exc == nil {
		e.exc = raiseFlow(exc, msg)
		e.exc.unset = k
	}
}

// takeExc returns and clears the pending exception.
func (e *Evaluator) takeExc() *flow {
	f := e.exc
	e.exc = nil
	return f
}

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
	if sc != nil {
		e.top = sc
	}
	if e.cancelled != nil {
		return nil, e.cancelled
	}
	if err != nil {
		return nil, err
	}
	return sc.vars, nil
}

func (e *Evaluator) read(path string) ([]byte, error) {
	if e.ReadFile != nil {
		return e.ReadFile(path)
	}
	return e.fs().ReadFile(path)
}

func (e *Evaluator) fs() FS {
	if e.FS != nil {
		return e.FS
	}
	return OSFS{}
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
	if e.Ctx != nil && e.cancelled == nil {
		e.cancelled = e.Ctx.Err()
	}
	if e.cancelled != nil {
		return nil, e.cancelled
	}
	e.loading[abs] = true
	defer delete(e.loading, abs)
	src, err := e.read(abs)
	if err != nil {
		return nil, err
	}
	disp := e.display(abs)
	mod := py.Parse(disp, src)
	if e.Ctx != nil {
		// Parsing a huge file takes a while: look again before evaluating.
		if err := e.Ctx.Err(); err != nil {
			e.cancelled = err
			return nil, err
		}
	}
	for _, d := range mod.Diagnostics {
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: Pos{File: disp, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg})
	}
	e.Files = append(e.Files, abs)
	sc := &scope{file: abs, disp: disp, vars: map[string]*Value{}}
	sc.vars["__file__"] = &Value{Kind: Str, S: abs, Src: Source{Kind: SrcComputed}}
	sc.vars["__name__"] = NewStr(strings.TrimSuffix(filepath.Base(abs), ".py"), Pos{})
	e.modules[abs] = sc
	// An imported module is evaluated on its own terms: a try around
	// the import does not make its lookups raise.
	depth, exc := e.tryDepth, e.exc
	e.tryDepth, e.exc = 0, nil
	e.block(sc, mod.Body)
	e.tryDepth, e.exc = depth, exc
	return sc, nil
}

func (e *Evaluator) pos(sc *scope, n py.Node) Pos {
	p := n.Pos()
	return Pos{File: sc.disp, Line: p.Line, Col: p.Col}
}

// block runs statements; it stops at the first abrupt completion (an
// exception not caught, break, continue) and returns it, so that an
// enclosing try or loop can handle it.
func (e *Evaluator) block(sc *scope, body []py.Stmt) *flow {
	for _, st := range body {
		f := e.stmt(sc, st)
		if f == nil {
			f = e.takeExc()
		}
		if f != nil {
			return f
		}
	}
	return nil
}

func (e *Evaluator) stmt(sc *scope, st py.Stmt) *flow {
	if e.over() {
		e.stop(e.pos(sc, st))
		return nil
	}
	switch s := st.(type) {
	case *py.Assign:
		v := e.expr(sc, s.Value)
		if f := e.takeExc(); f != nil {
			return f // the right-hand side raised: nothing is bound
		}
		for _, t := range s.Targets {
			e.assign(sc, t, v)
		}
	case *py.AnnAssign:
		if s.Value != nil {
			v := e.expr(sc, s.Value)
			if f := e.takeExc(); f != nil {
				return f
			}
			e.assign(sc, s.Target, v)
		}
	case *py.AugAssign:
		cur := e.expr(sc, s.Target)
		rhs := e.expr(sc, s.Value)
		if f := e.takeExc(); f != nil {
			return f
		}
		// list += iterable extends the list in place, as Python does
		// (any iterable: list + tuple would be a TypeError, += is not).
		if cur.Kind == List && s.Op == py.Add {
			if items, ok := iterItems(rhs); ok && !tooLong(len(cur.Items)+len(items)) {
				cur.Items = append(cur.Items, items...)
				cur.addEnv(rhs.Env...)
				return nil
			}
		}
		// dict |= mapping updates in place.
		if cur.Kind == Dict && rhs.Kind == Dict && s.Op == py.BitOr {
			for i := range rhs.Keys {
				cur.Set(rhs.Keys[i], rhs.Vals[i])
			}
			cur.addEnv(rhs.Env...)
			return nil
		}
		v := e.binop(sc, s.Op, cur, rhs, e.pos(sc, s))
		e.assign(sc, s.Target, v)
	case *py.Delete:
		for _, t := range s.Targets {
			switch x := t.(type) {
			case *py.Name:
				delete(sc.vars, x.ID)
			case *py.Subscript:
				obj := e.expr(sc, x.X)
				key := e.expr(sc, x.Index)
				if isEnviron(obj) {
					if k, ok := key.Str(); ok {
						if _, set := e.env(k, Pos{}); !set {
							e.raise("KeyError", k)
						}
						e.setEnv(k, nil)
					}
					continue
				}
				if obj.Kind == List && key.Kind == Int {
					i := int(key.I)
					if i < 0 {
						i += len(obj.Items)
					}
					if i >= 0 && i < len(obj.Items) {
						obj.Items = append(obj.Items[:i:i], obj.Items[i+1:]...)
					}
					continue
				}
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
		if c, ok := s.X.(*py.Call); ok {
			if f, ok := e.execOpen(sc, c); ok {
				return f
			}
		}
		e.expr(sc, s.X) // method calls mutate (append, update...)
	case *py.If:
		return e.ifStmt(sc, s)
	case *py.Try:
		return e.tryStmt(sc, s)
	case *py.Break:
		return &flow{kind: flowBreak}
	case *py.Continue:
		return &flow{kind: flowContinue}
	case *py.Raise:
		if e.tryDepth > 0 {
			return raiseFlow(excName(s.Exc), "")
		}
	case *py.Import:
		for _, a := range s.Names {
			if ie := e.importName(sc, a, s); ie != nil {
				return ie
			}
		}
	case *py.ImportFrom:
		return e.importFrom(sc, s)
	case *py.FunctionDef:
		sc.vars[s.Name.ID] = &Value{Kind: Object, Ident: IdentFunction, S: s.Name.ID, Pos: e.pos(sc, s), Attrs: map[string]*Value{}}
		e.defineFunc(sc, s)
	case *py.ClassDef:
		sc.vars[s.Name.ID] = e.classDef(sc, s)
	case *py.With:
		for _, it := range s.Items {
			target, f := e.withOpen(sc, it)
			if f != nil {
				return f
			}
			if it.Vars != nil {
				e.assign(sc, it.Vars, target)
			}
		}
		return e.block(sc, s.Body)
	case *py.For:
		return e.forStmt(sc, s)
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
		star := -1
		for i, el := range elts {
			if _, ok := el.(*py.Starred); ok && star < 0 {
				star = i
			}
		}
		if items, ok := iterItems(v); ok {
			switch {
			case star < 0 && len(items) == len(elts):
				for i, el := range elts {
					e.assign(sc, el, items[i])
				}
				return
			case star >= 0 && len(items) >= len(elts)-1:
				// a, *rest, z = items: rest takes the middle, as a list.
				n := len(items) - (len(elts) - 1)
				for i, el := range elts[:star] {
					e.assign(sc, el, items[i])
				}
				rest := derive(NewSeq(List, append([]*Value{}, items[star:star+n]...), v.Pos), v)
				e.assign(sc, elts[star].(*py.Starred).X, rest)
				for i, el := range elts[star+1:] {
					e.assign(sc, el, items[star+n+i])
				}
				return
			}
		}
		for _, el := range elts {
			if st, ok := el.(*py.Starred); ok {
				el = st.X
			}
			e.assign(sc, el, NewUnknown("unpacking "+v.Kind.String(), v.Pos))
		}
	case *py.Subscript:
		obj := e.expr(sc, t.X)
		if sl, ok := t.Index.(*py.Slice); ok {
			e.assignSlice(sc, obj, sl, v)
			return
		}
		key := e.expr(sc, t.Index)
		if isEnviron(obj) {
			if k, ok := key.Str(); ok {
				e.setEnv(k, v)
			}
			return
		}
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
		if obj.Kind == Object && obj.Ident == IdentEnvironPath && t.Attr.ID == "root" {
			e.raise("AttributeError", "can't set attribute") // a read-only property
		} else if obj.Kind == Object && obj.Attrs != nil {
			obj.Attrs[t.Attr.ID] = v
		}
	case *py.Starred:
		e.assign(sc, t.X, v)
	}
}

// assignSlice is lst[lo:hi] = iterable: the items in the slice are
// replaced (MIDDLEWARE[1:1] = [...] inserts). A list the audit cannot
// update exactly becomes unknown.
func (e *Evaluator) assignSlice(sc *scope, obj *Value, sl *py.Slice, v *Value) {
	if obj.Kind != List {
		return
	}
	n := len(obj.Items)
	bound := func(x py.Expr, def int) (int, bool) {
		if x == nil {
			return def, true
		}
		b := e.expr(sc, x)
		if b.Kind == None {
			return def, true
		}
		if b.Kind != Int {
			return 0, false
		}
		return clampIndex(int(b.I), n), true
	}
	lo, ok1 := bound(sl.Lower, 0)
	hi, ok2 := bound(sl.Upper, n)
	items, ok3 := iterItems(v)
	if !ok1 || !ok2 || !ok3 || sl.Step != nil || tooLong(n+len(items)) {
		*obj = *NewUnknown("a slice assignment the audit cannot evaluate", obj.Pos)
		return
	}
	hi = max(hi, lo)
	obj.Items = slices.Concat(obj.Items[:lo:lo], items, obj.Items[hi:])
	obj.addEnv(v.Env...)
}

func (e *Evaluator) ifStmt(sc *scope, s *py.If) *flow {
	cond := e.expr(sc, s.Test)
	if f := e.takeExc(); f != nil {
		return f
	}
	if t, ok := cond.Truth(); ok {
		branch := s.Body
		if !t {
			branch = s.Else
		}
		if cond.Src.Kind != SrcEnvDefault {
			return e.block(sc, branch)
		}
		// The branch was taken because an environment variable is unset
		// (if "KEY" in os.environ: ... else: SECRET_KEY = "dev").
		return e.envDefaultBlock(sc, branch, cond)
	}
	// Unknown condition: run both branches on copies and merge.
	why := "depends on " + ExprText(s.Test)
	a := e.fork(sc, true)
	e.block(a, s.Body)
	b := e.fork(sc, true)
	e.block(b, s.Else)
	e.merge(sc, a, b, why, e.pos(sc, s.Test))
	return nil
}

// envDefaultBlock runs a block that runs because an environment variable
// is unset (cond is an environment default naming it): what the block
// binds from literals is an environment default, as in
// os.environ.get("KEY") or "dev".
func (e *Evaluator) envDefaultBlock(sc *scope, body []py.Stmt, cond *Value) *flow {
	before := make(map[string]*Value, len(sc.vars))
	for k, v := range sc.vars {
		before[k] = v
	}
	e.steps += len(sc.vars) >> 4
	f := e.block(sc, body)
	for k, v := range sc.vars {
		if before[k] != v {
			if fd := e.funcs[v]; fd != nil && fd.envCond == nil {
				fd.envCond = cond // a def in the block: what it returns, too
			}
			sc.vars[k] = asEnvDefault(v, cond, 0)
		}
	}
	return f
}

// asEnvDefault is a copy of v (and of the containers in it, a few levels
// deep) whose literal parts are marked as chosen by cond, an environment
// default: a DATABASES dict written in the branch an unset variable
// selects has its PASSWORD from a default too.
//
// Objects (functions, classes, modules, environ.Env) keep their identity:
// the evaluator finds a function's definition by its value.
func asEnvDefault(v, cond *Value, depth int) *Value {
	if !v.Known() || v.Kind == Object || (v.Src.Kind != SrcLiteral && v.Src.Kind != SrcComputed) {
		return v
	}
	c := v.Clone()
	c.Src = Source{Kind: SrcEnvDefault, Var: cond.Src.Var}
	c.addEnv(cond.Env...)
	if depth < 4 {
		for i, it := range c.Items {
			c.Items[i] = asEnvDefault(it, cond, depth+1)
		}
		for i, it := range c.Vals {
			c.Vals[i] = asEnvDefault(it, cond, depth+1)
		}
	}
	return c
}

// fork copies a scope's names for a branch; deep also copies the
// containers they hold, so that a branch's mutations (append, item
// assignment) stay in the branch until merge decides.
func (e *Evaluator) fork(sc *scope, deep bool) *scope {
	c := &scope{file: sc.file, disp: sc.disp, vars: make(map[string]*Value, len(sc.vars)), opaque: sc.opaque}
	var memo map[*Value]*Value
	if deep {
		memo = map[*Value]*Value{}
	}
	for k, v := range sc.vars {
		if deep {
			v = cloneDeep(v, memo, 0)
		}
		c.vars[k] = v
	}
	// Copying costs in proportion to what was copied: charge it, so that
	// the step limit bounds branches in loops over large containers.
	e.steps += len(memo) + len(sc.vars)>>4
	return c
}

// sameTree reports whether a and b are the same value or copies made by
// cloneDeep that neither branch changed: same kinds and lengths, the same
// scalar pointers. n counts the nodes visited.
func sameTree(a, b *Value, n *int) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Kind != b.Kind || *n > 1_000_000 {
		return false
	}
	*n++
	switch a.Kind {
	case List, Tuple, Set:
		if len(a.Items) != len(b.Items) || a.Path != b.Path {
			return false
		}
		for i := range a.Items {
			if !sameTree(a.Items[i], b.Items[i], n) {
				return false
			}
		}
		return true
	case Dict:
		if len(a.Keys) != len(b.Keys) {
			return false
		}
		for i := range a.Keys {
			if !sameTree(a.Keys[i], b.Keys[i], n) || !sameTree(a.Vals[i], b.Vals[i], n) {
				return false
			}
		}
		return true
	}
	return false
}

// cloneDeep copies containers (lists, tuples, sets, dicts) with their
// nested containers; memo keeps shared structure shared.
func cloneDeep(v *Value, memo map[*Value]*Value, depth int) *Value {
	if v == nil || depth > 8 {
		return v
	}
	switch v.Kind {
	case List, Tuple, Set, Dict:
	default:
		return v
	}
	if c, ok := memo[v]; ok {
		return c
	}
	c := v.Clone()
	memo[v] = c
	if len(memo) > 100_000 {
		return c // the step charge stops the evaluation soon
	}
	for i, it := range c.Items {
		c.Items[i] = cloneDeep(it, memo, depth+1)
	}
	for i, it := range c.Vals {
		c.Vals[i] = cloneDeep(it, memo, depth+1)
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
	if sc.opaque == "" {
		sc.opaque = a.opaque
		if sc.opaque == "" {
			sc.opaque = b.opaque
		}
	}
	for k := range names {
		va, okA := a.vars[k]
		vb, okB := b.vars[k]
		same := okA && okB && va == vb
		if !same && okA && okB {
			// Copies of one container share their scalars: unchanged, they
			// are the same tree (pointer comparisons, cheap).
			n := 0
			same = sameTree(va, vb, &n)
			e.steps += n >> 6
		}
		if !same && okA && okB {
			// The branches hold copies: compare them, within a budget
			// charged to the step count (past it they count as different,
			// and the name becomes unknown).
			budget := 20_000
			same = equal(va, vb, &budget)
			e.steps += 20_000 - max(budget, 0)
		}
		switch {
		case same:
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

// tryStmt runs try/except/else/finally: an exception of the body goes
// to the first handler whose class matches (or out, as in Python).
func (e *Evaluator) tryStmt(sc *scope, s *py.Try) *flow {
	e.tryDepth++
	f := e.block(sc, s.Body)
	e.tryDepth--
	switch {
	case f == nil:
		f = e.block(sc, s.Else)
	case f.kind == flowRaise:
		for _, h := range s.Handlers {
			if catches(h.Type, f.exc) {
				if h.Name != nil {
					sc.vars[h.Name.ID] = newObj(IdentException, f.exc, e.pos(sc, h))
				}
				if f.unset != "" {
					// The handler runs because a variable is unset
					// (except KeyError: SECRET_KEY = "dev").
					f = e.envDefaultBlock(sc, h.Body, &Value{Src: Source{Kind: SrcEnvDefault, Var: f.unset}, Env: []string{f.unset}})
				} else {
					f = e.block(sc, h.Body)
				}
				break
			}
		}
	}
	if fin := e.block(sc, s.Finally); fin != nil {
		f = fin
	}
	return f
}

// excBases are the classes of the exceptions the evaluator raises, with
// their ancestors.
var excBases = map[string][]string{
	"KeyError":             {"LookupError"},
	"IndexError":           {"LookupError"},
	"ModuleNotFoundError":  {"ImportError"},
	"ImproperlyConfigured": {},
	"UndefinedValueError":  {},
	"ValueError":           {},
	"JSONDecodeError":      {"ValueError"},
	"ImportError":          {},
	"TypeError":            {},
	"AttributeError":       {},
	"FileNotFoundError":    {"OSError", "IOError", "EnvironmentError"},
	"OSError":              {"IOError", "EnvironmentError"},
}

// catches reports whether an except clause's type catches exc.
func catches(t py.Expr, exc string) bool {
	switch x := t.(type) {
	case nil:
		return true // bare except
	case *py.Tuple:
		for _, el := range x.Elts {
			if catches(el, exc) {
				return true
			}
		}
		return false
	}
	name := ExprText(t)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:] // django.core.exceptions.ImproperlyConfigured
	}
	if name == "BaseException" || (name == "Exception" && exc != "SystemExit") || name == exc {
		return true
	}
	for _, b := range excBases[exc] {
		if b == name {
			return true
		}
	}
	return false
}

// excName is the class name of a raise statement's exception.
func excName(x py.Expr) string {
	if c, ok := x.(*py.Call); ok {
		x = c.Func
	}
	if x == nil {
		return ""
	}
	name := ExprText(x)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func (e *Evaluator) forStmt(sc *scope, s *py.For) *flow {
	it := e.expr(sc, s.Iter)
	if f := e.takeExc(); f != nil {
		return f
	}
	items, ok := iterItems(it)
	if !ok || len(items) > 10000 {
		// Zero or more iterations over items the audit does not know:
		// every name the body binds or mutates depends on them.
		why := "depends on the items of " + ExprText(s.Iter)
		if !it.Known() && it.Src.Why != "" {
			why += " (" + it.Src.Why + ")"
		}
		p := e.pos(sc, s.Iter)
		a := e.fork(sc, true)
		e.assign(a, s.Target, NewUnknown(why, p))
		e.block(a, s.Body)
		e.block(a, s.Else)
		b := e.fork(sc, true)
		e.block(b, s.Else)
		e.merge(sc, a, b, why, p)
		return nil
	}
	for _, item := range items {
		e.assign(sc, s.Target, item)
		f := e.block(sc, s.Body)
		if f != nil {
			if f.kind == flowBreak {
				return nil // a loop left by break skips its else
			}
			if f.kind == flowRaise {
				return f
			}
		}
	}
	return e.block(sc, s.Else)
}

// ExprText renders a short form of an expression for messages.
func ExprText(x py.Expr) string {
	switch t := x.(type) {
	case *py.Name:
		return t.ID
	case *py.Attribute:
		return ExprText(t.X) + "." + t.Attr.ID
	case *py.Call:
		return ExprText(t.Func) + "(...)"
	case *py.UnaryOp:
		return t.Op.String() + " " + ExprText(t.X)
	case *py.Compare:
		s := ExprText(t.Left)
		for i, op := range t.Ops {
			s += " " + op.String() + " " + ExprText(t.Comparators[i])
		}
		return s
	case *py.String:
		return pyQuote(t.Value)
	case *py.Subscript:
		return ExprText(t.X) + "[" + ExprText(t.Index) + "]"
	case *py.BoolOp:
		parts := make([]string, len(t.Values))
		for i, v := range t.Values {
			parts[i] = ExprText(v)
		}
		return strings.Join(parts, " "+t.Op.String()+" ")
	}
	return "an expression"
}

// importText renders an import statement for messages.
func importText(s py.Stmt) string {
	switch x := s.(type) {
	case *py.Import:
		names := make([]string, len(x.Names))
		for i, a := range x.Names {
			names[i] = a.Name
		}
		return "import " + strings.Join(names, ", ")
	case *py.ImportFrom:
		names := make([]string, len(x.Names))
		for i, a := range x.Names {
			names[i] = a.Name
		}
		return "from " + strings.Repeat(".", x.Level) + x.Module + " import " + strings.Join(names, ", ")
	}
	return "import"
}

// importFailed is an import Python would fail on. Inside a try body it
// raises (the handlers run, as in Python); elsewhere Python would stop
// loading the settings, so the audit goes on, with the names the import
// would have bound unknown, a star import making the module opaque, and
// a diagnostic naming the import.
func (e *Evaluator) importFailed(sc *scope, st py.Stmt, exc, msg string, names []string, star bool) *flow {
	if e.tryDepth > 0 {
		return raiseFlow(exc, msg)
	}
	p := e.pos(sc, st)
	why := importText(st) + " fails: " + msg
	e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagImport})
	for _, n := range names {
		sc.vars[n] = NewUnknown(why, p)
	}
	if star && sc.opaque == "" {
		sc.opaque = importText(st) + " (" + p.String() + "), which failed"
	}
	return nil
}
