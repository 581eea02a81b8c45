package python

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump formats a node as a compact, single-line S-expression, meant for
// tests and debugging. Names print bare, numbers as written, strings
// Go-quoted (bytes with a b prefix), and compound nodes as
// "(head child...)", e.g. "(= X (+ 1 (* 2 3)))" for X = 1 + 2 * 3.
func Dump(node Node) string {
	var d dumper
	d.node(node)
	return d.String()
}

type dumper struct {
	strings.Builder
}

func (d *dumper) open(head string) {
	d.WriteByte('(')
	d.WriteString(head)
}

func (d *dumper) close() { d.WriteByte(')') }

func (d *dumper) sp() { d.WriteByte(' ') }

// list writes " (head x y z)".
func (d *dumper) stmtList(head string, list []Stmt) {
	d.sp()
	d.open(head)
	for _, s := range list {
		d.sp()
		d.node(s)
	}
	d.close()
}

func (d *dumper) exprs(list []Expr) {
	for _, x := range list {
		d.sp()
		d.node(x)
	}
}

// opt writes " x" if x is non-nil.
func (d *dumper) opt(x Expr) {
	if x != nil {
		d.sp()
		d.node(x)
	}
}

func (d *dumper) name(n *Name) {
	if n == nil {
		d.WriteString("<nil>")
		return
	}
	d.WriteString(n.ID)
}

