package python

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxDiagnostics bounds the number of diagnostics kept for one file, so
	// that binary garbage cannot produce unbounded output.
	maxDiagnostics = 1000
	// maxTripleRollbacks bounds how often an unterminated triple-quoted
	// string is re-lexed as code (each attempt scans to the end of file).
	maxTripleRollbacks = 8
	// tabSize is the tab width used for indentation.
	tabSize = 8
)

// diagSink collects diagnostics up to maxDiagnostics.
type diagSink struct {
	list []Diagnostic
	full bool
}

func (d *diagSink) add(pos, end Pos, msg string) {
	if d.full {
		return
	}
	if len(d.list) >= maxDiagnostics {
		d.full = true
		d.list = append(d.list, Diagnostic{Pos: pos, End: end, Msg: "too many errors; further diagnostics suppressed"})
		return
	}
	d.list = append(d.list, Diagnostic{Pos: pos, End: end, Msg: msg})
}

// bracket is an open bracket awaiting its closer.
type bracket struct {
	ch     byte // '(', '[' or '{'
	pos    Pos
	indent int // indentation of the logical line containing the bracket
}

// lexer turns source text into tokens. A lexer is used once.
type lexer struct {
	src       string
	off       int // current byte offset
	end       int // offset at which to stop
	line      int // current line number
	lineStart int // offset of the first byte of the current line

	// Column cache: offset colOff on line colLine has column colVal.
	colLine, colOff, colVal int

	toks     []Token
	strs     []StringInfo // chunk from which StringInfo values are allocated
	diags    *diagSink
	comments []Comment

	indents    []int
	lineIndent int // indentation of the current logical line
	brackets   []bracket
	lineHasTok bool // the current logical line has produced a token

	// nested is set for sub-lexers of f-string replacement fields: no
	// NEWLINE/INDENT/DEDENT tokens are produced.
	nested bool

	tripleRollbacks int
	// fErr is the reason an f-string scan failed, if more specific than
	// "unterminated".
	fErr string
	// firstCont is the offset of the first backslash-newline inside the
	// single-quoted string last scanned, or -1.
	firstCont int
}

// Tokenize splits src into tokens. The result always ends with an EOF
// token; problems are reported as diagnostics and ILLEGAL tokens.
func Tokenize(src []byte) ([]Token, []Diagnostic) {
	l := newLexer(string(src), &diagSink{}, nil)
	l.run()
	return l.toks, l.diags.list
}

// newLexer returns a lexer for src that appends tokens to toks[:0]; if toks
// is too small a new slice is allocated.
func newLexer(src string, diags *diagSink, toks []Token) *lexer {
	if want := min(len(src)/4+8, 1<<20); cap(toks) < want {
		toks = make([]Token, 0, want)
	}
	l := &lexer{
		src:     src,
		end:     len(src),
		line:    1,
		diags:   diags,
		indents: make([]int, 1, 8),
		toks:    toks[:0],
	}
	if strings.HasPrefix(src, "\ufeff") { // byte order mark
		l.off = 3
		l.lineStart = 3
	}
	if !utf8.ValidString(src) {
		bad := firstInvalidUTF8(src)
		l.diags.add(l.posSlow(bad), l.posSlow(bad), "source is not valid UTF-8")
	}
	return l
}

// newSubLexer returns a lexer for src[start:end], which begins at the given
// line whose first byte is at lineStart. It is used for f-string fields.
func newSubLexer(src string, start, end, line, lineStart int, diags *diagSink) *lexer {
	return &lexer{
		src:       src,
		off:       start,
		end:       end,
		line:      line,
		lineStart: lineStart,
		diags:     diags,
		indents:   make([]int, 1),
		nested:    true,
	}
}

// startingAt primes the column cache with a known position.
func (l *lexer) startingAt(p Pos) *lexer {
	if p.Offset >= l.lineStart && p.Line == l.line {
		l.colLine, l.colOff, l.colVal = p.Line, p.Offset, p.Col
	}
	return l
}

func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}

