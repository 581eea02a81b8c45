package pyeval

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// derive marks a value computed from operands: it depends on their
// environment variables; its source is the strongest of theirs.
func derive(v *Value, from ...*Value) *Value {
	kind := SrcLiteral
	var envVar, envFrom, why string
	for _, f := range from {
		if f == nil {
			continue
		}
		v.addEnv(f.Env...)
		switch f.Src.Kind {
		case SrcEnv:
			kind, envVar, envFrom = SrcEnv, f.Src.Var, f.Src.From
		case SrcFile:
			if kind != SrcEnv {
				kind, envVar, envFrom = SrcFile, f.Src.Var, f.Src.From
			}
		case SrcEnvDefault:
			if kind != SrcEnv && kind != SrcFile {
				kind, envVar = SrcEnvDefault, f.Src.Var
			}
		case SrcGenerated:
			if kind == SrcLiteral || kind == SrcComputed {
				kind, why = SrcGenerated, f.Src.Why
			}
		case SrcComputed:
			if kind == SrcLiteral {
				kind = SrcComputed
			}
		}
	}
	if v.Kind != Unknown {
		v.Src = Source{Kind: kind, Var: envVar, From: envFrom}
		if kind == SrcGenerated {
			v.Src.Why = why
		}
	}
	return v
}

// maxLen bounds computed strings (bytes) and sequences (items): settings
// never come near it, and repeated doubling, multiplication or formatting
// would otherwise exhaust memory. Longer results are unknown.
const maxLen = 1 << 20

func tooLong(n int) bool { return n > maxLen }

// charge adds the size of values an operation copies to the step budget:
// building long strings and lists costs in proportion to their length, so
// that a chain of concatenations cannot take quadratic time.
func (e *Evaluator) charge(vs ...*Value) {
	for _, v := range vs {
		if v != nil {
			e.steps += (len(v.S) + len(v.Items)) >> 6
		}
	}
}

func totalLen(strs []string) (n int) {
	for _, s := range strs {
		n += len(s)
	}
	return n
}

func unknownFrom(p Pos, vs ...*Value) *Value {
	for _, v := range vs {
		if v != nil && !v.Known() {
			u := NewUnknown(v.Src.Why, p)
			u.Env = v.Env
			return u
		}
	}
	return NewUnknown("unsupported operation", p)
}

