package python

import (
	"math/big"
	"strconv"
	"strings"
)

// Node is implemented by every syntax tree node.
type Node interface {
	Pos() Pos // start of the node
	End() Pos // position just after the node
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Span is embedded in every node and records its extent.
type Span struct {
	StartPos Pos
	EndPos   Pos
}

// Pos returns the start of the span.
func (s Span) Pos() Pos { return s.StartPos }

// End returns the position just after the span.
func (s Span) End() Pos { return s.EndPos }

// Module is the result of parsing a file.
type Module struct {
	Span
	Filename    string
	Body        []Stmt
	Comments    []Comment
	Diagnostics []Diagnostic // sorted by position
}

// Op is an operator in a unary, binary, boolean or comparison expression.
type Op uint8

// Operators.
const (
	BadOp Op = iota
	// Binary.
	Add
	Sub
	Mult
	MatMult
	Div
	FloorDiv
	Mod
	Pow
	LShift
	RShift
	BitOr
	BitXor
	BitAnd
	// Unary.
	UAdd
	USub
	Invert
	Not
	// Boolean.
	And
	Or
	// Comparison.
	Eq
	NotEq
	Lt
	LtE
	Gt
	GtE
	Is
	IsNot
	In
	NotIn
)

var opNames = [...]string{
	BadOp: "?", Add: "+", Sub: "-", Mult: "*", MatMult: "@", Div: "/", FloorDiv: "//",
	Mod: "%", Pow: "**", LShift: "<<", RShift: ">>", BitOr: "|", BitXor: "^", BitAnd: "&",
	UAdd: "+", USub: "-", Invert: "~", Not: "not", And: "and", Or: "or",
	Eq: "==", NotEq: "!=", Lt: "<", LtE: "<=", Gt: ">", GtE: ">=",
	Is: "is", IsNot: "is not", In: "in", NotIn: "not in",
}

// String returns the operator as written in Python.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "?"
}

// NumberKind classifies numeric literals.
type NumberKind uint8

// Number kinds.
const (
	Int NumberKind = iota
	Float
	Imaginary
)

// ConstKind identifies a named constant.
type ConstKind uint8

// Constant kinds.
const (
	ConstNone ConstKind = iota
	ConstTrue
	ConstFalse
	ConstEllipsis
)

// String returns the constant as written in Python.
func (k ConstKind) String() string {
	return [...]string{"None", "True", "False", "..."}[k]
}

// CompKind is the kind of a comprehension.
type CompKind uint8

// Comprehension kinds.
const (
	ListComp CompKind = iota
	SetComp
	DictComp
	GeneratorExp
)

// Expressions.
type (
	// BadExpr stands for an expression that could not be parsed.
	BadExpr struct {
		Span
	}

	// Name is an identifier.
	Name struct {
		Span
		ID string
	}

	// Number is a numeric literal; see the Int and Float methods.
	Number struct {
		Span
		Raw  string // source text, e.g. "0x_ff" or "1e3j"
		Kind NumberKind
	}

	// String is a string or bytes literal, possibly the implicit
	// concatenation of several adjacent literals.
	String struct {
		Span
		Value string // decoded value; for bytes, one byte per byte
		Bytes bool
	}

	// FString is an f-string (or a concatenation including one). Values
	// holds *String pieces and *FormattedValue fields in order. As in
	// CPython, a self-documenting field {x=} becomes the literal "x="
	// followed by the field {x!r}.
	FString struct {
		Span
		Values []Expr
	}

	// FormattedValue is a replacement field {Value!Conversion:Spec}.
	FormattedValue struct {
		Span
		Value      Expr
		Conversion byte     // 'r', 's', 'a' or 0
		Spec       *FString // nil if there is no format spec
	}

	// Constant is None, True, False or "...".
	Constant struct {
		Span
		Kind ConstKind
	}

	// Tuple is a tuple display or an unparenthesized comma list.
	Tuple struct {
		Span
		Elts          []Expr
		Parenthesized bool
	}

	// List is a list display.
	List struct {
		Span
		Elts []Expr
	}

	// Set is a set display.
	Set struct {
		Span
		Elts []Expr
	}

	// Dict is a dict display. For a "**mapping" item Keys[i] is nil.
	Dict struct {
		Span
		Keys   []Expr
		Values []Expr
	}

	// Comprehension is a list, set or dict comprehension or a generator
	// expression. For dict comprehensions Elt is the key and Value the
	// value.
	Comprehension struct {
		Span
		Kind       CompKind
		Elt        Expr
		Value      Expr
		Generators []*CompFor
	}

	// CompFor is one "for ... in ... if ..." clause of a comprehension.
	CompFor struct {
		Span
		Async  bool
		Target Expr
		Iter   Expr
		Ifs    []Expr
	}

	// Attribute is X.Attr.
	Attribute struct {
		Span
		X    Expr
		Attr *Name
	}

	// Subscript is X[Index]; several indices form a Tuple.
	Subscript struct {
		Span
		X     Expr
		Index Expr
	}

	// Slice is lower:upper:step inside a subscript; parts may be nil.
	Slice struct {
		Span
		Lower, Upper, Step Expr
	}

	// Call is Func(Args..., Keywords...). "*x" arguments are *Starred in
	// Args; "**x" arguments are Keywords with a nil Arg.
	Call struct {
		Span
		Func     Expr
		Args     []Expr
		Keywords []*Keyword
	}

	// Keyword is a keyword argument name=value, or **value if Arg is nil.
	Keyword struct {
		Span
		Arg   *Name
		Value Expr
	}

	// Starred is *X.
	Starred struct {
		Span
		X Expr
	}

	// UnaryOp is Op X, for +, -, ~ and not.
	UnaryOp struct {
		Span
		Op Op
		X  Expr
	}

	// BinOp is X Op Y.
	BinOp struct {
		Span
		X  Expr
		Op Op
		Y  Expr
	}

	// BoolOp is Values[0] Op Values[1] Op ... for "and" / "or".
	BoolOp struct {
		Span
		Op     Op
		Values []Expr
	}

	// Compare is Left Ops[0] Comparators[0] Ops[1] Comparators[1] ...
	Compare struct {
		Span
		Left        Expr
		Ops         []Op
		Comparators []Expr
	}

	// IfExp is Body if Test else OrElse.
	IfExp struct {
		Span
		Test, Body, OrElse Expr
	}

	// Lambda is lambda Params: Body.
	Lambda struct {
		Span
		Params *Params
		Body   Expr
	}

	// NamedExpr is Target := Value.
	NamedExpr struct {
		Span
		Target *Name
		Value  Expr
	}

	// Await is await X.
	Await struct {
		Span
		X Expr
	}

	// Yield is "yield Value" or "yield from Value"; Value may be nil.
	Yield struct {
		Span
		Value Expr
		From  bool
	}

	// MatchAs is a "pattern as name" in a match statement's case.
	MatchAs struct {
		Span
		Pattern Expr
		Name    *Name
	}
)

