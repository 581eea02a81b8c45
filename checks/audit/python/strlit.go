package python

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// stringLit scans a string literal whose prefix (possibly empty) starts at
// start; l.off is at the opening quote.
func (l *lexer) stringLit(start int, startPos Pos, prefix string) {
	info := l.newStringInfo()
	info.Prefix = prefix
	for i := 0; i < len(prefix); i++ {
		switch prefix[i] | 0x20 {
		case 'r':
			info.Raw = true
		case 'b':
			info.Bytes = true
		case 'f':
			info.Format = true
		}
	}
	q := l.src[l.off]
	info.Quote = q
	qlen := 1
	if l.off+2 < l.end && l.src[l.off+1] == q && l.src[l.off+2] == q {
		info.Triple = true
		qlen = 3
	}
	bodyStart := l.off + qlen
	saved := l.save()
	l.fErr = ""

	if info.Format {
		parts, end, ok := l.scanFBody(bodyStart, q, info.Triple, info.Raw, 0, false)
		if !ok {
			l.unterminated(start, startPos, bodyStart, end, info.Triple, saved, "f-string literal")
			return
		}
		info.Parts = parts
		l.off = end + qlen
		tok := l.emit(STRING, start, startPos)
		tok.Str = info
		return
	}

	end, ok, special := l.scanStringBody(bodyStart, q, info.Triple)
	if !ok && !info.Triple && l.firstCont >= 0 {
		// An unterminated string continued with a backslash: most likely
		// the quote is missing, so give up at the end of the first line.
		l.line, l.lineStart = saved.line, saved.lineStart
		end = l.firstCont
	}
	if !ok {
		l.unterminated(start, startPos, bodyStart, end, info.Triple, saved, "string literal")
		return
	}
	l.off = end + qlen
	body := l.src[bodyStart:end]
	info.Value = body
	var problem string
	switch {
	case special && info.Raw:
		info.Value = normalizeNewlines(body)
	case special:
		info.Value, problem = decodeEscapes(body, info.Bytes)
	}
	if info.Bytes && problem == "" {
		for i := 0; i < len(body); i++ {
			if body[i] >= utf8.RuneSelf {
				problem = "bytes can only contain ASCII literal characters"
				break
			}
		}
	}
	tok := l.emit(STRING, start, startPos)
	tok.Str = info
	if problem != "" {
		l.diags.add(startPos, tok.End, problem)
	}
}

// newStringInfo returns a zeroed StringInfo. They are allocated in chunks
// that are never reallocated, so the pointers stay valid.
func (l *lexer) newStringInfo() *StringInfo {
	if len(l.strs) == cap(l.strs) {
		l.strs = make([]StringInfo, 0, max(32, 2*cap(l.strs)))
	}
	l.strs = l.strs[:len(l.strs)+1]
	return &l.strs[len(l.strs)-1]
}

// lexState is the part of the lexer state that a failed scan rolls back.
type lexState struct {
	line, lineStart, ndiags int
}

func (l *lexer) save() lexState {
	return lexState{line: l.line, lineStart: l.lineStart, ndiags: len(l.diags.list)}
}

// unterminated handles a string literal without its closing quote; stop is
// where scanning gave up. A single-quoted literal becomes an ILLEGAL token
// up to the end of the line. For a triple-quoted one, which would swallow
// the rest of the file, only the prefix and opening quotes become ILLEGAL
// and lexing resumes after them, so later statements are not lost.
func (l *lexer) unterminated(start int, startPos Pos, bodyStart, stop int, triple bool, saved lexState, what string) {
	if saved.ndiags <= len(l.diags.list) {
		l.diags.list = l.diags.list[:saved.ndiags]
		l.diags.full = len(l.diags.list) > maxDiagnostics
	}
	if triple && l.tripleRollbacks < maxTripleRollbacks {
		l.tripleRollbacks++
		l.line, l.lineStart = saved.line, saved.lineStart
		l.diags.add(startPos, startPos, "unterminated triple-quoted "+what)
		l.off = bodyStart
		l.emit(ILLEGAL, start, startPos)
		return
	}
	if triple {
		what = "triple-quoted " + what
	}
	msg := fmt.Sprintf("unterminated %s (detected at line %d)", what, l.line)
	if l.fErr != "" && l.fErr != "unterminated f-string literal" {
		msg = fmt.Sprintf("%s (detected at line %d)", l.fErr, l.line)
	}
	l.off = stop
	l.diags.add(startPos, startPos, msg)
	l.emit(ILLEGAL, start, startPos)
}

