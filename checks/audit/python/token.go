package python

import "fmt"

// Pos is a position in the source.
type Pos struct {
	Line   int // 1-based line number
	Col    int // 1-based column, counted in Unicode code points within the line
	Offset int // 0-based byte offset into the source
}

// IsValid reports whether the position has been set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Diagnostic is a syntax error (or other problem) found while tokenizing or
// parsing.
type Diagnostic struct {
	Pos Pos    // where the problem starts
	End Pos    // where it ends (may equal Pos)
	Msg string // human-readable message, without position
}

// String formats the diagnostic as "line:col: message".
func (d Diagnostic) String() string { return fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg) }

// Comment is a "#" comment; Text includes the leading "#".
type Comment struct {
	Pos  Pos
	Text string
}

// Kind is the kind of a token.
type Kind uint8

// Token kinds. The names follow CPython's token module.
const (
	EOF     Kind = iota
	ILLEGAL      // malformed input; a diagnostic has been recorded
	NEWLINE
	INDENT
	DEDENT
	NAME
	NUMBER
	STRING // any string literal, including f-strings (see StringInfo)

	// Operators and delimiters.
	LPAR
	RPAR
	LSQB
	RSQB
	LBRACE
	RBRACE
	COLON
	COMMA
	SEMI
	PLUS
	MINUS
	STAR
	SLASH
	VBAR
	AMPER
	LESS
	GREATER
	EQUAL
	DOT
	PERCENT
	EQEQUAL
	NOTEQUAL
	LESSEQUAL
	GREATEREQUAL
	TILDE
	CIRCUMFLEX
	LEFTSHIFT
	RIGHTSHIFT
	DOUBLESTAR
	PLUSEQUAL
	MINEQUAL
	STAREQUAL
	SLASHEQUAL
	PERCENTEQUAL
	AMPEREQUAL
	VBAREQUAL
	CIRCUMFLEXEQUAL
	LEFTSHIFTEQUAL
	RIGHTSHIFTEQUAL
	DOUBLESTAREQUAL
	DOUBLESLASH
	DOUBLESLASHEQUAL
	AT
	ATEQUAL
	RARROW
	ELLIPSIS
	COLONEQUAL
	EXCLAMATION

	// Hard keywords. Soft keywords (match, case, type, _) are NAME tokens.
	FALSE
	NONE
	TRUE
	AND
	AS
	ASSERT
	ASYNC
	AWAIT
	BREAK
	CLASS
	CONTINUE
	DEF
	DEL
	ELIF
	ELSE
	EXCEPT
	FINALLY
	FOR
	FROM
	GLOBAL
	IF
	IMPORT
	IN
	IS
	LAMBDA
	NONLOCAL
	NOT
	OR
	PASS
	RAISE
	RETURN
	TRY
	WHILE
	WITH
	YIELD

	numKinds
)

var kindNames = [numKinds]string{
	EOF: "EOF", ILLEGAL: "ILLEGAL", NEWLINE: "NEWLINE", INDENT: "INDENT", DEDENT: "DEDENT",
	NAME: "NAME", NUMBER: "NUMBER", STRING: "STRING",
	LPAR: "(", RPAR: ")", LSQB: "[", RSQB: "]", LBRACE: "{", RBRACE: "}",
	COLON: ":", COMMA: ",", SEMI: ";", PLUS: "+", MINUS: "-", STAR: "*", SLASH: "/",
	VBAR: "|", AMPER: "&", LESS: "<", GREATER: ">", EQUAL: "=", DOT: ".", PERCENT: "%",
	EQEQUAL: "==", NOTEQUAL: "!=", LESSEQUAL: "<=", GREATEREQUAL: ">=", TILDE: "~",
	CIRCUMFLEX: "^", LEFTSHIFT: "<<", RIGHTSHIFT: ">>", DOUBLESTAR: "**",
	PLUSEQUAL: "+=", MINEQUAL: "-=", STAREQUAL: "*=", SLASHEQUAL: "/=", PERCENTEQUAL: "%=",
	AMPEREQUAL: "&=", VBAREQUAL: "|=", CIRCUMFLEXEQUAL: "^=", LEFTSHIFTEQUAL: "<<=",
	RIGHTSHIFTEQUAL: ">>=", DOUBLESTAREQUAL: "**=", DOUBLESLASH: "//", DOUBLESLASHEQUAL: "//=",
	AT: "@", ATEQUAL: "@=", RARROW: "->", ELLIPSIS: "...", COLONEQUAL: ":=", EXCLAMATION: "!",
	FALSE: "False", NONE: "None", TRUE: "True", AND: "and", AS: "as", ASSERT: "assert",
	ASYNC: "async", AWAIT: "await", BREAK: "break", CLASS: "class", CONTINUE: "continue",
	DEF: "def", DEL: "del", ELIF: "elif", ELSE: "else", EXCEPT: "except", FINALLY: "finally",
	FOR: "for", FROM: "from", GLOBAL: "global", IF: "if", IMPORT: "import", IN: "in", IS: "is",
	LAMBDA: "lambda", NONLOCAL: "nonlocal", NOT: "not", OR: "or", PASS: "pass", RAISE: "raise",
	RETURN: "return", TRY: "try", WHILE: "while", WITH: "with", YIELD: "yield",
}

// String returns the token kind's name: the literal text for operators and
// keywords, an upper-case name otherwise.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// IsKeyword reports whether k is a hard keyword.
func (k Kind) IsKeyword() bool { return k >= FALSE && k <= YIELD }

// IsOperator reports whether k is an operator or delimiter.
func (k Kind) IsOperator() bool { return k >= LPAR && k <= EXCLAMATION }

var keywords = func() map[string]Kind {
	m := make(map[string]Kind, YIELD-FALSE+1)
	for k := FALSE; k <= YIELD; k++ {
		m[kindNames[k]] = k
	}
	return m
}()

// Token is a lexical token.
type Token struct {
	Kind Kind
	// Recovery marks a NEWLINE that the lexer inserted to end a statement
	// whose brackets were left unclosed; the lexer has reported the error.
	Recovery bool
	Pos      Pos    // start of the token
	End      Pos    // position just after the token
	Text     string // source text of the token ("" for synthesized tokens)
	// Str describes STRING tokens; nil for every other kind.
	Str *StringInfo
}

// String formats the token for debugging, e.g. `NAME "x" 1:1`.
func (t Token) String() string {
	return fmt.Sprintf("%s %q %s", t.Kind, t.Text, t.Pos)
}

// StringInfo describes a string literal token.
type StringInfo struct {
	Prefix string // the prefix as written, e.g. "rb" or "F"
	Raw    bool   // prefix contains r/R: escapes are not decoded
	Bytes  bool   // prefix contains b/B
	Format bool   // prefix contains f/F: Parts holds the decoded pieces
	Triple bool   // triple-quoted
	Quote  byte   // the quote character, ' or "
	// Value is the decoded value of a non-f-string. For bytes literals each
	// byte of Value is one byte of the literal.
	Value string
	// Parts are the literal and replacement-field pieces of an f-string.
	Parts []FPart
}

// FPart is one piece of an f-string: either literal text or a replacement
// field such as {expr!r:>10}.
type FPart struct {
	Pos, End Pos // the whole piece, including braces for fields

	// Literal pieces.
	Lit string // decoded literal text (when !IsExpr)

	// Replacement fields.
	IsExpr        bool
	ExprPos       Pos     // start of the expression source
	ExprEnd       int     // byte offset just after the expression source
	ExprLineStart int     // byte offset of the start of ExprPos's line
	Debug         string  // self-documenting text such as "x = " for {x = }, or ""
	Conversion    byte    // 'r', 's', 'a' or 0
	HasSpec       bool    // a ':' format spec is present
	Spec          []FPart // pieces of the format spec (may contain fields)
}