func (*BadExpr) exprNode()        {}
func (*Name) exprNode()           {}
func (*Number) exprNode()         {}
func (*String) exprNode()         {}
func (*FString) exprNode()        {}
func (*FormattedValue) exprNode() {}
func (*Constant) exprNode()       {}
func (*Tuple) exprNode()          {}
func (*List) exprNode()           {}
func (*Set) exprNode()            {}
func (*Dict) exprNode()           {}
func (*Comprehension) exprNode()  {}
func (*Attribute) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*Slice) exprNode()          {}
func (*Call) exprNode()           {}
func (*Starred) exprNode()        {}
func (*UnaryOp) exprNode()        {}
func (*BinOp) exprNode()          {}
func (*BoolOp) exprNode()         {}
func (*Compare) exprNode()        {}
func (*IfExp) exprNode()          {}
func (*Lambda) exprNode()         {}
func (*NamedExpr) exprNode()      {}
func (*Await) exprNode()          {}
func (*Yield) exprNode()          {}
func (*MatchAs) exprNode()        {}

// Int returns the value of an integer literal.
func (n *Number) Int() (*big.Int, bool) {
	if n.Kind != Int {
		return nil, false
	}
	// Base 0 understands the 0x/0o/0b prefixes; Python forbids other
	// leading zeros except in "00...", which is zero in any base.
	v, ok := new(big.Int).SetString(strings.ReplaceAll(n.Raw, "_", ""), 0)
	return v, ok
}

// Float returns the value of an integer or float literal as a float64; for
// imaginary literals it returns the imaginary part.
func (n *Number) Float() (float64, bool) {
	s := strings.ReplaceAll(n.Raw, "_", "")
	if n.Kind == Int {
		v, ok := n.Int()
		if !ok {
			return 0, false
		}
		f, _ := new(big.Float).SetInt(v).Float64()
		return f, true
	}
	s = strings.TrimRight(s, "jJ")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, false
	}
	return f, true
}

// Params is a parameter list of a def or lambda.
type Params struct {
	Span
	PosOnly []*Param // parameters before "/"
	Args    []*Param // ordinary parameters
	VarArg  *Param   // *args, or nil
	KwOnly  []*Param // parameters after "*" or *args
	KwArg   *Param   // **kwargs, or nil
}

// Param is one parameter; Annotation and Default may be nil.
type Param struct {
	Span
	Name       *Name
	Annotation Expr
	Default    Expr
}

// TypeParam is a PEP 695 type parameter such as T, *Ts, **P or T: Bound.
type TypeParam struct {
	Span
	Name    *Name
	Stars   int  // 0, 1 (*Ts) or 2 (**P)
	Bound   Expr // may be nil
	Default Expr // may be nil
}

// Alias is an imported name: Name [as AsName]. Name is dotted for plain
// imports and "*" for star imports.
type Alias struct {
	Span
	Name   string
	AsName string
}

// WithItem is "Context [as Vars]" in a with statement.
type WithItem struct {
	Span
	Context Expr
	Vars    Expr // may be nil
}

// ExceptHandler is an except clause; Type and Name may be nil.
type ExceptHandler struct {
	Span
	Type Expr
	Name *Name
	Body []Stmt
}

