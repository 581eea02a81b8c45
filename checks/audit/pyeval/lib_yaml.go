package pyeval

// yaml.safe_load of a supplied file, as PyYAML's SafeLoader reads it:
// YAML 1.1 plain-scalar resolution (yes/no/on/off are booleans, 010 is
// octal, 1e3 is a string), merge keys, anchors and aliases.

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// PyYAML's implicit resolvers (yaml/resolver.py), compiled on first use.
var yamlRE = sync.OnceValue(func() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"bool":  regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`),
		"float": regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`),
		"int":   regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`),
		"null":  regexp.MustCompile(`^(?:~|null|Null|NULL|)$`),
		"time":  regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`),
	}
})

// yamlValue is yaml.safe_load of data: one document (none is None).
func yamlValue(data []byte, p Pos) (*Value, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return NewNone(p), nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, errors.New("expected a single document in the stream")
	}
	y := &yamlReader{p: p, seen: map[*yaml.Node]*Value{}}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return y.node(doc.Content[0], 0)
	}
	return NewNone(p), nil
}

type yamlReader struct {
	p    Pos
	seen map[*yaml.Node]*Value // anchored nodes already built (aliases share them)
}

func (y *yamlReader) node(n *yaml.Node, depth int) (*Value, error) {
	if depth > 100 {
		return nil, errors.New("document nested too deeply")
	}
	if v, ok := y.seen[n]; ok {
		return v, nil
	}
	var v *Value
	var err error
	switch n.Kind {
	case yaml.AliasNode:
		return y.node(n.Alias, depth+1)
	case yaml.ScalarNode:
		v, err = y.scalar(n)
	case yaml.SequenceNode:
		if n.Tag != "!!seq" && n.Tag != "" {
			return nil, fmt.Errorf("line %d: could not determine a constructor for the tag %s", n.Line, n.Tag)
		}
		v = NewSeq(List, nil, y.p)
		for _, c := range n.Content {
			it, err := y.node(c, depth+1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, it)
		}
	case yaml.MappingNode:
		if n.Tag != "!!map" && n.Tag != "" {
			return nil, fmt.Errorf("line %d: could not determine a constructor for the tag %s", n.Line, n.Tag)
		}
		v, err = y.mapping(n, depth)
	default:
		return nil, fmt.Errorf("line %d: unexpected node", n.Line)
	}
	if err == nil && n.Anchor != "" {
		y.seen[n] = v
	}
	return v, err
}

// mapping builds a dict; merge keys (<<) bring in the merged mappings'
// keys that the mapping does not set itself, as SafeConstructor does.
func (y *yamlReader) mapping(n *yaml.Node, depth int) (*Value, error) {
	d := NewDict(y.p)
	var merged []*Value
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.ScalarNode && kn.Tag == "!!merge" {
			src := vn
			if src.Kind == yaml.AliasNode {
				src = src.Alias
			}
			var parts []*yaml.Node
			switch src.Kind {
			case yaml.MappingNode:
				parts = []*yaml.Node{vn}
			case yaml.SequenceNode:
				parts = src.Content
			default:
				return nil, fmt.Errorf("line %d: expected a mapping or list of mappings for merging", kn.Line)
			}
			for _, part := range parts {
				m, err := y.node(part, depth+1)
				if err != nil {
					return nil, err
				}
				if m.Kind != Dict {
					return nil, fmt.Errorf("line %d: expected a mapping for merging", kn.Line)
				}
				merged = append(merged, m)
			}
			continue
		}
		k, err := y.node(kn, depth+1)
		if err != nil {
			return nil, err
		}
		if k.Kind == List || k.Kind == Dict {
			return nil, fmt.Errorf("line %d: found unhashable key", kn.Line)
		}
		v, err := y.node(vn, depth+1)
		if err != nil {
			return nil, err
		}
		d.Set(k, v)
	}
	if len(merged) == 0 {
		return d, nil
	}
	// Earlier merged mappings win over later ones; the mapping's own keys
	// over all of them.
	out := NewDict(y.p)
	for i := len(merged) - 1; i >= 0; i-- {
		for j, k := range merged[i].Keys {
			out.Set(k, merged[i].Vals[j])
		}
	}
	for j, k := range d.Keys {
		out.Set(k, d.Vals[j])
	}
	return out, nil
}