// scanStringBody scans the body of a (non-f) string starting at i and
// returns the offset of the closing quote. If the string is unterminated it
// returns ok == false and the offset where scanning stopped. special reports
// whether the body contains backslashes or carriage returns.
func (l *lexer) scanStringBody(i int, q byte, triple bool) (end int, ok, special bool) {
	src := l.src[:l.end]
	l.firstCont = -1
	for {
		// Fast path: skip ordinary bytes.
		for i < len(src) {
			c := src[i]
			if c == q || c == '\\' || c == '\n' || c == '\r' {
				break
			}
			i++
		}
		if i >= len(src) {
			return len(src), false, special
		}
		switch src[i] {
		case q:
			if !triple {
				return i, true, special
			}
			if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
				return i, true, special
			}
			i++
		case '\\':
			special = true
			i++
			if i >= len(src) {
				return i, false, special
			}
			if src[i] == '\n' || src[i] == '\r' {
				if l.firstCont < 0 && !triple {
					l.firstCont = i
				}
				i = l.newline(i)
			} else {
				i++
			}
		default: // newline
			if !triple {
				return i, false, special
			}
			if src[i] == '\r' {
				special = true
			}
			i = l.newline(i)
		}
	}
}

// normalizeNewlines converts "\r\n" and "\r" to "\n", as Python does when
// reading source.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// decodeEscapes decodes backslash escapes in the body of a non-raw string
// literal. For bytes literals \x and octal escapes produce single bytes and
// \u, \U and \N are not escapes. It returns the first problem found, if any.
// Unknown escapes are kept verbatim, as in Python; \N{NAME} is kept verbatim
// too, since the Unicode name database is not available.
func decodeEscapes(s string, isBytes bool) (string, string) {
	var b strings.Builder
	b.Grow(len(s))
	problem := ""
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\r' {
			b.WriteByte('\n')
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
			continue
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		i++
		if i >= len(s) {
			b.WriteByte('\\')
			break
		}
		c = s[i]
		i++
		switch c {
		case '\n':
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(c)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for n := 1; n < 3 && i < len(s) && isOctDigit(s[i]); n++ {
				v = v*8 + int(s[i]-'0')
				i++
			}
			if isBytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
		case 'x':
			v, ok := parseHex(s, i, 2)
			if !ok {
				if problem == "" {
					problem = `truncated \xXX escape`
				}
				b.WriteString(`\x`)
				continue
			}
			i += 2
			if isBytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
		case 'u', 'U':
			if isBytes {
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			n := 4
			if c == 'U' {
				n = 8
			}
			v, ok := parseHex(s, i, n)
			if !ok || v > utf8.MaxRune {
				if problem == "" {
					problem = fmt.Sprintf(`truncated \%c escape`, c)
				}
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			i += n
			b.WriteRune(rune(v))
		case 'N':
			if isBytes {
				b.WriteString(`\N`)
				continue
			}
			j := strings.IndexByte(s[i:], '}')
			if i >= len(s) || s[i] != '{' || j < 0 {
				if problem == "" {
					problem = `malformed \N character escape`
				}
				b.WriteString(`\N`)
				continue
			}
			b.WriteString(`\N`)
			b.WriteString(s[i : i+j+1])
			i += j + 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), problem
}

func parseHex(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		c := s[i+k]
		switch {
		case isDigit(c):
			v = v*16 + int(c-'0')
		case (c|0x20) >= 'a' && (c|0x20) <= 'f':
			v = v*16 + int(c|0x20-'a') + 10
		default:
			return 0, false
		}
	}
	return v, true
}
