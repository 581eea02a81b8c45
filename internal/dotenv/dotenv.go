// Package dotenv reads .env files the way Django's env libraries do
// (django-environ, python-decouple, python-dotenv): KEY=VALUE lines,
// optional `export`, single quotes literal, double quotes with \n \t \" \\
// escapes, `#` comments (inline only after whitespace in unquoted values).
package dotenv

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Var is one assignment and the line it came from.
type Var struct {
	Key   string
	Value string
	Line  int
}

// ParseError names the file, line and column of a malformed line.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ReadFile parses a .env file. A missing file returns an os.ErrNotExist error.
func ReadFile(path string) ([]Var, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses .env content; name is used in errors.
func Parse(name string, data []byte) ([]Var, error) {
	var vars []Var
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		raw := strings.TrimSuffix(sc.Text(), "\r")
		line := strings.TrimLeft(raw, " \t")
		indent := len(raw) - len(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			indent += len(line) - len(strings.TrimLeft(rest, " \t"))
			line = strings.TrimLeft(rest, " \t")
		}
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			return vars, &ParseError{File: name, Line: lineNo, Col: indent + 1, Msg: "expected KEY=VALUE"}
		}
		key := strings.TrimRight(line[:eq], " \t")
		if !validKey(key) {
			return vars, &ParseError{File: name, Line: lineNo, Col: indent + 1, Msg: fmt.Sprintf("invalid variable name %q", key)}
		}
		rest := strings.TrimLeft(line[eq+1:], " \t")
		valCol := indent + 1 + (len(line) - len(rest))
		value, err := parseValue(rest)
		if err != nil {
			return vars, &ParseError{File: name, Line: lineNo, Col: valCol, Msg: err.Error()}
		}
		vars = append(vars, Var{Key: key, Value: value, Line: lineNo})
	}
	if err := sc.Err(); err != nil {
		return vars, fmt.Errorf("%s: %w", name, err)
	}
	return vars, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		if r == '_' || r == '.' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

func parseValue(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	switch s[0] {
	case '\'':
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("unterminated single-quoted value")
		}
		return s[1 : 1+end], nil
	case '"':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				default:
					b.WriteByte(s[i])
				}
			case c == '"':
				return b.String(), nil
			default:
				b.WriteByte(c)
			}
		}
		return "", fmt.Errorf("unterminated double-quoted value")
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "\t#"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, " \t"), nil
}

// Lookup returns the last value of key in vars.
func Lookup(vars []Var, key string) (Var, bool) {
	for i := len(vars) - 1; i >= 0; i-- {
		if vars[i].Key == key {
			return vars[i], true
		}
	}
	return Var{}, false
}
