package python

import (
	"fmt"
	"strings"
)

// maxFStringDepth bounds the nesting of f-strings inside replacement
// fields (and of replacement fields inside format specs).
const maxFStringDepth = 32

// scanFBody scans f-string text starting at offset i. Outside a format spec
// it stops at the closing quote; inside a spec (inSpec) it stops at the '}'
// that ends the replacement field. It returns the pieces, the offset of the
// terminator, and ok == false (with the offset where scanning stopped) if
// the literal is unterminated.
func (l *lexer) scanFBody(i int, q byte, triple, raw bool, depth int, inSpec bool) ([]FPart, int, bool) {
	var parts []FPart
	var lit []byte
	segStart := i
	litPos := l.pos(i)
	flushSeg := func(to int) {
		if to <= segStart {
			return
		}
		seg := l.src[segStart:to]
		if raw {
			lit = append(lit, normalizeNewlines(seg)...)
		} else {
			d, _ := decodeEscapes(seg, false)
			lit = append(lit, d...)
		}
	}
	flushLit := func(to int) {
		flushSeg(to)
		if len(lit) > 0 {
			parts = append(parts, FPart{Pos: litPos, End: l.pos(to), Lit: string(lit)})
			lit = lit[:0]
		}
	}
	for {
		if i >= l.end {
			l.fErr = "unterminated f-string literal"
			return parts, l.end, false
		}
		c := l.src[i]
		switch {
		case c == q && (!triple || (i+2 < l.end && l.src[i+1] == q && l.src[i+2] == q)):
			if inSpec {
				l.fErr = "f-string: expecting '}'"
				return parts, i, false
			}
			flushLit(i)
			return parts, i, true
		case c == '\n' || c == '\r':
			if !triple {
				if inSpec {
					l.fErr = "f-string: expecting '}'"
				}
				return parts, i, false
			}
			i = l.newline(i)
		case c == '\\':
			switch {
			case i+1 >= l.end:
				i++
			case l.src[i+1] == '{' || l.src[i+1] == '}':
				i++ // a backslash does not escape braces
			case l.src[i+1] == '\n' || l.src[i+1] == '\r':
				i = l.newline(i + 1)
			case !raw && l.src[i+1] == 'N' && i+2 < l.end && l.src[i+2] == '{':
				j := i + 3
				for j < l.end && l.src[j] != '}' && l.src[j] != '\n' && l.src[j] != '\r' && l.src[j] != q {
					j++
				}
				if j < l.end && l.src[j] == '}' {
					j++
				}
				i = j
			default:
				i += 2
			}
		case c == '{':
			if !inSpec && i+1 < l.end && l.src[i+1] == '{' {
				flushSeg(i + 1)
				i += 2
				segStart = i
				continue
			}
			flushLit(i)
			field, j, ok := l.scanField(i, q, triple, raw, depth)
			if !ok {
				return parts, j, false
			}
			parts = append(parts, field)
			i = j
			segStart = i
			litPos = l.pos(i)
		case c == '}':
			if inSpec {
				flushLit(i)
				return parts, i, true
			}
			if i+1 < l.end && l.src[i+1] == '}' {
				flushSeg(i + 1)
				i += 2
				segStart = i
				continue
			}
			p := l.pos(i)
			l.diags.add(p, p, "f-string: single '}' is not allowed")
			i++
		default:
			i++
		}
	}
}