func (d *dumper) node(node Node) {
	switch n := node.(type) {
	case nil:
		d.WriteString("<nil>")
	case *Module:
		d.open("module")
		for _, s := range n.Body {
			d.sp()
			d.node(s)
		}
		d.close()

	case *BadExpr:
		d.WriteString("(bad)")
	case *Name:
		d.name(n)
	case *Number:
		d.WriteString(n.Raw)
	case *String:
		if n.Bytes {
			d.WriteByte('b')
		}
		d.WriteString(strconv.Quote(n.Value))
	case *Constant:
		d.WriteString(n.Kind.String())
	case *FString:
		d.open("f")
		d.exprs(n.Values)
		d.close()
	case *FormattedValue:
		d.open("fv ")
		d.node(n.Value)
		if n.Conversion != 0 {
			d.WriteString(" !")
			d.WriteByte(n.Conversion)
		}
		if n.Spec != nil {
			d.WriteString(" (spec")
			d.exprs(n.Spec.Values)
			d.close()
		}
		d.close()
	case *Tuple:
		d.open("tuple")
		d.exprs(n.Elts)
		d.close()
	case *List:
		d.open("list")
		d.exprs(n.Elts)
		d.close()
	case *Set:
		d.open("set")
		d.exprs(n.Elts)
		d.close()
	case *Dict:
		d.open("dict")
		for i := range n.Values {
			d.sp()
			if n.Keys[i] == nil {
				d.open("** ")
			} else {
				d.WriteByte('(')
				d.node(n.Keys[i])
				d.sp()
			}
			d.node(n.Values[i])
			d.close()
		}
		d.close()
	case *Comprehension:
		d.open([...]string{"listcomp", "setcomp", "dictcomp", "genexp"}[n.Kind])
		d.opt(n.Elt)
		d.opt(n.Value)
		for _, g := range n.Generators {
			d.sp()
			d.node(g)
		}
		d.close()
	case *CompFor:
		if n.Async {
			d.open("async-for ")
		} else {
			d.open("for ")
		}
		d.node(n.Target)
		d.opt(n.Iter)
		for _, c := range n.Ifs {
			d.WriteString(" (if ")
			d.node(c)
			d.close()
		}
		d.close()
	case *Attribute:
		d.open(". ")
		d.node(n.X)
		d.sp()
		d.name(n.Attr)
		d.close()
	case *Subscript:
		d.open("sub ")
		d.node(n.X)
		d.opt(n.Index)
		d.close()
	case *Slice:
		d.open("slice")
		for _, x := range []Expr{n.Lower, n.Upper, n.Step} {
			d.sp()
			if x == nil {
				d.WriteByte('-')
			} else {
				d.node(x)
			}
		}
		d.close()
	case *Call:
		d.open("call ")
		d.node(n.Func)
		d.exprs(n.Args)
		for _, k := range n.Keywords {
			d.sp()
			d.node(k)
		}
		d.close()
	case *Keyword:
		if n.Arg == nil {
			d.open("** ")
		} else {
			d.open("kw ")
			d.name(n.Arg)
			d.sp()
		}
		d.node(n.Value)
		d.close()
	case *Starred:
		d.open("* ")
		d.node(n.X)
		d.close()
	case *UnaryOp:
		d.open(n.Op.String())
		d.sp()
		d.node(n.X)
		d.close()
	case *BinOp:
		d.open(n.Op.String())
		d.sp()
		d.node(n.X)
		d.sp()
		d.node(n.Y)
		d.close()
	case *BoolOp:
		d.open(n.Op.String())
		d.exprs(n.Values)
		d.close()
	case *Compare:
		if len(n.Ops) == 1 && len(n.Comparators) == 1 {
			d.open(n.Ops[0].String())
			d.sp()
			d.node(n.Left)
			d.sp()
			d.node(n.Comparators[0])
			d.close()
			break
		}
		d.open("cmp ")
		d.node(n.Left)
		for i, op := range n.Ops {
			d.sp()
			d.WriteString(op.String())
			if i < len(n.Comparators) {
				d.sp()
				d.node(n.Comparators[i])
			}
		}
		d.close()
	case *IfExp:
		d.open("? ")
		d.node(n.Test)
		d.sp()
		d.node(n.Body)
		d.sp()
		d.node(n.OrElse)
		d.close()
	case *Lambda:
		d.open("lambda ")
		d.node(n.Params)
		d.sp()
		d.node(n.Body)
		d.close()
	case *NamedExpr:
		d.open(":= ")
		d.name(n.Target)
		d.sp()
		d.node(n.Value)
		d.close()
	case *Await:
		d.open("await ")
		d.node(n.X)
		d.close()
	case *Yield:
		if n.From {
			d.open("yield-from")
		} else {
			d.open("yield")
		}
		d.opt(n.Value)
		d.close()
	case *MatchAs:
		d.open("as ")
		d.node(n.Pattern)
		d.sp()
		d.name(n.Name)
		d.close()

	case *Params:
		d.params(n)
	case *Param:
		d.param(n, "")
	case *TypeParam:
		d.WriteString(strings.Repeat("*", n.Stars))
		d.name(n.Name)
		if n.Bound != nil {
			d.WriteByte(':')
			d.node(n.Bound)
		}
		if n.Default != nil {
			d.WriteByte('=')
			d.node(n.Default)
		}
	case *Alias:
		if n.AsName == "" {
			d.WriteString(n.Name)
		} else {
			fmt.Fprintf(d, "(%s as %s)", n.Name, n.AsName)
		}
	case *WithItem:
		d.open("item ")
		d.node(n.Context)
		d.opt(n.Vars)
		d.close()
	case *ExceptHandler:
		d.open("except")
		d.opt(n.Type)
		if n.Name != nil {
			d.WriteString(" as ")
			d.name(n.Name)
		}
		d.stmtList("body", n.Body)
		d.close()
	case *MatchCase:
		d.open("case ")
		d.node(n.Pattern)
		if n.Guard != nil {
			d.WriteString(" (if ")
			d.node(n.Guard)
			d.close()
		}
		d.stmtList("body", n.Body)
		d.close()

	case *BadStmt:
		d.open("bad-stmt")
		if n.Body != nil {
			d.stmtList("body", n.Body)
		}
		d.close()
	case *ExprStmt:
		d.open("expr ")
		d.node(n.X)
		d.close()
	case *Assign:
		d.open("=")
		d.exprs(n.Targets)
		d.opt(n.Value)
		d.close()
	case *AnnAssign:
		d.open("ann ")
		d.node(n.Target)
		d.opt(n.Annotation)
		d.opt(n.Value)
		d.close()
	case *AugAssign:
		d.open(n.Op.String() + "= ")
		d.node(n.Target)
		d.opt(n.Value)
		d.close()
	case *Delete:
		d.open("del")
		d.exprs(n.Targets)
		d.close()
	case *Pass:
		d.WriteString("(pass)")
	case *Break:
		d.WriteString("(break)")
	case *Continue:
		d.WriteString("(continue)")
	case *Import:
		d.open("import")
		for _, a := range n.Names {
			d.sp()
			d.node(a)
		}
		d.close()
	case *ImportFrom:
		d.open("from ")
		d.WriteString(strings.Repeat(".", n.Level))
		d.WriteString(n.Module)
		for _, a := range n.Names {
			d.sp()
			d.node(a)
		}
		d.close()
	case *If:
		d.open("if ")
		d.node(n.Test)
		d.stmtList("body", n.Body)
		if n.Else != nil {
			d.stmtList("else", n.Else)
		}
		d.close()
	case *For:
		if n.Async {
			d.open("async-for ")
		} else {
			d.open("for ")
		}
		d.node(n.Target)
		d.opt(n.Iter)
		d.stmtList("body", n.Body)
		if n.Else != nil {
			d.stmtList("else", n.Else)
		}
		d.close()
	case *While:
		d.open("while ")
		d.node(n.Test)
		d.stmtList("body", n.Body)
		if n.Else != nil {
			d.stmtList("else", n.Else)
		}
		d.close()
	case *With:
		if n.Async {
			d.open("async-with")
		} else {
			d.open("with")
		}
		for _, it := range n.Items {
			d.sp()
			d.node(it)
		}
		d.stmtList("body", n.Body)
		d.close()
	case *Try:
		if n.Star {
			d.open("try*")
		} else {
			d.open("try")
		}
		d.stmtList("body", n.Body)
		for _, h := range n.Handlers {
			d.sp()
			d.node(h)
		}
		if n.Else != nil {
			d.stmtList("else", n.Else)
		}
		if n.Finally != nil {
			d.stmtList("finally", n.Finally)
		}
		d.close()
	case *FunctionDef:
		if n.Async {
			d.open("async-def ")
		} else {
			d.open("def ")
		}
		d.name(n.Name)
		d.typeParams(n.TypeParams)
		d.sp()
		d.node(n.Params)
		if n.Returns != nil {
			d.WriteString(" (-> ")
			d.node(n.Returns)
			d.close()
		}
		if n.Decorators != nil {
			d.WriteString(" (decorators")
			d.exprs(n.Decorators)
			d.close()
		}
		d.stmtList("body", n.Body)
		d.close()
	case *ClassDef:
		d.open("class ")
		d.name(n.Name)
		d.typeParams(n.TypeParams)
		if n.Bases != nil || n.Keywords != nil {
			d.WriteString(" (bases")
			d.exprs(n.Bases)
			for _, k := range n.Keywords {
				d.sp()
				d.node(k)
			}
			d.close()
		}
		if n.Decorators != nil {
			d.WriteString(" (decorators")
			d.exprs(n.Decorators)
			d.close()
		}
		d.stmtList("body", n.Body)
		d.close()
	case *Return:
		d.open("return")
		d.opt(n.Value)
		d.close()
	case *Raise:
		d.open("raise")
		d.opt(n.Exc)
		if n.Cause != nil {
			d.WriteString(" (from ")
			d.node(n.Cause)
			d.close()
		}
		d.close()
	case *Global:
		d.open("global")
		for _, x := range n.Names {
			d.sp()
			d.name(x)
		}
		d.close()
	case *Nonlocal:
		d.open("nonlocal")
		for _, x := range n.Names {
			d.sp()
			d.name(x)
		}
		d.close()
	case *Assert:
		d.open("assert ")
		d.node(n.Test)
		d.opt(n.Msg)
		d.close()
	case *Match:
		d.open("match ")
		d.node(n.Subject)
		for _, c := range n.Cases {
			d.sp()
			d.node(c)
		}
		d.close()
	case *TypeAlias:
		d.open("type ")
		d.name(n.Name)
		d.typeParams(n.TypeParams)
		d.opt(n.Value)
		d.close()
	default:
		fmt.Fprintf(d, "(?%T)", node)
	}
}

