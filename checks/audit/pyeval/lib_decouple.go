package pyeval

// python-decouple: config(), Csv().

import (
	"fmt"
	"slices"
	"strings"
)

// decouple implements python-decouple's config(): the environment, else
// the default (UndefinedValueError without one), then the cast, which
// applies to the default too. bool accepts y/yes/t/true/on/1 and
// n/no/f/false/off/0 in any case, and "" (False).
func (e *Evaluator) decouple(a args, p Pos) *Value {
	kv, _ := a.get(0, "option")
	k, ok := kv.Str()
	if !ok {
		return NewUnknown("config() with a computed name", p)
	}
	def, hasDef := a.get(1, "default")
	castV, _ := a.get(2, "cast")
	var v *Value
	if sv, set := e.env(k, p); set {
		v = sv
	} else if hasDef {
		v = envDefault(k, def, p)
	} else {
		e.raiseUnset("UndefinedValueError", k+" not found", k)
		return required(k, "python-decouple", p)
	}
	if !v.Known() {
		return v
	}
	if castV != nil && castV.Kind == Object && castV.Ident == IdentLib && castV.S == "dj_database_url.parse" {
		return e.parseDBURL(v, nil, p) // config("DATABASE_URL", cast=dj_database_url.parse)
	}
	cast := castName(castV)
	switch cast {
	case "":
		return v
	case "bool":
		s, ok := pyStr(v)
		if !ok {
			return unknownFrom(p, v)
		}
		switch strings.ToLower(s) {
		case "y", "yes", "t", "true", "on", "1":
			return derive(NewBool(true, p), v)
		case "n", "no", "f", "false", "off", "0", "":
			return derive(NewBool(false, p), v)
		}
		e.raise("ValueError", "Invalid truth value: "+s)
		return NewUnknown(fmt.Sprintf("decouple cannot cast %q to bool (ValueError)", s), p)
	case "csv":
		s, ok := v.Str()
		if !ok {
			return unknownFrom(p, v)
		}
		return e.decoupleCsv(castV, s, v, p)
	case "int", "float", "str":
		if v.Kind == Str {
			return e.pyCast(v, cast, p)
		}
		if cast == "str" {
			if s, ok := pyStr(v); ok {
				return derive(NewStr(s, p), v)
			}
		}
		if (cast == "int" && v.Kind == Int) || (cast == "float" && v.Kind == Float) {
			return v
		}
		if cast == "int" && v.Kind == Bool || cast == "int" && v.Kind == Float {
			return e.builtin("int", args{pos: []*Value{v}}, p)
		}
	}
	return NewUnknown("config() cast "+cast, p)
}

// decoupleCsv is decouple's Csv(cast=str, delimiter=",", strip=
// string.whitespace, post_process=list): shlex (posix, whitespace_split,
// whitespace = the delimiter characters) splits the value, so quotes
// group, \ escapes and # starts a comment; each token is then stripped.
// Adjacent delimiters give no token, but "a, ,b" gives an empty one.
func (e *Evaluator) decoupleCsv(csv *Value, s string, v *Value, p Pos) *Value {
	delim, strip := ",", " \t\n\r\x0b\x0c"
	if d := csv.Attrs["delimiter"]; d != nil {
		if delim, _ = d.Str(); delim == "" {
			return NewUnknown("Csv() with a computed delimiter", p)
		}
	}
	if st := csv.Attrs["strip"]; st != nil {
		var ok bool
		if strip, ok = st.Str(); !ok {
			return NewUnknown("Csv() with a computed strip", p)
		}
	}
	itemCast := "str"
	if c := csv.Attrs["cast"]; c != nil {
		itemCast = castName(c)
	}
	kind := List
	if pp := csv.Attrs["post_process"]; pp != nil {
		switch castName(pp) {
		case "list":
		case "tuple":
			kind = Tuple
		case "set":
			kind = Set
		default:
			return NewUnknown("Csv() with a post_process the audit does not model", p)
		}
	}
	tokens, ok := shlexSplit(s, delim)
	if !ok {
		e.raise("ValueError", "No closing quotation")
		return NewUnknown("Csv(): shlex raises ValueError on "+pyQuote(s), p)
	}
	items := make([]*Value, 0, len(tokens))
	for _, tok := range tokens {
		it := derive(NewStr(strings.Trim(tok, strip), p), v)
		switch itemCast {
		case "str":
		case "int", "float":
			it = e.pyCast(it, itemCast, p)
		default:
			return NewUnknown("Csv(cast="+itemCast+")", p)
		}
		if kind == Set && slices.ContainsFunc(items, func(x *Value) bool { return Equal(x, it) }) {
			continue
		}
		items = append(items, it)
	}
	return derive(NewSeq(kind, items, p), v)
}

// shlexSplit is list(shlex(s, posix=True)) with whitespace_split=True and
// whitespace=ws: quotes ' and ", the escape \ (inside "" only before " or
// \), # comments to the end of the line. ok is false when Python raises
// (an unclosed quote, a trailing \).
func shlexSplit(s, ws string) (tokens []string, ok bool) {
	const (
		stSpace = iota
		stWord
		stQuote
		stEscape
	)
	state, escapedState := stSpace, stSpace
	var quote rune
	var tok strings.Builder
	quoted := false
	emit := func() {
		tokens = append(tokens, tok.String())
		tok.Reset()
		quoted = false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch state {
		case stSpace, stWord:
			switch {
			case strings.ContainsRune(ws, c):
				if state == stWord || tok.Len() > 0 || quoted {
					emit()
				}
				state = stSpace
			case c == '#':
				for i < len(rs) && rs[i] != '\n' {
					i++
				}
				if state == stWord && (tok.Len() > 0 || quoted) {
					emit()
				}
				state = stSpace
			case c == '\'' || c == '"':
				quote, state = c, stQuote
			case c == '\\':
				escapedState, state = stWord, stEscape
			default:
				tok.WriteRune(c)
				state = stWord
			}
		case stQuote:
			quoted = true
			switch {
			case c == quote:
				state = stWord
			case c == '\\' && quote == '"':
				escapedState, state = stQuote, stEscape
			default:
				tok.WriteRune(c)
			}
		case stEscape:
			if escapedState == stQuote && c != quote && c != '\\' {
				tok.WriteRune('\\')
			}
			tok.WriteRune(c)
			state = escapedState
		}
	}
	switch state {
	case stQuote, stEscape:
		return nil, false
	case stWord:
		if tok.Len() > 0 || quoted {
			emit()
		}
	}
	return tokens, true
}

// decoupleCalls are python-decouple's config, Csv and AutoConfig.
var decoupleCalls = map[string]callModel{
	"decouple.config": func(e *Evaluator, _ *Value, a args, p Pos) *Value { return e.decouple(a, p) },
	"decouple.Csv": func(_ *Evaluator, _ *Value, a args, p Pos) *Value {
		c := newObj(IdentDecoupleCsv, "", p)
		c.Attrs = map[string]*Value{}
		for i, param := range []string{"cast", "delimiter", "strip", "post_process"} {
			if v, ok := a.get(i, param); ok {
				c.Attrs[param] = v
			}
		}
		return c
	},
	"decouple.AutoConfig": newDecoupleConfig,
	"decouple.Config":     newDecoupleConfig,
}

func newDecoupleConfig(_ *Evaluator, _ *Value, _ args, p Pos) *Value {
	return newObj(IdentDecoupleConfig, "", p)
}
