package python

// Visitor's Visit method is invoked for each node encountered by Walk. If
// the result visitor w is not nil, Walk visits each of the children of node
// with w, followed by a call of w.Visit(nil).
type Visitor interface {
	Visit(node Node) (w Visitor)
}

// Walk traverses a syntax tree in depth-first, source order: it starts by
// calling v.Visit(node); node must not be nil.
func Walk(v Visitor, node Node) {
	if v = v.Visit(node); v == nil {
		return
	}
	exprs := func(list []Expr) {
		for _, x := range list {
			if x != nil {
				Walk(v, x)
			}
		}
	}
	expr := func(x Expr) {
		if x != nil {
			Walk(v, x)
		}
	}
	stmts := func(list []Stmt) {
		for _, s := range list {
			if s != nil {
				Walk(v, s)
			}
		}
	}
	name := func(n *Name) {
		if n != nil {
			Walk(v, n)
		}
	}
	params := func(ps *Params) {
		if ps != nil {
			Walk(v, ps)
		}
	}
	typeParams := func(list []*TypeParam) {
		for _, tp := range list {
			Walk(v, tp)
		}
	}
	keywords := func(list []*Keyword) {
		for _, k := range list {
			Walk(v, k)
		}
	}

	switch n := node.(type) {
	case *Module:
		stmts(n.Body)

	// Expressions.
	case *BadExpr, *Name, *Number, *String, *Constant:
	case *FString:
		exprs(n.Values)
	case *FormattedValue:
		expr(n.Value)
		if n.Spec != nil {
			Walk(v, n.Spec)
		}
	case *Tuple:
		exprs(n.Elts)
	case *List:
		exprs(n.Elts)
	case *Set:
		exprs(n.Elts)
	case *Dict:
		for i := range n.Values {
			expr(n.Keys[i])
			expr(n.Values[i])
		}
	case *Comprehension:
		expr(n.Elt)
		expr(n.Value)
		for _, g := range n.Generators {
			Walk(v, g)
		}
	case *CompFor:
		expr(n.Target)
		expr(n.Iter)
		exprs(n.Ifs)
	case *Attribute:
		expr(n.X)
		name(n.Attr)
	case *Subscript:
		expr(n.X)
		expr(n.Index)
	case *Slice:
		expr(n.Lower)
		expr(n.Upper)
		expr(n.Step)
	case *Call:
		expr(n.Func)
		exprs(n.Args)
		keywords(n.Keywords)
	case *Keyword:
		name(n.Arg)
		expr(n.Value)
	case *Starred:
		expr(n.X)
	case *UnaryOp:
		expr(n.X)
	case *BinOp:
		expr(n.X)
		expr(n.Y)
	case *BoolOp:
		exprs(n.Values)
	case *Compare:
		expr(n.Left)
		exprs(n.Comparators)
	case *IfExp:
		expr(n.Body)
		expr(n.Test)
		expr(n.OrElse)
	case *Lambda:
		params(n.Params)
		expr(n.Body)
	case *NamedExpr:
		name(n.Target)
		expr(n.Value)
	case *Await:
		expr(n.X)
	case *Yield:
		expr(n.Value)
	case *MatchAs:
		expr(n.Pattern)
		name(n.Name)

	// Auxiliary nodes.
	case *Params:
		for _, list := range [][]*Param{n.PosOnly, n.Args} {
			for _, p := range list {
				Walk(v, p)
			}
		}
		if n.VarArg != nil {
			Walk(v, n.VarArg)
		}
		for _, p := range n.KwOnly {
			Walk(v, p)
		}
		if n.KwArg != nil {
			Walk(v, n.KwArg)
		}
	case *Param:
		name(n.Name)
		expr(n.Annotation)
		expr(n.Default)
	case *TypeParam:
		name(n.Name)
		expr(n.Bound)
		expr(n.Default)
	case *Alias:
	case *WithItem:
		expr(n.Context)
		expr(n.Vars)
	case *ExceptHandler:
		expr(n.Type)
		name(n.Name)
		stmts(n.Body)
	case *MatchCase:
		expr(n.Pattern)
		expr(n.Guard)
		stmts(n.Body)

	// Statements.
	case *BadStmt:
		if n.Partial != nil {
			Walk(v, n.Partial)
		}
		stmts(n.Body)
	case *ExprStmt:
		expr(n.X)
	case *Assign:
		exprs(n.Targets)
		expr(n.Value)
	case *AnnAssign:
		expr(n.Target)
		expr(n.Annotation)
		expr(n.Value)
	case *AugAssign:
		expr(n.Target)
		expr(n.Value)
	case *Delete:
		exprs(n.Targets)
	case *Pass, *Break, *Continue:
	case *Import:
		for _, a := range n.Names {
			Walk(v, a)
		}
	case *ImportFrom:
		for _, a := range n.Names {
			Walk(v, a)
		}
	case *If:
		expr(n.Test)
		stmts(n.Body)
		stmts(n.Else)
	case *For:
		expr(n.Target)
		expr(n.Iter)
		stmts(n.Body)
		stmts(n.Else)
	case *While:
		expr(n.Test)
		stmts(n.Body)
		stmts(n.Else)
	case *With:
		for _, it := range n.Items {
			Walk(v, it)
		}
		stmts(n.Body)
	case *Try:
		stmts(n.Body)
		for _, h := range n.Handlers {
			Walk(v, h)
		}
		stmts(n.Else)
		stmts(n.Finally)
	case *FunctionDef:
		exprs(n.Decorators)
		name(n.Name)
		typeParams(n.TypeParams)
		params(n.Params)
		expr(n.Returns)
		stmts(n.Body)
	case *ClassDef:
		exprs(n.Decorators)
		name(n.Name)
		typeParams(n.TypeParams)
		exprs(n.Bases)
		keywords(n.Keywords)
		stmts(n.Body)
	case *Return:
		expr(n.Value)
	case *Raise:
		expr(n.Exc)
		expr(n.Cause)
	case *Global:
		for _, x := range n.Names {
			Walk(v, x)
		}
	case *Nonlocal:
		for _, x := range n.Names {
			Walk(v, x)
		}
	case *Assert:
		expr(n.Test)
		expr(n.Msg)
	case *Match:
		expr(n.Subject)
		for _, c := range n.Cases {
			Walk(v, c)
		}
	case *TypeAlias:
		name(n.Name)
		typeParams(n.TypeParams)
		expr(n.Value)
	}
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(node Node) Visitor {
	if node != nil && f(node) {
		return f
	}
	return nil
}

// Inspect traverses a syntax tree in depth-first, source order: it starts
// by calling f(node); if f returns true, Inspect invokes f recursively for
// each child of node.
func Inspect(node Node, f func(Node) bool) {
	Walk(inspector(f), node)
}
