// Package logs is `ctl logs`'s streaming logic on top of a target's log
// sources (targets.Logs): structured-line detection, filters, secret
// masking, and the one output every stream is merged into (human lines
// with a coloured prefix per stream, or NDJSON envelopes).
package logs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Level orders log levels; 0 is "unknown".
type Level int

// Levels, in increasing severity.
const (
	LevelUnknown Level = iota
	LevelDebug
	LevelInfo
	LevelWarning
	LevelError
	LevelCritical
)

var levelNames = map[Level]string{
	LevelDebug: "debug", LevelInfo: "info", LevelWarning: "warning",
	LevelError: "error", LevelCritical: "critical",
}

func (l Level) String() string {
	if s, ok := levelNames[l]; ok {
		return s
	}
	return "unknown"
}

// ParseLevel reads a level name as Python's logging, structlog and the
// usual servers spell them.
func ParseLevel(s string) Level {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trace", "debug", "dbg":
		return LevelDebug
	case "info", "information", "notice", "informational":
		return LevelInfo
	case "warn", "warning":
		return LevelWarning
	case "error", "err", "exception":
		return LevelError
	case "critical", "crit", "fatal", "panic", "alert", "emerg", "emergency":
		return LevelCritical
	}
	return LevelUnknown
}

// Record is a JSON log line understood: the fields it is rendered from.
type Record struct {
	Time    string
	Level   Level
	RawLvl  string
	Logger  string
	Message string
	// Extra are the remaining fields, key=value, in the line's order.
	Extra []string
}

var (
	timeKeys   = []string{"timestamp", "time", "ts", "asctime", "@timestamp", "t"}
	levelKeys  = []string{"level", "levelname", "severity", "log.level", "lvl"}
	loggerKeys = []string{"logger", "name", "logger_name", "logger.name"}
	msgKeys    = []string{"message", "msg", "event"}
)

// ParseJSON recognises a JSON object line (python-json-logger, structlog,
// gunicorn/uvicorn JSON access logs). ok is false for anything else.
func ParseJSON(line string) (rec Record, ok bool) {
	b := bytes.TrimSpace([]byte(line))
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return rec, false
	}
	var fields orderedObject
	if err := json.Unmarshal(b, &fields); err != nil {
		return rec, false
	}
	used := map[string]bool{}
	take := func(keys []string) string {
		for _, k := range keys {
			if v, ok := fields.get(k); ok && !used[k] {
				used[k] = true
				return scalar(v)
			}
		}
		return ""
	}
	rec.Time = take(timeKeys)
	rec.RawLvl = take(levelKeys)
	rec.Level = ParseLevel(rec.RawLvl)
	rec.Message = take(msgKeys)
	rec.Logger = take(loggerKeys)
	if rec.Message == "" {
		if msg, lvl, isAccess := accessLine(fields, used); isAccess {
			rec.Message = msg
			if rec.Level == LevelUnknown {
				rec.Level, rec.RawLvl = lvl, lvl.String()
			}
		}
	}
	for _, kv := range fields {
		if used[kv.key] {
			continue
		}
		rec.Extra = append(rec.Extra, kv.key+"="+scalar(kv.val))
	}
	return rec, true
}

// accessLine renders an access-log record (gunicorn's and uvicorn's JSON
// access formats, and the common custom ones): "GET /path 200 12ms".
func accessLine(f orderedObject, used map[string]bool) (string, Level, bool) {
	pick := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := f.get(k); ok {
				used[k] = true
				return scalar(v)
			}
		}
		return ""
	}
	method := pick("method", "request_method", "http_method")
	path := pick("path", "url", "request_path", "uri", "request")
	status := pick("status", "status_code", "response_status", "code")
	if status == "" || (method == "" && path == "") {
		return "", LevelUnknown, false
	}
	parts := []string{}
	for _, p := range []string{method, path, status} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if d := pick("duration", "duration_ms", "request_time", "response_time", "elapsed"); d != "" {
		parts = append(parts, d)
	}
	lvl := LevelInfo
	if n, err := strconv.Atoi(status); err == nil {
		switch {
		case n >= 500:
			lvl = LevelError
		case n >= 400:
			lvl = LevelWarning
		}
	}
	return strings.Join(parts, " "), lvl, true
}

func scalar(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	return string(v)
}

type kv struct {
	key string
	val json.RawMessage
}

// orderedObject keeps a JSON object's keys in their order.
type orderedObject []kv

func (o orderedObject) get(k string) (json.RawMessage, bool) {
	for _, x := range o {
		if x.key == k {
			return x.val, true
		}
	}
	return nil, false
}

func (o *orderedObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("bad key")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, kv{key, v})
	}
	_, err = dec.Token()
	return err
}

// LevelFilter is --level: ">=warning", "error", "<=info".
type LevelFilter struct {
	op  string
	lvl Level
}

// ParseLevelFilter reads --level.
func ParseLevelFilter(s string) (*LevelFilter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	op := ">="
	for _, o := range []string{">=", "<=", "==", "=", ">", "<"} {
		if rest, ok := strings.CutPrefix(s, o); ok {
			op, s = o, rest
			break
		}
	}
	if op == "=" {
		op = "=="
	}
	l := ParseLevel(s)
	if l == LevelUnknown {
		return nil, fmt.Errorf("--level: unknown level %q (debug, info, warning, error, critical, optionally after >=, >, <=, <, =)", s)
	}
	return &LevelFilter{op: op, lvl: l}, nil
}

// Match reports whether a line of level l passes. Lines with no level
// (not structured) pass: a traceback follows the error it belongs to.
func (f *LevelFilter) Match(l Level) bool {
	if f == nil || l == LevelUnknown {
		return true
	}
	switch f.op {
	case ">":
		return l > f.lvl
	case "<=":
		return l <= f.lvl
	case "<":
		return l < f.lvl
	case "==":
		return l == f.lvl
	}
	return l >= f.lvl
}