func (d *dumper) typeParams(list []*TypeParam) {
	if list == nil {
		return
	}
	d.WriteString("[")
	for i, tp := range list {
		if i > 0 {
			d.sp()
		}
		d.node(tp)
	}
	d.WriteString("]")
}

func (d *dumper) params(ps *Params) {
	if ps == nil {
		d.WriteString("(params)")
		return
	}
	d.open("params")
	for _, p := range ps.PosOnly {
		d.param(p, "")
	}
	if ps.PosOnly != nil {
		d.WriteString(" /")
	}
	for _, p := range ps.Args {
		d.param(p, "")
	}
	if ps.VarArg != nil {
		d.param(ps.VarArg, "*")
	} else if ps.KwOnly != nil {
		d.WriteString(" *")
	}
	for _, p := range ps.KwOnly {
		d.param(p, "")
	}
	if ps.KwArg != nil {
		d.param(ps.KwArg, "**")
	}
	d.close()
}

// param writes " name[:annotation][=default]" with the given star prefix.
func (d *dumper) param(p *Param, stars string) {
	d.sp()
	d.WriteString(stars)
	d.name(p.Name)
	if p.Annotation != nil {
		d.WriteByte(':')
		d.node(p.Annotation)
	}
	if p.Default != nil {
		d.WriteByte('=')
		d.node(p.Default)
	}
}