// MatchCase is a case block of a match statement. Patterns are represented
// with expression nodes: captures and wildcards are *Name, sequences *List
// or *Tuple, mappings *Dict, class patterns *Call, alternatives are *BinOp
// with BitOr, and "as" bindings *MatchAs.
type MatchCase struct {
	Span
	Pattern Expr
	Guard   Expr // may be nil
	Body    []Stmt
}

// Statements.
type (
	// BadStmt covers source that could not be parsed. Partial holds the
	// statement as far as it was understood, if anything was; Body holds
	// the statements of an indented block that followed a broken compound
	// statement header.
	BadStmt struct {
		Span
		Partial Stmt
		Body    []Stmt
	}

	// ExprStmt is an expression used as a statement.
	ExprStmt struct {
		Span
		X Expr
	}

	// Assign is Targets[0] = Targets[1] = ... = Value.
	Assign struct {
		Span
		Targets []Expr
		Value   Expr
	}

	// AnnAssign is Target: Annotation [= Value].
	AnnAssign struct {
		Span
		Target     Expr
		Annotation Expr
		Value      Expr // may be nil
	}

	// AugAssign is Target Op= Value.
	AugAssign struct {
		Span
		Target Expr
		Op     Op
		Value  Expr
	}

	// Delete is del Targets.
	Delete struct {
		Span
		Targets []Expr
	}

	// Pass is the pass statement.
	Pass struct{ Span }

	// Break is the break statement.
	Break struct{ Span }

	// Continue is the continue statement.
	Continue struct{ Span }

	// Import is import a.b as c, d.
	Import struct {
		Span
		Names []*Alias
	}

	// ImportFrom is from [dots]Module import Names. Level counts the
	// leading dots; Module is "" for "from . import x".
	ImportFrom struct {
		Span
		Module string
		Level  int
		Names  []*Alias
	}

	// If is if/elif/else; an elif is an *If as the only statement of Else.
	If struct {
		Span
		Test Expr
		Body []Stmt
		Else []Stmt
	}

	// For is [async] for Target in Iter: Body else: Else.
	For struct {
		Span
		Async  bool
		Target Expr
		Iter   Expr
		Body   []Stmt
		Else   []Stmt
	}

	// While is while Test: Body else: Else.
	While struct {
		Span
		Test Expr
		Body []Stmt
		Else []Stmt
	}

	// With is [async] with Items: Body.
	With struct {
		Span
		Async bool
		Items []*WithItem
		Body  []Stmt
	}

	// Try is try/except/else/finally; Star is set for except*.
	Try struct {
		Span
		Body     []Stmt
		Handlers []*ExceptHandler
		Else     []Stmt
		Finally  []Stmt
		Star     bool
	}

	// FunctionDef is a [async] def with its decorators.
	FunctionDef struct {
		Span
		Decorators []Expr
		Async      bool
		Name       *Name
		TypeParams []*TypeParam
		Params     *Params
		Returns    Expr // may be nil
		Body       []Stmt
	}

	// ClassDef is a class statement with its decorators.
	ClassDef struct {
		Span
		Decorators []Expr
		Name       *Name
		TypeParams []*TypeParam
		Bases      []Expr
		Keywords   []*Keyword
		Body       []Stmt
	}

	// Return is return [Value].
	Return struct {
		Span
		Value Expr
	}

	// Raise is raise [Exc [from Cause]].
	Raise struct {
		Span
		Exc   Expr
		Cause Expr
	}

	// Global is global Names.
	Global struct {
		Span
		Names []*Name
	}

	// Nonlocal is nonlocal Names.
	Nonlocal struct {
		Span
		Names []*Name
	}

	// Assert is assert Test [, Msg].
	Assert struct {
		Span
		Test Expr
		Msg  Expr
	}

	// Match is a match statement.
	Match struct {
		Span
		Subject Expr
		Cases   []*MatchCase
	}

	// TypeAlias is type Name[TypeParams] = Value.
	TypeAlias struct {
		Span
		Name       *Name
		TypeParams []*TypeParam
		Value      Expr
	}
)

func (*BadStmt) stmtNode()     {}
func (*ExprStmt) stmtNode()    {}
func (*Assign) stmtNode()      {}
func (*AnnAssign) stmtNode()   {}
func (*AugAssign) stmtNode()   {}
func (*Delete) stmtNode()      {}
func (*Pass) stmtNode()        {}
func (*Break) stmtNode()       {}
func (*Continue) stmtNode()    {}
func (*Import) stmtNode()      {}
func (*ImportFrom) stmtNode()  {}
func (*If) stmtNode()          {}
func (*For) stmtNode()         {}
func (*While) stmtNode()       {}
func (*With) stmtNode()        {}
func (*Try) stmtNode()         {}
func (*FunctionDef) stmtNode() {}
func (*ClassDef) stmtNode()    {}
func (*Return) stmtNode()      {}
func (*Raise) stmtNode()       {}
func (*Global) stmtNode()      {}
func (*Nonlocal) stmtNode()    {}
func (*Assert) stmtNode()      {}
func (*Match) stmtNode()       {}
func (*TypeAlias) stmtNode()   {}