func (e *Evaluator) expr(sc *scope, x py.Expr) *Value {
	if e.over() {
		e.stop(e.pos(sc, x))
		return NewUnknown("evaluation budget exhausted", e.pos(sc, x))
	}
	p := e.pos(sc, x)
	switch t := x.(type) {
	case *py.Name:
		if v, ok := sc.vars[t.ID]; ok {
			return v
		}
		switch t.ID {
		case "True", "False", "None":
		case "bool", "int", "str", "float", "list", "tuple", "dict", "set", "len", "print", "open", "sorted", "isinstance", "any", "all", "min", "max", "getattr", "repr",
			"filter", "sum", "reversed", "range", "exec":
			return newObj(IdentBuiltin, t.ID, p)
		}
		if sc.opaque != "" {
			return NewUnknown("name "+t.ID+" may come from "+sc.opaque, p)
		}
		return NewUnknown("name "+t.ID+" is not defined here", p)
	case *py.Constant:
		switch t.Kind {
		case py.ConstNone:
			return NewNone(p)
		case py.ConstTrue:
			return NewBool(true, p)
		case py.ConstFalse:
			return NewBool(false, p)
		}
		return newObj(IdentEllipsis, "", p)
	case *py.Number:
		if t.Kind == py.Int {
			if bi, ok := t.Int(); ok && bi.IsInt64() {
				return NewInt(bi.Int64(), p)
			}
		}
		if f, ok := t.Float(); ok && t.Kind != py.Imaginary {
			return NewFloat(f, p)
		}
		return NewUnknown("number "+t.Raw, p)
	case *py.String:
		v := NewStr(t.Value, p)
		if t.Bytes {
			v.Kind = Bytes
		}
		return v
	case *py.FString:
		return e.fstring(sc, t, p)
	case *py.Tuple, *py.List, *py.Set:
		var elts []py.Expr
		kind := List
		switch tt := t.(type) {
		case *py.Tuple:
			elts, kind = tt.Elts, Tuple
		case *py.List:
			elts = tt.Elts
		case *py.Set:
			elts, kind = tt.Elts, Set
		}
		out := NewSeq(kind, nil, p)
		for _, el := range elts {
			if st, ok := el.(*py.Starred); ok {
				inner := e.expr(sc, st.X)
				if (inner.Kind == List || inner.Kind == Tuple || inner.Kind == Set) && !tooLong(len(out.Items)+len(inner.Items)) {
					out.Items = append(out.Items, inner.Items...)
					continue
				}
				return unknownFrom(p, inner)
			}
			out.Items = append(out.Items, e.expr(sc, el))
		}
		return out
	case *py.Dict:
		d := NewDict(p)
		for i, k := range t.Keys {
			if k == nil { // **mapping
				m := e.expr(sc, t.Values[i])
				if m.Kind != Dict {
					return unknownFrom(p, m)
				}
				for j := range m.Keys {
					d.Set(m.Keys[j], m.Vals[j])
				}
				continue
			}
			d.Set(e.expr(sc, k), e.expr(sc, t.Values[i]))
		}
		return d
	case *py.Attribute:
		return e.attribute(sc, e.expr(sc, t.X), t.Attr.ID, p)
	case *py.Subscript:
		return e.subscript(sc, e.expr(sc, t.X), t.Index, p)
	case *py.Call:
		return e.call(sc, t, p)
	case *py.UnaryOp:
		v := e.expr(sc, t.X)
		switch t.Op {
		case py.Not:
			if b, ok := v.Truth(); ok {
				return derive(NewBool(!b, p), v)
			}
		case py.USub:
			switch v.Kind {
			case Int:
				return derive(NewInt(-v.I, p), v)
			case Float:
				return derive(NewFloat(-v.F, p), v)
			}
		case py.Invert:
			if v.Kind == Object && v.Ident == IdentEnvironPath {
				return environPathBinop("~", v, nil, p)
			}
		case py.UAdd:
			if v.Kind == Int || v.Kind == Float {
				return v
			}
		}
		return unknownFrom(p, v)
	case *py.BinOp:
		return e.binop(sc, t.Op, e.expr(sc, t.X), e.expr(sc, t.Y), p)
	case *py.BoolOp:
		// Python returns the deciding operand itself.
		// The operands passed over decided which one is returned: when
		// one of them is an environment default (the variable unset), so
		// is the result (os.environ.get("X") or "dev").
		var last, decided *Value
		for i, operand := range t.Values {
			v := e.expr(sc, operand)
			last = v
			b, ok := v.Truth()
			if !ok {
				return unknownFrom(p, v)
			}
			if (t.Op == py.And && !b) || (t.Op == py.Or && b) || i == len(t.Values)-1 {
				break
			}
			if v.Src.Kind == SrcEnvDefault && decided == nil {
				decided = v
			}
		}
		if decided != nil && last.Known() && (last.Src.Kind == SrcLiteral || last.Src.Kind == SrcComputed) {
			c := last.Clone()
			c.Src = Source{Kind: SrcEnvDefault, Var: decided.Src.Var}
			c.addEnv(decided.Env...)
			return c
		}
		return last
	case *py.Compare:
		left := e.expr(sc, t.Left)
		result := NewBool(true, p)
		for i, op := range t.Ops {
			right := e.expr(sc, t.Comparators[i])
			if (op == py.In || op == py.NotIn) && isEnviron(right) {
				// "NAME" in os.environ
				k, ok := left.Str()
				if !ok {
					return unknownFrom(p, left)
				}
				v, set := e.env(k, p)
				if v == nil {
					// Unset: the answer is decided by the variable's
					// absence, as os.environ.get(k) is None.
					v = NewNone(p)
					v.Src = Source{Kind: SrcEnvDefault, Var: k}
				}
				v.addEnv(k)
				right = derive(NewSeq(List, nil, p), v)
				if set {
					right.Items = []*Value{NewStr(k, p)}
				}
			}
			r, ok := compare(op, left, right)
			if !ok {
				return unknownFrom(p, left, right)
			}
			derive(result, left, right)
			if !r {
				result.B = false
				return result
			}
			left = right
		}
		return result
	case *py.IfExp:
		c := e.expr(sc, t.Test)
		if b, ok := c.Truth(); ok {
			var v *Value
			if b {
				v = e.expr(sc, t.Body)
			} else {
				v = e.expr(sc, t.OrElse)
			}
			// The branch taken follows from an environment default (the
			// variable unset): so does the value (X if os.getenv(X) else 'dev').
			if c.Src.Kind == SrcEnvDefault && v.Known() && (v.Src.Kind == SrcLiteral || v.Src.Kind == SrcComputed) {
				v = v.Clone()
				v.Src = Source{Kind: SrcEnvDefault, Var: c.Src.Var}
				v.addEnv(c.Env...)
			}
			return v
		}
		a, b := e.expr(sc, t.Body), e.expr(sc, t.OrElse)
		if Equal(a, b) {
			return a
		}
		return NewUnknown("depends on "+ExprText(t.Test), p)
	case *py.NamedExpr:
		v := e.expr(sc, t.Value)
		sc.vars[t.Target.ID] = v
		return v
	case *py.Comprehension:
		return e.comprehension(sc, t, p)
	case *py.Lambda:
		return e.lambda(sc, t, p)
	}
	return NewUnknown("unsupported expression", p)
}

