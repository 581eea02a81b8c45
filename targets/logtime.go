package targets

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// LineTime reads the time a log line was written, from the formats a
// Django deployment's files hold: a leading ISO 8601 time (Python
// logging's asctime "2026-12-03 13:00:00,123", RFC 3339), gunicorn's
// "[2026-12-03 13:00:00 +0000]", runserver's "[03/Dec/2026 13:00:00]",
// the common/combined access log's "[03/Dec/2026:13:00:00 +0000]", and
// JSON lines' time fields (ISO or epoch seconds). A time written without
// a zone is in loc (the zone of the machine that wrote it). ok is false
// for a line with no time (a traceback's continuation).
func LineTime(line string, loc *time.Location) (time.Time, bool) {
	s := strings.TrimLeft(line, " \t")
	if s == "" {
		return time.Time{}, false
	}
	switch {
	case s[0] == '{':
		return jsonLineTime(s, loc)
	case s[0] == '[':
		if end := strings.IndexByte(s, ']'); end > 0 {
			return bracketTime(s[1:end], loc)
		}
		return time.Time{}, false
	case s[0] >= '0' && s[0] <= '9':
		if t, ok := isoPrefix(s, loc); ok {
			return t, true
		}
	}
	// An access log: the time in brackets after the client and user.
	if i := strings.Index(s, " ["); i > 0 && i < 100 {
		if end := strings.IndexByte(s[i+2:], ']'); end > 0 {
			return bracketTime(s[i+2:i+2+end], loc)
		}
	}
	return time.Time{}, false
}

var bracketLayouts = []string{
	"02/Jan/2006:15:04:05 -0700", // common log format
	"02/Jan/2006 15:04:05",       // runserver
	"2006-01-02 15:04:05 -0700",  // gunicorn's error log
}

func bracketTime(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range bracketLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return isoPrefix(s, loc)
}

// isoPrefix reads a leading "2006-01-02[T ]15:04:05[.,frac][zone]".
func isoPrefix(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	n := 19
	if n < len(s) && (s[n] == '.' || s[n] == ',') {
		n++
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
	}
	body := strings.Replace(s[:n], ",", ".", 1)
	body = body[:10] + "T" + body[11:]
	rest := s[n:]
	zone := ""
	switch {
	case strings.HasPrefix(rest, "Z"):
		zone = "Z"
	case len(rest) >= 5 && (rest[0] == '+' || rest[0] == '-'):
		z := rest[:min(6, len(rest))]
		if len(z) == 6 && z[3] == ':' {
			zone = z
		} else if _, err := strconv.Atoi(rest[1:5]); err == nil {
			zone = rest[:3] + ":" + rest[3:5]
		}
	case strings.HasPrefix(rest, " +") || strings.HasPrefix(rest, " -"):
		if len(rest) >= 6 {
			if _, err := strconv.Atoi(rest[2:6]); err == nil {
				zone = rest[1:4] + ":" + rest[4:6]
			}
		}
	}
	if zone != "" {
		t, err := time.Parse("2006-01-02T15:04:05.999999999Z07:00", body+zone)
		return t, err == nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", body, loc)
	return t, err == nil
}

var lineTimeKeys = []string{"timestamp", "time", "ts", "asctime", "@timestamp", "t"}

func jsonLineTime(s string, loc *time.Location) (time.Time, bool) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return time.Time{}, false
	}
	for _, k := range lineTimeKeys {
		raw, ok := m[k]
		if !ok {
			continue
		}
		raw = bytes.TrimSpace(raw)
		var str string
		if json.Unmarshal(raw, &str) == nil {
			return LineTime(str, loc)
		}
		if f, err := strconv.ParseFloat(string(raw), 64); err == nil && f > 1e9 && f < 1e10 {
			sec := int64(f)
			return time.Unix(sec, int64((f-float64(sec))*1e9)), true
		}
	}
	return time.Time{}, false
}

// SinceFilter drops the lines of a file written before a cutoff, for
// --since on sources that have no times of their own. A line without a
// time (a traceback's continuation) goes with the line before it; lines
// before the first timed one are kept (nothing says they are older).
type SinceFilter struct {
	Cutoff time.Time
	Loc    *time.Location
	drop   bool
}

// Keep says whether line is shown, and its time when it has one.
func (f *SinceFilter) Keep(line string) (time.Time, bool) {
	t, ok := LineTime(line, f.Loc)
	if !ok {
		return time.Time{}, f.Cutoff.IsZero() || !f.drop
	}
	f.drop = !f.Cutoff.IsZero() && t.Before(f.Cutoff)
	return t, !f.drop
}
