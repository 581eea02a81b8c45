package pyeval

// The json module: json.loads.

import (
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

// jsonCalls: json.loads of a known string.
var jsonCalls = map[string]callModel{
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