func (e *Evaluator) fstring(sc *scope, t *py.FString, p Pos) *Value {
	var b strings.Builder
	out := NewStr("", p)
	var parts []*Value
	for _, part := range t.Values {
		switch pt := part.(type) {
		case *py.String:
			b.WriteString(pt.Value)
		case *py.FormattedValue:
			if tooLong(b.Len()) {
				return NewUnknown("an f-string longer than the audit evaluates", p)
			}
			v := e.expr(sc, pt.Value)
			parts = append(parts, v)
			if pt.Spec != nil || !v.Known() {
				return unknownFrom(p, v)
			}
			if pt.Conversion == 'r' {
				b.WriteString(v.Repr())
			} else {
				s, ok := pyStr(v)
				if !ok {
					return unknownFrom(p, v)
				}
				b.WriteString(s)
			}
		}
	}
	out.S = b.String()
	e.charge(out)
	return derive(out, parts...)
}

// pyStr is str(v).
func pyStr(v *Value) (string, bool) {
	switch v.Kind {
	case Str:
		return v.S, true
	case Int:
		return strconv.FormatInt(v.I, 10), true
	case Float:
		if v.F == math.Trunc(v.F) && math.Abs(v.F) < 1e16 {
			return strconv.FormatFloat(v.F, 'f', 1, 64), true
		}
		return strconv.FormatFloat(v.F, 'g', -1, 64), true
	case Bool, None, List, Tuple, Dict, Set:
		return v.Repr(), true
	case Object:
		if v.Ident == IdentEnvironPath {
			return v.S, true // Path.__str__ is its root
		}
	}
	return "", false
}

func compare(op py.Op, a, b *Value) (bool, bool) {
	if !a.Known() || !b.Known() {
		return false, false
	}
	switch op {
	case py.Eq:
		return Equal(a, b), true
	case py.NotEq:
		return !Equal(a, b), true
	case py.Is:
		if b.Kind == None || b.Kind == Bool {
			return a.Kind == b.Kind && a.B == b.B, true
		}
		return false, false
	case py.IsNot:
		if b.Kind == None || b.Kind == Bool {
			return !(a.Kind == b.Kind && a.B == b.B), true
		}
		return false, false
	case py.In, py.NotIn:
		var found, known bool
		if b.Kind == Str {
			if s, ok := a.Str(); ok {
				found, known = strings.Contains(b.S, s), true
			}
		} else if b.Kind == List || b.Kind == Tuple || b.Kind == Set {
			known = true
			for _, it := range b.Items {
				if Equal(a, it) {
					found = true
					break
				}
				if !it.Known() {
					known = false
				}
			}
			if found {
				known = true
			}
		} else if b.Kind == Dict {
			known = true
			for _, k := range b.Keys {
				if Equal(a, k) {
					found = true
				}
			}
		}
		if !known {
			return false, false
		}
		return found == (op == py.In), true
	case py.Lt, py.LtE, py.Gt, py.GtE:
		x, ok1 := number(a)
		y, ok2 := number(b)
		if !ok1 || !ok2 {
			if a.Kind == Str && b.Kind == Str {
				c := strings.Compare(a.S, b.S)
				return cmpResult(op, float64(c), 0), true
			}
			return false, false
		}
		return cmpResult(op, x, y), true
	}
	return false, false
}

