package pyeval

// Casts of environment strings: Python's int()/float(), django-environ's parse_value.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

func truthy(v *Value) bool {
	t, _ := v.Truth()
	return t
}

func castName(c *Value) string {
	if c == nil {
		return ""
	}
	switch {
	case c.Kind == Object && c.Ident == IdentBuiltin:
		return c.S
	case c.Kind == Object && c.Ident == IdentDecoupleCsv:
		return "csv"
	case c.Kind == List && len(c.Items) == 1:
		return "list"
	case c.Kind == Tuple && len(c.Items) == 1:
		return "tuple"
	}
	return "?"
}

// pyInt parses a string as Python's int() does: surrounding whitespace,
// a sign, digits with single underscores between them.
func pyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" || body[0] == '_' || body[len(body)-1] == '_' || strings.Contains(body, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:len(s)-len(body)]+strings.ReplaceAll(body, "_", ""), 10, 64)
	return n, err == nil
}

// castValue casts an environment string like django-environ's
// parse_value; exc is the exception Python raises ("" when none).
func castValue(sv *Value, cast string, p Pos) (*Value, string) {
	s := sv.S
	switch cast {
	case "", "str", "string":
		return sv, ""
	case "bool":
		if n, ok := pyInt(s); ok {
			return derive(NewBool(n != 0, p), sv), ""
		}
		switch strings.ToLower(s) {
		case "true", "on", "ok", "y", "yes", "1":
			return derive(NewBool(true, p), sv), ""
		}
		return derive(NewBool(false, p), sv), ""
	case "int":
		n, ok := pyInt(s)
		if !ok {
			return NewUnknown(fmt.Sprintf("int(%q) raises ValueError", s), p), "ValueError"
		}
		return derive(NewInt(n, p), sv), ""
	case "float":
		// django-environ keeps digits, commas and dots, and reads the
		// last separator as the decimal point ("1,234.5" is 1234.5).
		var kept strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' || r == ',' || r == '.' {
				kept.WriteRune(r)
			}
		}
		parts := strings.FieldsFunc(kept.String(), func(r rune) bool { return r == ',' || r == '.' })
		if strings.HasSuffix(kept.String(), ",") || strings.HasSuffix(kept.String(), ".") || strings.HasPrefix(kept.String(), ",") || strings.HasPrefix(kept.String(), ".") || strings.Contains(kept.String(), ",,") || strings.Contains(kept.String(), "..") {
			return NewUnknown(fmt.Sprintf("float(%q)", s), p), ""
		}
		num := kept.String()
		if len(parts) > 1 {
			num = strings.Join(parts[:len(parts)-1], "") + "." + parts[len(parts)-1]
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return NewUnknown(fmt.Sprintf("float(%q) raises ValueError", s), p), "ValueError"
		}
		return derive(NewFloat(f, p), sv), ""
	case "list", "tuple":
		src := s
		kind := List
		if cast == "tuple" {
			src = strings.Trim(strings.Trim(s, "("), ")")
			kind = Tuple
		}
		var items []*Value
		for _, x := range strings.Split(src, ",") {
			if x != "" {
				items = append(items, derive(NewStr(x, p), sv))
			}
		}
		return derive(NewSeq(kind, items, p), sv), ""
	}
	return NewUnknown("cast "+cast, p), ""
}

// pyCast is Python's int(s), float(s) or str(s) of a string; a
// ValueError is raised for a try/except around it.
func (e *Evaluator) pyCast(sv *Value, cast string, p Pos) *Value {
	s := sv.S
	switch cast {
	case "str":
		return sv
	case "int":
		if n, ok := pyInt(s); ok {
			return derive(NewInt(n, p), sv)
		}
	case "float":
		t := strings.TrimSpace(s)
		if !strings.Contains(t, "__") && !strings.HasPrefix(t, "_") && !strings.HasSuffix(t, "_") {
			low := strings.ToLower(strings.TrimLeft(t, "+-"))
			if !strings.HasPrefix(low, "0x") && low != "infinite" {
				if f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64); err == nil || errors.Is(err, strconv.ErrRange) {
					return derive(NewFloat(f, p), sv)
				}
			}
		}
	default:
		return NewUnknown("cast "+cast, p)
	}
	e.raise("ValueError", fmt.Sprintf("%s(%q)", cast, s))
	return NewUnknown(fmt.Sprintf("%s(%q) raises ValueError", cast, s), p)
}
