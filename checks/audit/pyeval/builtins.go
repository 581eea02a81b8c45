package pyeval

// Python's builtins: bool(), str(), list(), sorted(), getattr()...

import (
	"slices"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

func (e *Evaluator) builtin(fn string, a args, p Pos) *Value {
	var x *Value
	if len(a.pos) > 0 {
		x = a.pos[0]
	}
	switch fn {
	case "bool":
		if x == nil {
			return NewBool(false, p)
		}
		if b, ok := x.Truth(); ok {
			return derive(NewBool(b, p), x)
		}
	case "str":
		if x == nil {
			return NewStr("", p)
		}
		if s, ok := pyStr(x); ok {
			return derive(NewStr(s, p), x)
		}
	case "int":
		if x == nil {
			return NewInt(0, p)
		}
		switch x.Kind {
		case Int:
			return x
		case Bool:
			return derive(NewInt(map[bool]int64{true: 1}[x.B], p), x)
		case Float:
			return derive(NewInt(int64(x.F), p), x)
		case Str:
			return e.pyCast(x, "int", p)
		}
	case "float":
		if x != nil && x.Kind == Str {
			return e.pyCast(x, "float", p)
		}
		if f, ok := number(x); ok {
			return derive(NewFloat(f, p), x)
		}
	case "list", "tuple", "set", "sorted", "reversed":
		kind := map[string]Kind{"list": List, "tuple": Tuple, "set": Set, "sorted": List, "reversed": List}[fn]
		if x == nil {
			return NewSeq(kind, nil, p)
		}
		items, ok := iterItems(x)
		if !ok || len(a.kw) > 0 {
			break
		}
		out := derive(NewSeq(kind, nil, p), x)
		for _, it := range items {
			if kind == Set && slices.ContainsFunc(out.Items, func(y *Value) bool { return Equal(y, it) }) {
				continue
			}
			out.Items = append(out.Items, it)
		}
		switch fn {
		case "reversed":
			slices.Reverse(out.Items)
		case "sorted":
			var less func(a, b *Value) (bool, bool)
			less = func(a, b *Value) (bool, bool) { return compare(py.Lt, a, b) }
			bad := false
			slices.SortStableFunc(out.Items, func(a, b *Value) int {
				if lt, ok := less(a, b); !ok {
					bad = true
				} else if lt {
					return -1
				} else if gt, _ := less(b, a); gt {
					return 1
				}
				return 0
			})
			if bad {
				return NewUnknown("sorted() of values the audit cannot order", p)
			}
		}
		return out
	case "filter":
		// filter(None, xs) and filter(bool, xs) keep the truthy items.
		if len(a.pos) != 2 || !(a.pos[0].Kind == None || a.pos[0].Kind == Object && a.pos[0].Ident == IdentBuiltin && a.pos[0].S == "bool") {
			return NewUnknown("filter() with a function the audit does not model", p)
		}
		items, ok := iterItems(a.pos[1])
		if !ok {
			return unknownFrom(p, a.pos[1])
		}
		out := derive(newObj(IdentGenerator, "", p), a.pos[1])
		for _, it := range items {
			t, ok := it.Truth()
			if !ok {
				return unknownFrom(p, it)
			}
			if t {
				out.Items = append(out.Items, it)
			}
		}
		return out
	case "any", "all":
		items, ok := iterItems(x)
		if !ok || len(a.pos) != 1 {
			break
		}
		for _, it := range items {
			t, ok := it.Truth()
			if !ok {
				return unknownFrom(p, it)
			}
			if t == (fn == "any") {
				return derive(NewBool(t, p), x, it)
			}
		}
		return derive(NewBool(fn == "all", p), x)
	case "sum":
		items, ok := iterItems(x)
		if !ok || len(a.pos) > 1 || len(a.kw) > 0 {
			break
		}
		total := NewInt(0, p)
		for _, it := range items {
			total = e.binop(nil, py.Add, total, it, p)
			if !total.Known() {
				return total
			}
		}
		return derive(total, x)
	case "min", "max":
		items := a.pos
		if len(a.pos) == 1 {
			var ok bool
			if items, ok = iterItems(x); !ok {
				break
			}
		}
		if len(items) == 0 || len(a.kw) > 0 {
			break
		}
		best := items[0]
		for _, it := range items[1:] {
			op := py.Lt
			if fn == "max" {
				op = py.Gt
			}
			better, ok := compare(op, it, best)
			if !ok {
				return unknownFrom(p, it, best)
			}
			if better {
				best = it
			}
		}
		return best
	case "getattr":
		if len(a.pos) < 2 || len(a.pos) > 3 {
			break
		}
		name, ok := a.pos[1].Str()
		if ok && x.Kind == None && len(a.pos) == 3 && !strings.HasPrefix(name, "__") {
			return a.pos[2] // None has no such attribute
		}
		if !ok || x.Kind != Object || x.Attrs == nil || x.Ident != IdentModule {
			return unknownFrom(p, x, a.pos[1])
		}
		if v, ok := x.Attrs[name]; ok {
			return v
		}
		if len(a.pos) == 3 {
			return a.pos[2]
		}
		e.raise("AttributeError", name)
		return NewUnknown("AttributeError: "+name, p)
	case "dict":
		d := NewDict(p)
		if x != nil && x.Kind == Dict {
			for i := range x.Keys {
				d.Set(x.Keys[i], x.Vals[i])
			}
		}
		for k, v := range a.kw {
			d.Set(NewStr(k, p), v)
		}
		return d
	case "range":
		bounds := make([]int64, 0, 3)
		for _, b := range a.pos {
			if b.Kind != Int {
				return unknownFrom(p, b)
			}
			bounds = append(bounds, b.I)
		}
		lo, hi, step := int64(0), int64(0), int64(1)
		switch len(bounds) {
		case 1:
			hi = bounds[0]
		case 2:
			lo, hi = bounds[0], bounds[1]
		case 3:
			lo, hi, step = bounds[0], bounds[1], bounds[2]
		default:
			return NewUnknown("range() with these arguments", p)
		}
		if step == 0 {
			e.raise("ValueError", "range() arg 3 must not be zero")
			return NewUnknown("range() arg 3 must not be zero", p)
		}
		out := derive(NewSeq(List, nil, p), a.pos...)
		for i := lo; (step > 0 && i < hi) || (step < 0 && i > hi); i += step {
			if len(out.Items) >= 10000 {
				return NewUnknown("a range longer than the audit evaluates", p)
			}
			out.Items = append(out.Items, NewInt(i, p))
		}
		return out
	case "len":
		switch {
		case x == nil:
		case x.Kind == Str:
			return derive(NewInt(int64(len([]rune(x.S))), p), x)
		case x.Kind == List || x.Kind == Tuple || x.Kind == Set:
			return derive(NewInt(int64(len(x.Items)), p), x)
		case x.Kind == Dict:
			return derive(NewInt(int64(len(x.Keys)), p), x)
		}
	}
	for _, v := range a.pos {
		if !v.Known() {
			return unknownFrom(p, v)
		}
	}
	if x != nil && !x.Known() {
		return unknownFrom(p, x)
	}
	return NewUnknown(fn+"()", p)
}