// posSlow computes the position of an arbitrary offset from scratch.
func (l *lexer) posSlow(off int) Pos {
	line, start := 1, 0
	if strings.HasPrefix(l.src, "\ufeff") {
		start = 3 // the byte order mark does not count as a column
	}
	for i := 0; i < off && i < len(l.src); i++ {
		switch l.src[i] {
		case '\n':
			line++
			start = i + 1
		case '\r':
			if i+1 < len(l.src) && l.src[i+1] == '\n' {
				continue
			}
			line++
			start = i + 1
		}
	}
	if start > off {
		start = off
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	return Pos{Line: line, Col: utf8.RuneCountInString(l.src[start:off]) + 1, Offset: off}
}

// pos returns the position of offset off, which must lie on the current
// line. Columns are counted in runes incrementally, so scanning a long line
// stays linear.
func (l *lexer) pos(off int) Pos {
	if off < l.lineStart {
		return l.posSlow(off)
	}
	if l.colLine != l.line || l.colOff < l.lineStart {
		l.colLine, l.colOff, l.colVal = l.line, l.lineStart, 1
	}
	if off < l.colOff { // step back from the cached column
		l.colVal -= utf8.RuneCountInString(l.src[off:l.colOff])
		l.colOff = off
		return Pos{Line: l.line, Col: l.colVal, Offset: off}
	}
	seg := l.src[l.colOff:off]
	n := len(seg)
	for i := 0; i < len(seg); i++ {
		if seg[i] >= utf8.RuneSelf {
			n = utf8.RuneCountInString(seg)
			break
		}
	}
	l.colVal += n
	l.colOff = off
	return Pos{Line: l.line, Col: l.colVal, Offset: off}
}

// newline advances over the line terminator at offset i ("\n", "\r\n" or
// "\r"), updates the line counters and returns the offset after it.
func (l *lexer) newline(i int) int {
	if l.src[i] == '\r' && i+1 < l.end && l.src[i+1] == '\n' {
		i++
	}
	i++
	l.line++
	l.lineStart = i
	return i
}

// emit appends a token spanning src[start:l.off]; startPos is its position.
func (l *lexer) emit(kind Kind, start int, startPos Pos) *Token {
	l.toks = append(l.toks, Token{Kind: kind, Pos: startPos, End: l.pos(l.off), Text: l.src[start:l.off]})
	if kind != NEWLINE && kind != INDENT && kind != DEDENT {
		l.lineHasTok = true
	}
	return &l.toks[len(l.toks)-1]
}

// emitEmpty appends a zero-width synthesized token at offset off.
func (l *lexer) emitEmpty(kind Kind, off int) {
	p := l.pos(off)
	l.toks = append(l.toks, Token{Kind: kind, Pos: p, End: p})
}

// run tokenizes the whole input.
func (l *lexer) run() {
	bol := !l.nested // at the beginning of a (non-continuation) physical line
	for {
		if bol {
			bol = false
			l.beginLine()
		}
		for l.off < l.end {
			c := l.src[l.off]
			if c != ' ' && c != '\t' && c != '\f' {
				break
			}
			l.off++
		}
		if l.off >= l.end {
			l.finish()
			return
		}
		c := l.src[l.off]
		switch {
		case c == '\n' || c == '\r':
			start := l.off
			startPos := l.pos(start)
			if !l.nested && len(l.brackets) == 0 && l.lineHasTok {
				l.off = l.newline(start)
				end := Pos{Line: startPos.Line, Col: startPos.Col + l.off - start, Offset: l.off}
				l.toks = append(l.toks, Token{Kind: NEWLINE, Pos: startPos, End: end, Text: l.src[start:l.off]})
				l.lineHasTok = false
			} else {
				l.off = l.newline(start)
			}
			bol = !l.nested
		case c == '#':
			l.comment()
		case c == '\\':
			l.backslash()
		case isASCIILetter(c) || c == '_' || c >= utf8.RuneSelf:
			l.nameOrString()
		case isDigit(c) || (c == '.' && l.off+1 < l.end && isDigit(l.src[l.off+1])):
			l.number()
		case c == '"' || c == '\'':
			l.stringLit(l.off, l.pos(l.off), "")
		default:
			l.operator()
		}
	}
}

func (l *lexer) comment() {
	start := l.off
	p := l.pos(start)
	i := start
	for i < l.end && l.src[i] != '\n' && l.src[i] != '\r' {
		i++
	}
	l.off = i
	if !l.nested {
		l.comments = append(l.comments, Comment{Pos: p, Text: l.src[start:i]})
	}
}

func (l *lexer) backslash() {
	start := l.off
	i := start + 1
	if i < l.end && (l.src[i] == '\n' || l.src[i] == '\r') {
		l.off = l.newline(i) // explicit line joining
		return
	}
	p := l.pos(start)
	l.off = i
	if i >= l.end {
		l.diags.add(p, p, "unexpected end of file after line continuation character")
	} else {
		l.diags.add(p, p, "unexpected character after line continuation character")
	}
	l.emit(ILLEGAL, start, p)
}

// beginLine handles the start of a physical line that is not a
// continuation line: indentation, and recovery from unclosed brackets.
func (l *lexer) beginLine() {
	col := 0
	i := l.off
loop:
	for ; i < l.end; i++ {
		switch l.src[i] {
		case ' ':
			col++
		case '\t':
			col = (col/tabSize + 1) * tabSize
		case '\f':
			col = 0
		default:
			break loop
		}
	}
	if i >= l.end {
		return
	}
	switch l.src[i] {
	case '#', '\n', '\r':
		return // blank or comment-only line
	case '{':
		if l.templateLine(i) {
			return
		}
	case '\\':
		if i+1 < l.end && (l.src[i+1] == '\n' || l.src[i+1] == '\r') {
			return
		}
	}
	if len(l.brackets) > 0 {
		// A line inside brackets that is not indented more than the line
		// that opened them and looks like a statement means a bracket was
		// left unclosed.
		if col > l.brackets[0].indent || !l.looksLikeStatement(i) {
			return // ordinary continuation line inside brackets
		}
		l.unclosedBrackets()
		l.recoveryNewline(l.off) // before any INDENT, which starts at l.off
	}
	l.lineIndent = col
	top := l.indents[len(l.indents)-1]
	switch {
	case col > top:
		l.indents = append(l.indents, col)
		start := l.off
		p := l.pos(start)
		l.off = i
		l.toks = append(l.toks, Token{Kind: INDENT, Pos: p, End: l.pos(i), Text: l.src[start:i]})
	case col < top:
		for len(l.indents) > 1 && col < l.indents[len(l.indents)-1] {
			l.indents = l.indents[:len(l.indents)-1]
			l.emitEmpty(DEDENT, i)
		}
		if col != l.indents[len(l.indents)-1] {
			p := l.pos(i)
			l.diags.add(p, p, "unindent does not match any outer indentation level")
		}
	}
}

// recoveryNewline ends the current logical line after unclosed brackets.
func (l *lexer) recoveryNewline(off int) {
	if l.lineHasTok {
		l.emitEmpty(NEWLINE, off)
		l.toks[len(l.toks)-1].Recovery = true
		l.lineHasTok = false
	}
}

// templateLine skips a line holding only a Jinja/Django template tag or
// comment ("{% if ... %}", "{# ... #}"), as found in project templates such
// as cookiecutter-django, and reports it. The line starts at l.off and its
// first non-blank character is at i.
func (l *lexer) templateLine(i int) bool {
	if i+1 >= l.end || (l.src[i+1] != '%' && l.src[i+1] != '#') {
		return false
	}
	j := i
	for j < l.end && l.src[j] != '\n' && l.src[j] != '\r' {
		j++
	}
	text := strings.TrimRight(l.src[i:j], " \t\f")
	closer := "%}"
	if l.src[i+1] == '#' {
		closer = "#}"
	}
	if len(text) < 4 || !strings.HasSuffix(text, closer) {
		return false
	}
	p := l.pos(i)
	l.off = j
	l.diags.add(p, l.pos(j), "template tag is not Python; line ignored")
	l.comments = append(l.comments, Comment{Pos: p, Text: text})
	return true
}

// unclosedBrackets reports the innermost open bracket as never closed and
// forgets all open brackets.
func (l *lexer) unclosedBrackets() {
	b := l.brackets[len(l.brackets)-1]
	l.diags.add(b.pos, b.pos, fmt.Sprintf("'%c' was never closed", b.ch))
	l.brackets = l.brackets[:0]
}

// stmtKeywords are keywords that can never appear inside brackets, so a
// line starting with one at column 1 begins a new statement.
var stmtKeywords = map[string]bool{
	"def": true, "class": true, "import": true, "try": true, "except": true,
	"finally": true, "elif": true, "while": true, "with": true, "del": true,
	"pass": true, "global": true, "nonlocal": true, "assert": true,
	"raise": true, "return": true, "break": true, "continue": true,
}

// looksLikeStatement reports whether the line whose first non-blank
// character is at offset i (inside brackets opened on an earlier line)
// looks like the start of a new statement.
func (l *lexer) looksLikeStatement(i int) bool {
	j := i
	for j < l.end && (isASCIILetter(l.src[j]) || l.src[j] == '_' || (j > i && isDigit(l.src[j]))) {
		j++
	}
	if j == i || (j < l.end && l.src[j] >= utf8.RuneSelf) {
		return false
	}
	word := l.src[i:j]
	if stmtKeywords[word] {
		return true
	}
	rest := l.restOfLine(j)
	switch word {
	case "if", "for", "else":
		return strings.HasSuffix(rest, ":")
	case "async":
		r := strings.TrimLeft(rest, " \t")
		return strings.HasPrefix(r, "def ") || strings.HasPrefix(r, "for ") || strings.HasPrefix(r, "with ")
	case "from":
		return strings.Contains(rest, " import ") || strings.HasSuffix(rest, " import")
	case "lambda", "not", "await", "yield", "and", "or", "in", "is", "True", "False", "None", "as":
		return false
	}
	// NAME = value (but not NAME == value).
	r := strings.TrimLeft(rest, " \t")
	if len(r) < 2 || r[0] != '=' || r[1] == '=' {
		return false
	}
	if l.brackets[len(l.brackets)-1].ch != '(' {
		return true // '=' is never valid directly inside [] or {}
	}
	// Inside parentheses NAME= may be a keyword argument; only treat
	// constant-style (upper-case) names as new statements.
	return strings.ToUpper(word) == word && strings.ContainsAny(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// restOfLine returns the text from offset i to the end of the line, with a
// trailing comment (outside simple quotes) and trailing blanks removed.
func (l *lexer) restOfLine(i int) string {
	j := i
	var quote byte
	for ; j < l.end; j++ {
		c := l.src[j]
		if c == '\n' || c == '\r' {
			break
		}
		switch {
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return strings.TrimRight(l.src[i:j], " \t\f")
		}
	}
	if j > l.end {
		j = l.end
	}
	return strings.TrimRight(l.src[i:j], " \t\f")
}

// finish emits the tokens that end the input.
func (l *lexer) finish() {
	l.off = l.end
	if len(l.brackets) > 0 {
		l.unclosedBrackets()
		if !l.nested {
			l.recoveryNewline(l.end)
		}
	}
	if l.nested {
		l.emitEmpty(EOF, l.end)
		return
	}
	if l.lineHasTok {
		l.emitEmpty(NEWLINE, l.end)
		l.lineHasTok = false
	}
	for len(l.indents) > 1 {
		l.indents = l.indents[:len(l.indents)-1]
		l.emitEmpty(DEDENT, l.end)
	}
	l.emitEmpty(EOF, l.end)
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool    { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

func isIdentStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIdentContinue(r rune) bool {
	return isIdentStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc) ||
		unicode.Is(unicode.Other_ID_Continue, r)
}

// scanIdent returns the end offset of the identifier starting at i, or i if
// there is none.
func (l *lexer) scanIdent(i int) int {
	start := i
	for i < l.end {
		c := l.src[i]
		if c < utf8.RuneSelf {
			if isASCIILetter(c) || c == '_' || (i > start && isDigit(c)) {
				i++
				continue
			}
			return i
		}
		r, size := utf8.DecodeRuneInString(l.src[i:l.end])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		if (i == start && isIdentStart(r)) || (i > start && isIdentContinue(r)) {
			i += size
			continue
		}
		return i
	}
	return i
}

func (l *lexer) nameOrString() {
	start := l.off
	i := l.scanIdent(start)
	if i == start {
		l.badChars()
		return
	}
	if i < l.end && (l.src[i] == '"' || l.src[i] == '\'') && i-start <= 2 && isStringPrefix(l.src[start:i]) {
		p := l.pos(start)
		l.off = i
		l.stringLit(start, p, l.src[start:i])
		return
	}
	kind := NAME
	if i-start <= 8 && isASCIILetter(l.src[start]) {
		if kw, ok := keywords[l.src[start:i]]; ok {
			kind = kw
		}
	}
	p := l.pos(start)
	l.off = i
	l.emit(kind, start, p)
}

// isStringPrefix reports whether s is a valid string prefix.
func isStringPrefix(s string) bool {
	var r, b, u, f int
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 'r':
			r++
		case 'b':
			b++
		case 'u':
			u++
		case 'f':
			f++
		default:
			return false
		}
	}
	switch {
	case r > 1 || b > 1 || u > 1 || f > 1:
		return false
	case u == 1:
		return len(s) == 1
	case b == 1 && f == 1:
		return false
	}
	return true
}

// badChars consumes a run of characters that cannot start a token and
// reports them once.
func (l *lexer) badChars() {
	start := l.off
	p := l.pos(start)
	msg := ""
	i := start
	for i < l.end {
		c := l.src[i]
		var size int
		var m string
		switch {
		case c == 0:
			size, m = 1, "source code cannot contain null bytes"
		case c < utf8.RuneSelf:
			if c == '$' || c == '?' || c == '`' || (c < ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f {
				size, m = 1, fmt.Sprintf("invalid character %q (U+%04X)", rune(c), c)
			}
		default:
			r, n := utf8.DecodeRuneInString(l.src[i:l.end])
			if r == utf8.RuneError && n <= 1 {
				size, m = 1, fmt.Sprintf("invalid UTF-8 byte 0x%02x", c)
			} else if !isIdentStart(r) {
				size, m = n, fmt.Sprintf("invalid character %q (U+%04X)", r, r)
			}
		}
		if size == 0 {
			break
		}
		if msg == "" {
			msg = m
		}
		i += size
	}
	if i == start { // defensive: always make progress
		i++
		msg = fmt.Sprintf("invalid character %q", l.src[start])
	}
	l.off = i
	l.diags.add(p, l.pos(i), msg)
	l.emit(ILLEGAL, start, p)
}

// scanDigits consumes digits accepted by ok, allowing single underscores
// between digits, and returns the end offset.
func (l *lexer) scanDigits(i int, ok func(byte) bool) int {
	for i < l.end {
		c := l.src[i]
		if ok(c) {
			i++
			continue
		}
		if c == '_' && i+1 < l.end && ok(l.src[i+1]) {
			i += 2
			continue
		}
		break
	}
	return i
}

func isOctDigit(c byte) bool { return c >= '0' && c <= '7' }
func isBinDigit(c byte) bool { return c == '0' || c == '1' }

func (l *lexer) number() {
	start := l.off
	p := l.pos(start)
	i := start
	bad := ""
	if l.src[i] == '0' && i+1 < l.end && strings.IndexByte("xXoObB", l.src[i+1]) >= 0 {
		var ok func(byte) bool
		var what string
		switch l.src[i+1] | 0x20 {
		case 'x':
			ok, what = isHexDigit, "hexadecimal"
		case 'o':
			ok, what = isOctDigit, "octal"
		default:
			ok, what = isBinDigit, "binary"
		}
		i += 2
		if i < l.end && l.src[i] == '_' {
			i++
		}
		j := l.scanDigits(i, ok)
		if j == i {
			bad = "invalid " + what + " literal"
		}
		i = j
	} else {
		intStart := i
		i = l.scanDigits(i, isDigit)
		isInt := true
		if i < l.end && l.src[i] == '.' {
			isInt = false
			i++
			if i < l.end && isDigit(l.src[i]) {
				i = l.scanDigits(i, isDigit)
			}
		}
		if i < l.end && (l.src[i]|0x20) == 'e' {
			j := i + 1
			if j < l.end && (l.src[j] == '+' || l.src[j] == '-') {
				j++
			}
			if j < l.end && isDigit(l.src[j]) {
				i = l.scanDigits(j, isDigit)
				isInt = false
			}
		}
		if i < l.end && (l.src[i]|0x20) == 'j' {
			i++
			isInt = false
		}
		if isInt && i-intStart > 1 && l.src[intStart] == '0' && strings.Trim(l.src[intStart:i], "0_") != "" {
			bad = "leading zeros in decimal integer literals are not permitted"
		}
	}
	// A number directly followed by an identifier character is invalid,
	// except before keywords such as "1if x else y" (accepted by CPython).
	if i < l.end && l.src[i] != '.' {
		j := l.scanIdent(i)
		if j > i {
			if _, kw := keywords[l.src[i:j]]; !kw {
				bad = "invalid decimal literal"
				i = j
			}
		}
	}
	l.off = i
	if bad != "" {
		l.diags.add(p, l.pos(i), bad)
		l.emit(ILLEGAL, start, p)
		return
	}
	l.emit(NUMBER, start, p)
}

// operator scans an operator or delimiter.
func (l *lexer) operator() {
	start := l.off
	s := l.src[start:l.end]
	c := s[0]
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	var kind Kind
	n := 1
	switch c {
	case '(':
		kind = LPAR
	case ')':
		kind = RPAR
	case '[':
		kind = LSQB
	case ']':
		kind = RSQB
	case '{':
		kind = LBRACE
	case '}':
		kind = RBRACE
	case ',':
		kind = COMMA
	case ';':
		kind = SEMI
	case '~':
		kind = TILDE
	case '.':
		kind = DOT
		if at(1) == '.' && at(2) == '.' {
			kind, n = ELLIPSIS, 3
		}
	case ':':
		kind = COLON
		if at(1) == '=' {
			kind, n = COLONEQUAL, 2
		}
	case '=':
		kind = EQUAL
		if at(1) == '=' {
			kind, n = EQEQUAL, 2
		}
	case '!':
		kind = EXCLAMATION
		if at(1) == '=' {
			kind, n = NOTEQUAL, 2
		}
	case '-':
		kind = MINUS
		switch at(1) {
		case '=':
			kind, n = MINEQUAL, 2
		case '>':
			kind, n = RARROW, 2
		}
	case '+':
		kind, n = withEq(at(1), PLUS, PLUSEQUAL)
	case '%':
		kind, n = withEq(at(1), PERCENT, PERCENTEQUAL)
	case '&':
		kind, n = withEq(at(1), AMPER, AMPEREQUAL)
	case '|':
		kind, n = withEq(at(1), VBAR, VBAREQUAL)
	case '^':
		kind, n = withEq(at(1), CIRCUMFLEX, CIRCUMFLEXEQUAL)
	case '@':
		kind, n = withEq(at(1), AT, ATEQUAL)
	case '*':
		if at(1) == '*' {
			kind, n = withEq(at(2), DOUBLESTAR, DOUBLESTAREQUAL)
			n++
		} else {
			kind, n = withEq(at(1), STAR, STAREQUAL)
		}
	case '/':
		if at(1) == '/' {
			kind, n = withEq(at(2), DOUBLESLASH, DOUBLESLASHEQUAL)
			n++
		} else {
			kind, n = withEq(at(1), SLASH, SLASHEQUAL)
		}
	case '<':
		switch {
		case at(1) == '<':
			kind, n = withEq(at(2), LEFTSHIFT, LEFTSHIFTEQUAL)
			n++
		case at(1) == '>':
			kind, n = NOTEQUAL, 2 // "<>" (Barry as FLUFL); reported below
		default:
			kind, n = withEq(at(1), LESS, LESSEQUAL)
		}
	case '>':
		if at(1) == '>' {
			kind, n = withEq(at(2), RIGHTSHIFT, RIGHTSHIFTEQUAL)
			n++
		} else {
			kind, n = withEq(at(1), GREATER, GREATEREQUAL)
		}
	default:
		l.badChars()
		return
	}
	p := l.pos(start)
	l.off = start + n
	if c == '<' && kind == NOTEQUAL {
		l.diags.add(p, l.pos(l.off), "invalid syntax: use '!=' instead of '<>'")
		kind = ILLEGAL
	}
	l.emit(kind, start, p)
	switch kind {
	case LPAR, LSQB, LBRACE:
		l.brackets = append(l.brackets, bracket{ch: c, pos: p, indent: l.lineIndent})
	case RPAR, RSQB, RBRACE:
		l.closeBracket(c, p)
	}
}

func withEq(next byte, plain, eq Kind) (Kind, int) {
	if next == '=' {
		return eq, 2
	}
	return plain, 1
}

func openerOf(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}

// closeBracket pops the bracket matching closer c. A mismatched closer pops
// down to a matching opener if there is one, otherwise it is ignored.
func (l *lexer) closeBracket(c byte, p Pos) {
	want := openerOf(c)
	n := len(l.brackets)
	if n == 0 {
		l.diags.add(p, p, fmt.Sprintf("unmatched '%c'", c))
		return
	}
	if l.brackets[n-1].ch == want {
		l.brackets = l.brackets[:n-1]
		return
	}
	top := l.brackets[n-1]
	l.diags.add(p, p, fmt.Sprintf("closing parenthesis '%c' does not match opening parenthesis '%c' on line %d", c, top.ch, top.pos.Line))
	for i := n - 1; i >= 0; i-- {
		if l.brackets[i].ch == want {
			l.brackets = l.brackets[:i]
			return
		}
	}
}