func cmpResult(op py.Op, x, y float64) bool {
	switch op {
	case py.Lt:
		return x < y
	case py.LtE:
		return x <= y
	case py.Gt:
		return x > y
	}
	return x >= y
}

func number(v *Value) (float64, bool) {
	switch v.Kind {
	case Int:
		return float64(v.I), true
	case Float:
		return v.F, true
	case Bool:
		if v.B {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func (e *Evaluator) binop(sc *scope, op py.Op, a, b *Value, p Pos) *Value {
	if !a.Known() || !b.Known() {
		return unknownFrom(p, a, b)
	}
	e.charge(a, b)
	if a.Kind == Object && a.Ident == IdentEnvironPath && (op == py.Add || op == py.Sub) {
		return environPathBinop(map[py.Op]string{py.Add: "+", py.Sub: "-"}[op], a, b, p)
	}
	switch op {
	case py.Add:
		switch {
		case a.Kind == Str && b.Kind == Str && !tooLong(len(a.S)+len(b.S)):
			v := NewStr(a.S+b.S, p)
			v.Path = a.Path
			return derive(v, a, b)
		case ((a.Kind == List && b.Kind == List) || (a.Kind == Tuple && b.Kind == Tuple)) && !tooLong(len(a.Items)+len(b.Items)):
			items := append(append([]*Value{}, a.Items...), b.Items...)
			return derive(NewSeq(a.Kind, items, p), a, b)
		case a.Kind == Int && b.Kind == Int:
			return derive(NewInt(a.I+b.I, p), a, b)
		}
		if x, ok := number(a); ok {
			if y, ok := number(b); ok {
				return derive(NewFloat(x+y, p), a, b)
			}
		}
	case py.Sub, py.Mult, py.FloorDiv, py.Div:
		if a.Kind == Int && b.Kind == Int {
			switch op {
			case py.Sub:
				return derive(NewInt(a.I-b.I, p), a, b)
			case py.Mult:
				return derive(NewInt(a.I*b.I, p), a, b)
			case py.FloorDiv:
				if b.I != 0 {
					return derive(NewInt(int64(math.Floor(float64(a.I)/float64(b.I))), p), a, b)
				}
			}
		}
		if op == py.Div && a.Path && b.Kind == Str && !tooLong(len(a.S)+len(b.S)) {
			v := NewStr(filepath.Join(a.S, b.S), p)
			v.Path = true
			return derive(v, a, b)
		}
		if op == py.Mult && (a.Kind == List || a.Kind == Str) && b.Kind == Int && b.I >= 0 && b.I < 1000 && !tooLong(int(b.I)*max(len(a.S), len(a.Items))) {
			if a.Kind == Str {
				return derive(NewStr(strings.Repeat(a.S, int(b.I)), p), a, b)
			}
			var items []*Value
			for i := int64(0); i < b.I; i++ {
				items = append(items, a.Items...)
			}
			return derive(NewSeq(List, items, p), a, b)
		}
		if x, ok := number(a); ok {
			if y, ok := number(b); ok {
				switch op {
				case py.Sub:
					return derive(NewFloat(x-y, p), a, b)
				case py.Mult:
					return derive(NewFloat(x*y, p), a, b)
				case py.Div:
					if y != 0 {
						return derive(NewFloat(x/y, p), a, b)
					}
				}
			}
		}
	case py.Mod:
		if a.Kind == Str {
			if s, ok := percentFormat(a.S, b); ok {
				return derive(NewStr(s, p), a, b)
			}
		}
		if a.Kind == Int && b.Kind == Int && b.I != 0 {
			m := a.I % b.I
			if m != 0 && (m < 0) != (b.I < 0) {
				m += b.I
			}
			return derive(NewInt(m, p), a, b)
		}
	case py.BitOr:
		if a.Kind == Dict && b.Kind == Dict {
			d := NewDict(p)
			for i := range a.Keys {
				d.Set(a.Keys[i], a.Vals[i])
			}
			for i := range b.Keys {
				d.Set(b.Keys[i], b.Vals[i])
			}
			return derive(d, a, b)
		}
	}
	return NewUnknown(fmt.Sprintf("%s %s %s", a.Kind, op, b.Kind), p)
}

// percentFormat handles "%s"-style formatting with %s, %d, %r and %%.
func percentFormat(f string, arg *Value) (string, bool) {
	args := []*Value{arg}
	if arg.Kind == Tuple {
		args = arg.Items
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(f); i++ {
		if tooLong(b.Len()) {
			return "", false
		}
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return "", false
		}
		switch f[i] {
		case '%':
			b.WriteByte('%')
		case 's', 'd', 'r':
			if n >= len(args) {
				return "", false
			}
			a := args[n]
			n++
			if f[i] == 'r' {
				b.WriteString(a.Repr())
				continue
			}
			s, ok := pyStr(a)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		default:
			return "", false
		}
	}
	return b.String(), n == len(args)
}

func (e *Evaluator) attribute(sc *scope, v *Value, attr string, p Pos) *Value {
	if v.Kind == Object {
		if v.Attrs != nil {
			if a, ok := v.Attrs[attr]; ok {
				return a
			}
		}
		if v.Ident == IdentLib {
			return libObj(v.S+"."+attr, p) // os.path.join, environ.Env
		}
		m := newObj(IdentMethod, attr, p)
		m.Attrs = map[string]*Value{"__self__": v}
		return m
	}
	if v.Path {
		switch attr {
		case "parent":
			r := NewStr(filepath.Dir(v.S), p)
			r.Path = true
			return derive(r, v)
		case "name":
			return derive(NewStr(filepath.Base(v.S), p), v)
		case "parents":
			var items []*Value
			for d := filepath.Dir(v.S); ; d = filepath.Dir(d) {
				it := NewStr(d, p)
				it.Path = true
				items = append(items, it)
				if d == filepath.Dir(d) {
					break
				}
			}
			return derive(NewSeq(Tuple, items, p), v)
		}
	}
	if !v.Known() {
		return v
	}
	// A bound method of a plain value; call() dispatches on it.
	m := newObj(IdentMethod, attr, p)
	m.Attrs = map[string]*Value{"__self__": v}
	return m
}

func (e *Evaluator) subscript(sc *scope, v *Value, index py.Expr, p Pos) *Value {
	if isEnviron(v) {
		key := e.expr(sc, index)
		if k, ok := key.Str(); ok {
			if v, set := e.env(k, p); set {
				return v
			}
			e.raiseUnset("KeyError", k, k)
			u := NewUnknown(fmt.Sprintf("os.environ[%q] raises KeyError: %s is unset", k, k), p)
			u.Env = []string{k}
			return u
		}
		return NewUnknown("os.environ[...] with a computed key", p)
	}
	if sl, ok := index.(*py.Slice); ok {
		if v.Kind == Str || v.Kind == List || v.Kind == Tuple {
			lo, hi := 0, 0
			n := len(v.Items)
			if v.Kind == Str {
				n = len(v.S)
			}
			lo, hi = 0, n
			if sl.Step != nil {
				return NewUnknown("a slice with a step", p)
			}
			if sl.Lower != nil {
				x := e.expr(sc, sl.Lower)
				if x.Kind != Int {
					return unknownFrom(p, x)
				}
				lo = clampIndex(int(x.I), n)
			}
			if sl.Upper != nil {
				x := e.expr(sc, sl.Upper)
				if x.Kind != Int {
					return unknownFrom(p, x)
				}
				hi = clampIndex(int(x.I), n)
			}
			if hi < lo {
				hi = lo
			}
			if v.Kind == Str {
				return derive(NewStr(v.S[lo:hi], p), v)
			}
			return derive(NewSeq(v.Kind, append([]*Value{}, v.Items[lo:hi]...), p), v)
		}
		return unknownFrom(p, v)
	}
	key := e.expr(sc, index)
	switch v.Kind {
	case Dict:
		for i := len(v.Keys) - 1; i >= 0; i-- {
			if Equal(v.Keys[i], key) {
				return v.Vals[i]
			}
		}
		if key.Known() && allKnown(v.Keys) {
			e.raise("KeyError", key.Repr())
			return NewUnknown(fmt.Sprintf("KeyError: %s", key.Repr()), p)
		}
	case List, Tuple:
		if key.Kind == Int {
			i := int(key.I)
			if i < 0 {
				i += len(v.Items)
			}
			if i >= 0 && i < len(v.Items) {
				return v.Items[i]
			}
			e.raise("IndexError", "index out of range")
			return NewUnknown("IndexError", p)
		}
	case Str:
		if key.Kind == Int {
			i := int(key.I)
			if i < 0 {
				i += len(v.S)
			}
			if i >= 0 && i < len(v.S) {
				return derive(NewStr(v.S[i:i+1], p), v)
			}
		}
	}
	return unknownFrom(p, v, key)
}

func clampIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	return max(0, min(i, n))
}

// iterItems are the items `for x in v` visits: a sequence's items, a
// dict's keys, a string's characters, a generator's values; ok is false
// when v is not an iterable the audit knows.
func iterItems(v *Value) ([]*Value, bool) {
	if v == nil {
		return nil, false
	}
	switch v.Kind {
	case List, Tuple, Set:
		return v.Items, true
	case Dict:
		return v.Keys, true
	case Str:
		if tooLong(len(v.S)) {
			return nil, false
		}
		items := make([]*Value, 0, len(v.S))
		for _, r := range v.S {
			items = append(items, derive(NewStr(string(r), v.Pos), v))
		}
		return items, true
	case Object:
		if v.Ident == IdentGenerator {
			return v.Items, true
		}
	}
	return nil, false
}

// comprehension evaluates a list, set or dict comprehension or a
// generator expression over iterables the audit knows. A generator is an
// object (always true) holding the values it yields.
func (e *Evaluator) comprehension(sc *scope, t *py.Comprehension, p Pos) *Value {
	local := e.fork(sc, false) // the loop variables do not leak
	var items, keys, vals, from []*Value
	var fail *Value
	var run func(i int) bool
	run = func(i int) bool {
		if i == len(t.Generators) {
			if t.Kind == py.DictComp {
				keys = append(keys, e.expr(local, t.Elt))
				vals = append(vals, e.expr(local, t.Value))
			} else {
				items = append(items, e.expr(local, t.Elt))
			}
			if tooLong(len(items) + len(keys)) {
				fail = NewUnknown("a comprehension larger than the audit evaluates", p)
				return false
			}
			return true
		}
		g := t.Generators[i]
		it := e.expr(local, g.Iter)
		seq, ok := iterItems(it)
		if !ok || g.Async {
			fail = unknownFrom(p, it)
			if it.Known() {
				fail.Src.Why = "a comprehension over " + ExprText(g.Iter)
			}
			return false
		}
		from = append(from, it)
		for _, x := range seq {
			e.assign(local, g.Target, x)
			keep := true
			for _, cond := range g.Ifs {
				c := e.expr(local, cond)
				b, ok := c.Truth()
				if !ok {
					fail = unknownFrom(p, c)
					return false
				}
				from = append(from, c)
				if !b {
					keep = false
					break
				}
			}
			if keep && !run(i+1) {
				return false
			}
		}
		return true
	}
	if !run(0) {
		return fail
	}
	var out *Value
	switch t.Kind {
	case py.DictComp:
		out = NewDict(p)
		for i := range keys {
			out.Set(keys[i], vals[i])
		}
	case py.SetComp:
		out = NewSeq(Set, nil, p)
		for _, it := range items {
			if !slices.ContainsFunc(out.Items, func(x *Value) bool { return Equal(x, it) }) {
				out.Items = append(out.Items, it)
			}
		}
	case py.GeneratorExp:
		out = newObj(IdentGenerator, "", p)
		out.Items = items
	default:
		out = NewSeq(List, items, p)
	}
	return derive(out, from...)
}

func allKnown(vs []*Value) bool {
	for _, v := range vs {
		if !v.Known() {
			return false
		}
	}
	return true
}