// scanField scans a replacement field starting at the '{' at offset open.
func (l *lexer) scanField(open int, q byte, triple, raw bool, depth int) (FPart, int, bool) {
	part := FPart{IsExpr: true, Pos: l.pos(open)}
	if depth >= maxFStringDepth {
		l.fErr = "f-string: expressions nested too deeply"
		i := open
		for i < l.end && l.src[i] != '\n' && l.src[i] != '\r' {
			i++
		}
		return part, i, false
	}
	i := open + 1
	exprStart := i
	part.ExprPos = l.pos(i)
	part.ExprLineStart = l.lineStart
	nest := 0
	exprEnd := -1
	for exprEnd < 0 {
		if i >= l.end {
			l.fErr = "f-string: expecting '}'"
			return part, l.end, false
		}
		c := l.src[i]
		next := byte(0)
		if i+1 < l.end {
			next = l.src[i+1]
		}
		switch {
		case c == '\n' || c == '\r':
			if !triple {
				l.fErr = "f-string: expecting '}'"
				return part, i, false
			}
			i = l.newline(i)
		case c == '\\':
			if next == '\n' || next == '\r' {
				i = l.newline(i + 1)
			} else {
				i++
			}
		case c == '#':
			for i < l.end && l.src[i] != '\n' && l.src[i] != '\r' {
				i++
			}
		case c == '"' || c == '\'':
			j, ok := l.skipString(i, "", depth)
			if !ok {
				return part, j, false
			}
			i = j
		case isASCIILetter(c) || c == '_' || c >= 0x80:
			j := l.scanIdent(i)
			if j == i {
				i++
				continue
			}
			if j < l.end && (l.src[j] == '"' || l.src[j] == '\'') && j-i <= 2 && isStringPrefix(l.src[i:j]) {
				k, ok := l.skipString(j, l.src[i:j], depth)
				if !ok {
					return part, k, false
				}
				j = k
			}
			i = j
		case c == '(' || c == '[' || c == '{':
			nest++
			i++
		case c == ')' || c == ']':
			if nest > 0 {
				nest--
			}
			i++
		case c == '}':
			if nest > 0 {
				nest--
				i++
			} else {
				exprEnd = i
			}
		case c == '!':
			switch {
			case next == '=':
				i += 2
			case nest == 0:
				exprEnd = i
			default:
				i++
			}
		case c == ':':
			if nest == 0 {
				exprEnd = i
			} else {
				i++
			}
		case c == '=':
			if next == '=' {
				i += 2
				continue
			}
			if nest == 0 && i > exprStart && strings.IndexByte("=!<>:", l.src[i-1]) < 0 {
				exprEnd = i
				i++
				for i < l.end && (l.src[i] == ' ' || l.src[i] == '\t') {
					i++
				}
				part.Debug = l.src[exprStart:i]
				continue
			}
			i++
		default:
			i++
		}
	}
	part.ExprEnd = exprEnd
	if strings.TrimSpace(l.src[exprStart:exprEnd]) == "" {
		p := l.pos(exprEnd)
		l.diags.add(p, p, fmt.Sprintf("f-string: valid expression required before '%c'", l.src[exprEnd]))
	}
	if i < l.end && l.src[i] == '!' {
		i++
		if i < l.end && isASCIILetter(l.src[i]) {
			conv := l.src[i]
			if conv != 'r' && conv != 's' && conv != 'a' {
				p := l.pos(i)
				l.diags.add(p, p, fmt.Sprintf("f-string: invalid conversion character %q: expected 's', 'r', or 'a'", rune(conv)))
			}
			part.Conversion = conv
			i++
		} else {
			p := l.pos(i)
			l.diags.add(p, p, "f-string: missing conversion character")
		}
	}
	if i < l.end && l.src[i] == ':' {
		part.HasSpec = true
		spec, j, ok := l.scanFBody(i+1, q, triple, raw, depth+1, true)
		if !ok {
			return part, j, false
		}
		part.Spec = spec
		i = j
	}
	if i >= l.end || l.src[i] != '}' {
		l.fErr = "f-string: expecting '}'"
		return part, i, false
	}
	i++
	part.End = l.pos(i)
	return part, i, true
}

