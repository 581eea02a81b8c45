package python

import (
	"fmt"
	"sort"
	"sync"
)

// lexBuffers are the lexer's token and string-info buffers. The syntax
// tree does not refer to them, so Parse recycles them through bufPool.
type lexBuffers struct {
	toks []Token
	strs []StringInfo
}

var bufPool = sync.Pool{New: func() any { return new(lexBuffers) }}

// maxPooledTokens is the largest token slice capacity kept in bufPool.
const maxPooledTokens = 1 << 16

// maxDepth bounds the nesting of brackets, unary operators and blocks; a
// deeper nesting is reported instead of risking a stack overflow.
const maxDepth = 200

// parser is a recursive-descent parser over a token slice. Errors never
// stop it: the first error in a statement is recorded, the statement is
// abandoned and parsing resumes at the next NEWLINE (see recover.go).
type parser struct {
	src  string
	toks []Token // always ends with EOF
	pos  int     // index of the current token
	tok  *Token  // &toks[pos]

	diags *diagSink
	// stmtErr is set once the current statement has an error; further
	// errors in the same statement are not reported.
	stmtErr bool
	depth   int // current nesting depth
	fdepth  int // f-string nesting depth (sub-parsers)
}

// Parse parses the Python source src. It never returns nil and never
// panics: syntax errors are reported in Module.Diagnostics and the
// statements they affect are replaced by *BadStmt nodes.
func Parse(filename string, src []byte) (m *Module) {
	m = &Module{Filename: filename}
	defer func() {
		if r := recover(); r != nil {
			m.Diagnostics = append(m.Diagnostics, Diagnostic{
				Pos: Pos{Line: 1, Col: 1},
				End: Pos{Line: 1, Col: 1},
				Msg: fmt.Sprintf("internal parser error: %v", r),
			})
		}
	}()
	parseInto(m, src)
	return m
}

// testHook, if set, is called by parseInto; tests use it to check that
// Parse survives a panic.
var testHook func()

// parseInto does the work of Parse without recovering from panics, so that
// tests and fuzzing see them.
func parseInto(m *Module, src []byte) {
	if testHook != nil {
		testHook()
	}
	diags := &diagSink{}
	buf := bufPool.Get().(*lexBuffers)
	l := newLexer(string(src), diags, buf.toks)
	l.strs = buf.strs[:0]
	defer func() {
		if cap(l.toks) <= maxPooledTokens {
			clear(l.toks) // drop references to the source
			clear(l.strs)
			buf.toks, buf.strs = l.toks[:0], l.strs[:0]
			bufPool.Put(buf)
		}
	}()
	l.run()
	m.Comments = l.comments
	p := &parser{src: l.src, toks: l.toks, diags: diags}
	p.tok = &p.toks[0]
	m.StartPos = Pos{Line: 1, Col: 1}
	m.Body = p.parseStmts(nil, false)
	m.EndPos = p.tok.End
	m.Diagnostics = diags.list
	sort.SliceStable(m.Diagnostics, func(i, j int) bool {
		return m.Diagnostics[i].Pos.Offset < m.Diagnostics[j].Pos.Offset
	})
}

// next advances to the next token; it never moves past EOF.
func (p *parser) next() {
	if p.pos < len(p.toks)-1 {
		p.pos++
		p.tok = &p.toks[p.pos]
	}
}

// peek returns the kind of the token n positions ahead.
func (p *parser) peek(n int) Kind {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n].Kind
	}
	return EOF
}

// prevEnd returns the end of the last consumed token, not counting
// NEWLINE, INDENT and DEDENT tokens, so that a compound statement ends with
// the last statement of its block.
func (p *parser) prevEnd() Pos {
	for i := p.pos - 1; i >= 0; i-- {
		switch p.toks[i].Kind {
		case NEWLINE, INDENT, DEDENT:
			continue
		}
		return p.toks[i].End
	}
	return p.tok.Pos
}

// got consumes the current token if it has kind k.
func (p *parser) got(k Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

// isName reports whether the current token is the NAME s (soft keywords).
func (p *parser) isName(s string) bool {
	return p.tok.Kind == NAME && p.tok.Text == s
}

// errorf records a syntax error unless the current statement already has
// one, and marks the statement as erroneous.
func (p *parser) errorf(pos Pos, format string, args ...any) {
	if !p.stmtErr {
		msg := format
		if len(args) > 0 {
			msg = fmt.Sprintf(format, args...)
		}
		p.diags.add(pos, pos, msg)
	}
	p.stmtErr = true
}

// unexpected reports the current token as unexpected. ILLEGAL tokens have
// already been reported by the lexer.
func (p *parser) unexpected(what string) {
	if p.tok.Kind == ILLEGAL || p.tok.Recovery {
		p.stmtErr = true
		return
	}
	if what != "" {
		p.errorf(p.tok.Pos, "invalid syntax: expected %s, found %s", what, describe(p.tok))
		return
	}
	p.errorf(p.tok.Pos, "invalid syntax: unexpected %s", describe(p.tok))
}

// expect consumes a token of kind k or reports an error.
func (p *parser) expect(k Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	p.unexpected("'" + k.String() + "'")
	return false
}

// describe names a token for error messages.
func describe(t *Token) string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case NEWLINE:
		return "end of line"
	case INDENT:
		return "indent"
	case DEDENT:
		return "dedent"
	case NAME:
		return fmt.Sprintf("name %q", t.Text)
	case NUMBER:
		return "number " + t.Text
	case STRING:
		return "string literal"
	}
	return "'" + t.Kind.String() + "'"
}

// enter increases the nesting depth; it reports and returns false when the
// limit is exceeded.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.tok.Pos, "too many nested parentheses, blocks or operators (limit %d)", maxDepth)
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }
