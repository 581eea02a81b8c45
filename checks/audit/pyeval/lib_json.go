package pyeval

// The json module: json.loads.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonValue reads one JSON value (the whole input) as Python's
// json.loads would return it, objects keeping their key order.
func jsonValue(dec *json.Decoder, p Pos) (*Value, error) {
	dec.UseNumber()
	var read func() (*Value, error)
	read = func() (*Value, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '[':
				l := NewSeq(List, nil, p)
				for dec.More() {
					it, err := read()
					if err != nil {
						return nil, err
					}
					l.Items = append(l.Items, it)
				}
				_, err := dec.Token()
				return l, err
			case '{':
				d := NewDict(p)
				for dec.More() {
					k, err := read()
					if err != nil {
						return nil, err
					}
					v, err := read()
					if err != nil {
						return nil, err
					}
					d.Set(k, v)
				}
				_, err := dec.Token()
				return d, err
			}
			return nil, fmt.Errorf("unexpected %v", t)
		case string:
			return NewStr(t, p), nil
		case bool:
			return NewBool(t, p), nil
		case nil:
			return NewNone(p), nil
		case json.Number:
			if n, err := t.Int64(); err == nil {
				return NewInt(n, p), nil
			}
			f, err := t.Float64()
			return NewFloat(f, p), err
		}
		return nil, fmt.Errorf("unexpected %v", tok)
	}
	v, err := read()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data")
	}
	return v, nil
}

// SuppliedFile is the deployment's copy of a file (--file PATH=LOCAL).
type SuppliedFile struct {
	Data []byte
	From string // "--file LOCAL"
}

// loadFile is json.load, yaml.safe_load... of an open file: a secrets
// file in the project is the developer's copy, not the deployment's, so
// what it holds is unknown, and the reason names the file.
func loadFile(e *Evaluator, fn *Value, a args, p Pos) *Value {
	x, _ := a.get(0, "fp")
	if x != nil && x.Kind == Object && x.Ident == IdentFile {
		if f, ok := e.Supplied[x.S]; ok && fn.S == "json.load" && len(a.kw) == 0 {
			v, err := jsonValue(json.NewDecoder(bytes.NewReader(f.Data)), p)
			if err != nil {
				e.raise("JSONDecodeError", err.Error())
				return NewUnknown(fmt.Sprintf("json.load(%s) raises JSONDecodeError on %s: %s", e.display(x.S), f.From, err), p)
			}
			markSupplied(v, Source{Kind: SrcFile, Var: e.display(x.S), From: f.From}, 0)
			return v
		}
		if f, ok := e.Supplied[x.S]; ok && strings.HasPrefix(fn.S, "yaml.") && yamlSafeArgs(fn.S, a) {
			v, err := yamlValue(f.Data, p)
			if err != nil {
				e.raise("YAMLError", err.Error())
				return NewUnknown(fmt.Sprintf("%s(%s) raises YAMLError on %s: %s", fn.S, e.display(x.S), f.From, err), p)
			}
			markSupplied(v, Source{Kind: SrcFile, Var: e.display(x.S), From: f.From}, 0)
			return v
		}
		return NewUnknown(fmt.Sprintf("%s(%s) at start-up: the deployment's copy decides, not this machine's", fn.S, e.display(x.S)), p)
	}
	return NewUnknown("call to "+fn.S, p)
}

// yamlSafeArgs: the call reads plain YAML data as SafeLoader does —
// yaml.safe_load(f), or yaml.load / full_load with a Loader whose extra
// (python/…) tags a settings file's data does not use; such a tag is a
// constructor error, reported as unknown.
func yamlSafeArgs(fn string, a args) bool {
	for k := range a.kw {
		if k != "Loader" || fn == "yaml.safe_load" {
			return false
		}
	}
	return fn == "yaml.safe_load" || fn == "yaml.full_load" || (fn == "yaml.load" && len(a.kw) == 1) || (fn == "yaml.load" && len(a.pos) == 2)
}

// markSupplied gives a value read from a supplied file, and what it
// contains, the file as source.
func markSupplied(v *Value, src Source, depth int) {
	v.Src = src
	if depth > 64 {
		return
	}
	for _, it := range v.Items {
		markSupplied(it, src, depth+1)
	}
	for _, it := range v.Vals {
		markSupplied(it, src, depth+1)
	}
}

// jsonCalls: json.loads of a known string; json.load and YAML/TOML loads
// of a file (unknown, see loadFile).
var jsonCalls = map[string]callModel{
	"json.load":      loadFile,
	"yaml.load":      loadFile,
	"yaml.safe_load": loadFile,
	"yaml.full_load": loadFile,
	"toml.load":      loadFile,
	"tomllib.load":   loadFile,
	"json.loads": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		x, _ := a.get(0, "s")
		s, ok := x.Str()
		if !ok || len(a.kw) > 0 {
			return unknownFrom(p, x)
		}
		v, err := jsonValue(json.NewDecoder(strings.NewReader(s)), p)
		if err != nil {
			e.raise("JSONDecodeError", err.Error())
			return NewUnknown("json.loads raises JSONDecodeError: "+err.Error(), p)
		}
		return derive(v, x)
	},
}
