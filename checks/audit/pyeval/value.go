package pyeval

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the Python type of a statically evaluated value.
type Kind int

const (
	Unknown Kind = iota // could not be evaluated (unknown call, unset name...)
	None
	Bool
	Int
	Float
	Str
	Bytes
	List
	Tuple
	Set
	Dict
	Object // an object we model only by name (a Path, a module, a function)
)

func (k Kind) String() string {
	return [...]string{"unknown", "None", "bool", "int", "float", "str", "bytes", "list", "tuple", "set", "dict", "object"}[k]
}

// Pos is a position in a source file: 1-based line and 1-based column
// counted in characters (what SARIF and editors expect).
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

func (p Pos) String() string {
	if p.File == "" {
		return "(default)"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsZero reports whether p is unset.
func (p Pos) IsZero() bool { return p.File == "" && p.Line == 0 }

// SourceKind says where a value came from.
type SourceKind int

const (
	SrcLiteral    SourceKind = iota // written in the source
	SrcDefault                      // Django's global default (not set in the settings)
	SrcEnvDefault                   // the default of an environment lookup, the variable being unset
	SrcEnv                          // an environment variable's value (from --env / --env-file)
	SrcComputed                     // derived from other values
	SrcUnknown                      // could not be evaluated
	SrcGenerated                    // generated at random when the settings load (Why: how); only its length is known
	SrcFile                         // read from the deployment's copy of a file the settings load (Var: the file as opened; From: "--file LOCAL")
)

// Source is a value's provenance, shown next to every finding.
type Source struct {
	Kind SourceKind
	Var  string // environment variable, for SrcEnv / SrcEnvDefault
	From string // where SrcEnv's value came from: "--env", ".env.prod"
	Why  string // for SrcUnknown: what could not be evaluated
}

func (s Source) String() string {
	switch s.Kind {
	case SrcLiteral:
		return "literal"
	case SrcDefault:
		return "Django default"
	case SrcEnvDefault:
		return fmt.Sprintf("env var %s default (unset)", s.Var)
	case SrcEnv:
		return fmt.Sprintf("env var %s from %s", s.Var, s.From)
	case SrcComputed:
		return "computed"
	case SrcGenerated:
		return "generated at start-up: " + s.Why
	case SrcFile:
		return fmt.Sprintf("file %s from %s", s.Var, s.From)
	}
	if s.Why != "" {
		return "unknown: " + s.Why
	}
	return "unknown"
}

// Label is the JSON name of the source kind.
func (s Source) Label() string {
	return [...]string{"literal", "default", "env-default", "env", "computed", "unknown", "generated", "file"}[s.Kind]
}

// Value is a statically evaluated Python value.
type Value struct {
	Kind  Kind
	B     bool
	I     int64
	F     float64
	S     string   // Str, Bytes; Object: its name (see Ident)
	Items []*Value // List, Tuple, Set
	Keys  []*Value // Dict, in insertion order
	Vals  []*Value
	Pos   Pos
	Src   Source
	// Env names the environment variables this value depends on.
	Env []string
	// Path marks a pathlib.Path (a Str holding the path).
	Path bool
	// Ident says what an Object is.
	Ident Ident
	// Attrs are an Object's attributes (e.g. an environ.Env's scheme).
	Attrs map[string]*Value
}

// Constructors.

func NewNone(p Pos) *Value             { return &Value{Kind: None, Pos: p} }
func NewBool(b bool, p Pos) *Value     { return &Value{Kind: Bool, B: b, Pos: p} }
func NewInt(i int64, p Pos) *Value     { return &Value{Kind: Int, I: i, Pos: p} }
func NewFloat(f float64, p Pos) *Value { return &Value{Kind: Float, F: f, Pos: p} }
func NewStr(s string, p Pos) *Value    { return &Value{Kind: Str, S: s, Pos: p} }
func NewUnknown(why string, p Pos) *Value {
	return &Value{Kind: Unknown, Pos: p, Src: Source{Kind: SrcUnknown, Why: why}}
}
func NewSeq(k Kind, items []*Value, p Pos) *Value { return &Value{Kind: k, Items: items, Pos: p} }
func NewDict(p Pos) *Value                        { return &Value{Kind: Dict, Pos: p} }

// Clone copies v deeply enough that mutating the copy's containers
// (append, item assignment) leaves v alone.
func (v *Value) Clone() *Value {
	if v == nil {
		return nil
	}
	c := *v
	c.Items = append([]*Value(nil), v.Items...)
	c.Keys = append([]*Value(nil), v.Keys...)
	c.Vals = append([]*Value(nil), v.Vals...)
	c.Env = append([]string(nil), v.Env...)
	return &c
}

// Known reports whether v was evaluated.
func (v *Value) Known() bool { return v != nil && v.Kind != Unknown }

// Truth is Python truthiness; ok is false when it cannot be known.
func (v *Value) Truth() (truth, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case None:
		return false, true
	case Bool:
		return v.B, true
	case Int:
		return v.I != 0, true
	case Float:
		return v.F != 0, true
	case Str, Bytes:
		return v.S != "", true
	case List, Tuple, Set:
		return len(v.Items) > 0, true
	case Dict:
		return len(v.Keys) > 0, true
	case Object:
		return true, true
	}
	return false, false
}

// IsTrue is Python's `v is True`.
func (v *Value) IsTrue() bool { return v != nil && v.Kind == Bool && v.B }

// Str returns the string value of a Str.
func (v *Value) Str() (string, bool) {
	if v != nil && v.Kind == Str {
		return v.S, true
	}
	return "", false
}

// Strings returns the string items of a sequence; ok is false when any
// item (or v) is not a known string.
func (v *Value) Strings() ([]string, bool) {
	if v == nil || (v.Kind != List && v.Kind != Tuple && v.Kind != Set) {
		return nil, false
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		s, ok := it.Str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// Contains is Python's `s in v` for a sequence of strings; known is false
// when v cannot be enumerated.
func (v *Value) Contains(s string) (found, known bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case List, Tuple, Set:
		allKnown := true
		for _, it := range v.Items {
			if x, ok := it.Str(); ok && x == s {
				return true, true
			}
			if !it.Known() {
				allKnown = false
			}
		}
		return false, allKnown
	case Dict:
		k := v.Get(s)
		return k != nil, true
	case Str:
		return strings.Contains(v.S, s), true
	}
	return false, false
}

// Get returns the dict value for the string key k, or nil.
func (v *Value) Get(k string) *Value {
	if v == nil || v.Kind != Dict {
		return nil
	}
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if s, ok := v.Keys[i].Str(); ok && s == k {
			return v.Vals[i]
		}
	}
	return nil
}

// Set stores key → val in a dict, replacing an equal key. Past 4096 keys
// it appends without looking for the key (lookups scan from the end, so the
// newest value still wins): a literal of 10^5 keys stays linear.
func (v *Value) Set(key, val *Value) {
	if key != nil && key.Kind == Str && len(v.Keys) <= 4096 {
		// The common case, a string key: a str equals only a str.
		for i, k := range v.Keys {
			if k != nil && k.Kind == Str && k.S == key.S {
				v.Vals[i] = val
				return
			}
		}
		v.Keys = append(v.Keys, key)
		v.Vals = append(v.Vals, val)
		return
	}
	for i, k := range v.Keys {
		if len(v.Keys) > 4096 {
			break
		}
		if Equal(k, key) {
			v.Vals[i] = val
			return
		}
	}
	v.Keys = append(v.Keys, key)
	v.Vals = append(v.Vals, val)
}

// Equal is == for known scalars and sequences. Its work is bounded:
// values that share structure (X = [X, X], repeated) would take
// exponential time; past the budget they compare unequal.
func Equal(a, b *Value) bool {
	budget := 1 << 20
	return equal(a, b, &budget)
}

func equal(a, b *Value, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	if a == nil || b == nil || !a.Known() || !b.Known() {
		return false
	}
	num := func(v *Value) (float64, bool) {
		switch v.Kind {
		case Bool:
			if v.B {
				return 1, true
			}
			return 0, true
		case Int:
			return float64(v.I), true
		case Float:
			return v.F, true
		}
		return 0, false
	}
	if x, ok := num(a); ok {
		if y, ok := num(b); ok {
			return x == y
		}
		return false
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case None:
		return true
	case Str, Bytes:
		return a.S == b.S
	case Object:
		return a.Ident == b.Ident && a.QualName() == b.QualName()
	case List, Tuple, Set:
		if len(a.Items) != len(b.Items) {
			return false
		}
		for i := range a.Items {
			if !equal(a.Items[i], b.Items[i], budget) {
				return false
			}
		}
		return true
	case Dict:
		if len(a.Keys) != len(b.Keys) {
			return false
		}
		for i := range a.Keys {
			if !equal(a.Keys[i], b.Keys[i], budget) || !equal(a.Vals[i], b.Vals[i], budget) {
				return false
			}
		}
		return true
	}
	return false
}

// Repr renders v as Python would, shortened for messages.
func (v *Value) Repr() string {
	var b strings.Builder
	v.repr(&b, 0)
	s := b.String()
	if len(s) > 120 {
		cut := 117
		for cut > 0 && !utf8.RuneStart(s[cut]) { // never split a character
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func (v *Value) repr(b *strings.Builder, depth int) {
	if v == nil {
		b.WriteString("?")
		return
	}
	if depth > 4 || b.Len() > 256 { // Repr keeps 120 characters
		b.WriteString("...")
		return
	}
	switch v.Kind {
	case Unknown:
		b.WriteString("<unknown>")
	case None:
		b.WriteString("None")
	case Bool:
		if v.B {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case Int:
		b.WriteString(strconv.FormatInt(v.I, 10))
	case Float:
		b.WriteString(strconv.FormatFloat(v.F, 'g', -1, 64))
	case Str:
		b.WriteString(pyQuote(v.S))
	case Bytes:
		b.WriteString("b" + pyQuote(v.S))
	case List, Tuple, Set:
		open, close := "[", "]"
		if v.Kind == Tuple {
			open, close = "(", ")"
		} else if v.Kind == Set {
			open, close = "{", "}"
		}
		b.WriteString(open)
		for i, it := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			it.repr(b, depth+1)
		}
		if v.Kind == Tuple && len(v.Items) == 1 {
			b.WriteString(",")
		}
		b.WriteString(close)
	case Dict:
		b.WriteString("{")
		for i := range v.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			v.Keys[i].repr(b, depth+1)
			b.WriteString(": ")
			v.Vals[i].repr(b, depth+1)
		}
		b.WriteString("}")
	case Object:
		b.WriteString("<" + v.QualName() + ">")
	}
}

func pyQuote(s string) string {
	q := strconv.Quote(s)
	if !strings.Contains(s, "'") {
		q = "'" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "'"
	}
	return q
}

// addEnv records that v depends on environment variables.
func (v *Value) addEnv(names ...string) {
	for _, n := range names {
		found := false
		for _, e := range v.Env {
			if e == n {
				found = true
			}
		}
		if !found {
			v.Env = append(v.Env, n)
		}
	}
	sort.Strings(v.Env)
}
