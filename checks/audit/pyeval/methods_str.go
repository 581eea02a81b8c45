package pyeval

// str methods (and pathlib.Path's, on a Str marked Path).

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

func (e *Evaluator) strMethod(name string, self *Value, a args, arg func(int) *Value, p Pos) *Value {
	s := self.S
	switch name {
	case "lower":
		return derive(NewStr(strings.ToLower(s), p), self)
	case "upper":
		return derive(NewStr(strings.ToUpper(s), p), self)
	case "strip", "lstrip", "rstrip":
		cut := " \t\n\r\x0b\x0c"
		if c := arg(0); c != nil && c.Kind == Str {
			cut = c.S
		}
		switch name {
		case "strip":
			s = strings.Trim(s, cut)
		case "lstrip":
			s = strings.TrimLeft(s, cut)
		default:
			s = strings.TrimRight(s, cut)
		}
		return derive(NewStr(s, p), self)
	case "split", "rsplit":
		var parts []string
		sep, _ := a.get(0, "sep")
		limit := -1
		if m, ok := a.get(1, "maxsplit"); ok {
			if m.Kind != Int {
				return unknownFrom(p, m)
			}
			limit = int(m.I)
		}
		switch {
		case limit >= 0 && name == "rsplit" && limit < len(s):
			return NewUnknown("str.rsplit with maxsplit", p)
		case sep == nil || sep.Kind == None:
			parts = strings.Fields(s)
			if limit >= 0 && len(parts) > limit {
				// The rest keeps its inner whitespace.
				rest := strings.TrimLeftFunc(s, unicode.IsSpace)
				for range limit {
					rest = strings.TrimLeftFunc(rest[strings.IndexFunc(rest, unicode.IsSpace):], unicode.IsSpace)
				}
				parts = append(parts[:limit:limit], strings.TrimRightFunc(rest, unicode.IsSpace))
			}
		case sep.Kind == Str && sep.S != "":
			n := -1
			if limit >= 0 {
				n = limit + 1
			}
			parts = strings.SplitN(s, sep.S, n) // "".split(",") == [""]
		default:
			return unknownFrom(p, sep)
		}
		items := make([]*Value, len(parts))
		for i, x := range parts {
			items[i] = derive(NewStr(x, p), self)
		}
		return derive(NewSeq(List, items, p), self)
	case "startswith", "endswith":
		x := arg(0)
		if x == nil || len(a.pos) > 1 {
			return nil
		}
		cands := []*Value{x}
		if x.Kind == Tuple {
			cands = x.Items // any of the tuple's strings
		}
		found := false
		for _, c := range cands {
			if c.Kind != Str {
				return unknownFrom(p, c)
			}
			if name == "startswith" && strings.HasPrefix(s, c.S) || name == "endswith" && strings.HasSuffix(s, c.S) {
				found = true
			}
		}
		return derive(NewBool(found, p), self, x)
	case "capitalize":
		r := []rune(strings.ToLower(s))
		if len(r) > 0 {
			r[0] = unicode.ToTitle(r[0])
		}
		return derive(NewStr(string(r), p), self)
	case "title":
		var b strings.Builder
		prevCased := false
		for _, r := range s {
			if prevCased {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
			prevCased = unicode.IsLetter(r)
		}
		return derive(NewStr(b.String(), p), self)
	case "casefold":
		return derive(NewStr(strings.ToLower(s), p), self)
	case "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower", "isupper":
		ok := s != ""
		for _, r := range s {
			switch name {
			case "isdigit", "isdecimal", "isnumeric":
				ok = ok && unicode.IsDigit(r)
			case "isalpha":
				ok = ok && unicode.IsLetter(r)
			case "isalnum":
				ok = ok && (unicode.IsLetter(r) || unicode.IsDigit(r))
			case "isspace":
				ok = ok && unicode.IsSpace(r)
			}
		}
		switch name {
		case "islower":
			ok = strings.ToLower(s) == s && strings.ToUpper(s) != s
		case "isupper":
			ok = strings.ToUpper(s) == s && strings.ToLower(s) != s
		}
		return derive(NewBool(ok, p), self)
	case "removeprefix", "removesuffix":
		if x := arg(0); x != nil && x.Kind == Str {
			if name == "removeprefix" {
				return derive(NewStr(strings.TrimPrefix(s, x.S), p), self, x)
			}
			return derive(NewStr(strings.TrimSuffix(s, x.S), p), self, x)
		}
	case "splitlines":
		lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1] // no empty line after a final newline
		}
		items := make([]*Value, len(lines))
		for i, l := range lines {
			items[i] = derive(NewStr(l, p), self)
		}
		return derive(NewSeq(List, items, p), self)
	case "count", "find":
		if x := arg(0); x != nil && x.Kind == Str && len(a.pos) == 1 {
			if name == "count" {
				return derive(NewInt(int64(strings.Count(s, x.S)), p), self, x)
			}
			i := strings.Index(s, x.S)
			if i > 0 {
				i = len([]rune(s[:i]))
			}
			return derive(NewInt(int64(i), p), self, x)
		}
	case "replace":
		if x, y := arg(0), arg(1); x != nil && y != nil && x.Kind == Str && y.Kind == Str && !tooLong(len(s)+(strings.Count(s, x.S)*len(y.S))) {
			return derive(NewStr(strings.ReplaceAll(s, x.S, y.S), p), self, x, y)
		}
	case "join":
		if x := arg(0); x != nil {
			items, ok := iterItems(x)
			if !ok {
				return unknownFrom(p, x)
			}
			strs, ok := NewSeq(List, items, p).Strings()
			if ok && !tooLong(len(s)*len(strs)+totalLen(strs)) {
				return derive(NewStr(strings.Join(strs, s), p), append([]*Value{self, x}, items...)...)
			}
		}
	case "format":
		if out, ok := strFormat(s, a); ok {
			return derive(NewStr(out, p), append([]*Value{self}, a.pos...)...)
		}
	case "resolve", "absolute", "expanduser":
		if self.Path {
			return self
		}
	case "joinpath":
		if self.Path {
			out := self.S
			for _, x := range a.pos {
				if x.Kind != Str || tooLong(len(out)+len(x.S)) {
					return unknownFrom(p, x)
				}
				out = filepath.Join(out, x.S)
			}
			v := NewStr(out, p)
			v.Path = true
			return derive(v, self)
		}
	case "encode":
		v := derive(NewStr(s, p), self)
		v.Kind = Bytes
		return v
	}
	return nil
}

// strFormat handles "{}", "{0}" and "{name}" fields of str.format.
func strFormat(f string, a args) (string, bool) {
	var b strings.Builder
	auto := 0
	for i := 0; i < len(f); i++ {
		if tooLong(b.Len()) {
			return "", false
		}
		c := f[i]
		if c == '{' && i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		if c == '}' && i+1 < len(f) && f[i+1] == '}' {
			b.WriteByte('}')
			i++
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return "", false
		}
		field := f[i+1 : i+end]
		i += end
		if strings.ContainsAny(field, ":!.[") {
			return "", false
		}
		var v *Value
		if field == "" {
			if auto >= len(a.pos) {
				return "", false
			}
			v = a.pos[auto]
			auto++
		} else if n, err := strconv.Atoi(field); err == nil {
			if n >= len(a.pos) {
				return "", false
			}
			v = a.pos[n]
		} else {
			v = a.kw[field]
		}
		if v == nil {
			return "", false
		}
		s, ok := pyStr(v)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}