func (y *yamlReader) scalar(n *yaml.Node) (*Value, error) {
	s := n.Value
	tag := n.Tag
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 && (tag == "!!str" || tag == "") {
		return NewStr(s, y.p), nil
	}
	if tag == "" || tag == "!" || n.Style&(yaml.TaggedStyle) == 0 {
		tag = y.resolve(s) // plain scalar: PyYAML's 1.1 rules, not yaml.v3's 1.2 ones
	}
	switch tag {
	case "!!str":
		return NewStr(s, y.p), nil
	case "!!null":
		return NewNone(y.p), nil
	case "!!bool":
		switch strings.ToLower(s) {
		case "yes", "true", "on":
			return NewBool(true, y.p), nil
		case "no", "false", "off":
			return NewBool(false, y.p), nil
		}
	case "!!int":
		if i, ok := yamlInt(s); ok {
			return NewInt(i, y.p), nil
		}
		return NewUnknown("an integer YAML value beyond 64 bits", y.p), nil
	case "!!float":
		if f, ok := yamlFloat(s); ok {
			return NewFloat(f, y.p), nil
		}
	case "!!timestamp":
		return NewUnknown("a YAML timestamp (a datetime object)", y.p), nil
	case "!!binary":
		return NewUnknown("a YAML !!binary value (bytes)", y.p), nil
	}
	return nil, fmt.Errorf("line %d: could not determine a constructor for the tag %s", n.Line, n.Tag)
}

func (y *yamlReader) resolve(s string) string {
	re := yamlRE()
	switch {
	case re["null"].MatchString(s):
		return "!!null"
	case re["bool"].MatchString(s):
		return "!!bool"
	case re["int"].MatchString(s):
		return "!!int"
	case re["float"].MatchString(s):
		return "!!float"
	case re["time"].MatchString(s):
		return "!!timestamp"
	case s == "<<":
		return "!!merge"
	}
	return "!!str"
}

// yamlInt is SafeConstructor.construct_yaml_int.
func yamlInt(s string) (int64, bool) {
	s = strings.ReplaceAll(s, "_", "")
	sign := int64(1)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	var (
		i   int64
		err error
	)
	switch {
	case s == "0":
		return 0, true
	case strings.HasPrefix(s, "0b"):
		i, err = strconv.ParseInt(s[2:], 2, 64)
	case strings.HasPrefix(s, "0x"):
		i, err = strconv.ParseInt(s[2:], 16, 64)
	case s[0] == '0':
		i, err = strconv.ParseInt(s[1:], 8, 64)
	case strings.Contains(s, ":"):
		for _, part := range strings.Split(s, ":") {
			d, perr := strconv.ParseInt(part, 10, 64)
			if perr != nil || i > math.MaxInt64/60 {
				return 0, false
			}
			i = i*60 + d
		}
	default:
		i, err = strconv.ParseInt(s, 10, 64)
	}
	return sign * i, err == nil
}

// yamlFloat is SafeConstructor.construct_yaml_float.
func yamlFloat(s string) (float64, bool) {
	s = strings.ToLower(strings.ReplaceAll(s, "_", ""))
	sign := 1.0
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	switch {
	case s == ".inf":
		return sign * math.Inf(1), true
	case s == ".nan":
		return math.NaN(), true
	case strings.Contains(s, ":"):
		parts := strings.Split(s, ":")
		f := 0.0
		for i, part := range parts {
			d, err := strconv.ParseFloat(part, 64)
			if err != nil || (i < len(parts)-1 && strings.Contains(part, ".")) {
				return 0, false
			}
			f = f*60 + d
		}
		return sign * f, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return sign * f, err == nil
}