// skipString skips a string literal nested in a replacement field; the
// opening quote is at offset i. Diagnostics are discarded: the field is
// tokenized again when it is parsed.
func (l *lexer) skipString(i int, prefix string, depth int) (int, bool) {
	ndiags := len(l.diags.list)
	defer func() {
		if len(l.diags.list) > ndiags {
			l.diags.list = l.diags.list[:ndiags]
			l.diags.full = len(l.diags.list) > maxDiagnostics
		}
	}()
	q := l.src[i]
	qlen := 1
	triple := i+2 < l.end && l.src[i+1] == q && l.src[i+2] == q
	if triple {
		qlen = 3
	}
	if strings.ContainsAny(prefix, "fF") {
		raw := strings.ContainsAny(prefix, "rR")
		_, j, ok := l.scanFBody(i+qlen, q, triple, raw, depth+1, false)
		if !ok {
			return j, false
		}
		return j + qlen, true
	}
	j, ok, _ := l.scanStringBody(i+qlen, q, triple)
	if !ok {
		return j, false
	}
	return j + qlen, true
}

// fstringValues converts f-string pieces into expressions, appending them
// to out: literal text becomes *String, fields become *FormattedValue.
func (p *parser) fstringValues(parts []FPart, out []Expr) []Expr {
	for i := range parts {
		fp := &parts[i]
		if !fp.IsExpr {
			out = appendLiteral(out, fp.Lit, fp.Pos, fp.End)
			continue
		}
		if fp.Debug != "" {
			// {x=} is shorthand for "x=" followed by {x!r}, as in CPython.
			out = appendLiteral(out, fp.Debug, fp.Pos, fp.ExprPos)
		}
		fv := &FormattedValue{Span: Span{fp.Pos, fp.End}, Conversion: fp.Conversion}
		if fp.Debug != "" && fp.Conversion == 0 && !fp.HasSpec {
			fv.Conversion = 'r'
		}
		fv.Value = p.parseField(fp)
		if fp.HasSpec {
			spec := &FString{Span: Span{fp.End, fp.End}}
			if len(fp.Spec) > 0 {
				spec.Span = Span{fp.Spec[0].Pos, fp.Spec[len(fp.Spec)-1].End}
			}
			spec.Values = p.fstringValues(fp.Spec, nil)
			fv.Spec = spec
		}
		out = append(out, fv)
	}
	return out
}

// appendLiteral appends literal text to f-string values, merging it with
// a preceding literal.
func appendLiteral(out []Expr, text string, pos, end Pos) []Expr {
	if text == "" {
		return out
	}
	if n := len(out); n > 0 {
		if s, ok := out[n-1].(*String); ok {
			s.Value += text
			s.EndPos = end
			return out
		}
	}
	return append(out, &String{Span: Span{pos, end}, Value: text})
}

// parseField tokenizes and parses the expression of a replacement field.
func (p *parser) parseField(fp *FPart) Expr {
	bad := &BadExpr{Span{fp.ExprPos, fp.ExprPos}}
	if p.fdepth >= maxFStringDepth {
		p.errorf(fp.ExprPos, "f-string: expressions nested too deeply")
		return bad
	}
	sub := newSubLexer(p.src, fp.ExprPos.Offset, fp.ExprEnd, fp.ExprPos.Line, fp.ExprLineStart, p.diags).startingAt(fp.ExprPos)
	sub.run()
	sp := &parser{src: p.src, toks: sub.toks, diags: p.diags, depth: p.depth, fdepth: p.fdepth + 1, stmtErr: p.stmtErr}
	sp.tok = &sp.toks[0]
	if sp.tok.Kind == EOF {
		p.stmtErr = true // the lexer reported the empty expression
		return bad
	}
	var e Expr
	if sp.tok.Kind == YIELD {
		e = sp.parseYield()
	} else {
		e = sp.parseStarExpressions()
	}
	if sp.tok.Kind != EOF {
		sp.errorf(sp.tok.Pos, "f-string: expecting '}'")
	}
	if sp.stmtErr {
		p.stmtErr = true
	}
	return e
}
