package targets

import (
	"testing"
	"time"
)

func TestLineTime(t *testing.T) {
	nyc := time.FixedZone("host", -5*3600)
	utc := func(s string) time.Time { tt, _ := time.Parse(time.RFC3339Nano, s); return tt }
	for _, tt := range []struct {
		line string
		want time.Time // zero: no time
	}{
		{"2026-12-03 13:00:00,123 INFO django.request: boom", utc("2026-12-03T18:00:00.123Z")},
		{"2026-12-03T13:00:00Z started", utc("2026-12-03T13:00:00Z")},
		{"2026-12-03T13:00:00.5+01:00 x", utc("2026-12-03T12:00:00.5Z")},
		{"2026-12-03 13:00:00 +0100 x", utc("2026-12-03T12:00:00Z")},
		{"2026-12-03 13:00:00 - x", utc("2026-12-03T18:00:00Z")},
		{"[2026-12-03 13:00:00 +0000] [12] [INFO] Booting worker", utc("2026-12-03T13:00:00Z")},
		{"[03/Dec/2026 13:00:00] \"GET / HTTP/1.1\" 200 5", utc("2026-12-03T18:00:00Z")},
		{"127.0.0.1 - - [03/Dec/2026:13:00:00 +0000] \"GET / HTTP/1.1\" 200 5", utc("2026-12-03T13:00:00Z")},
		{`{"asctime": "2026-12-03 13:00:00,5", "message": "x"}`, utc("2026-12-03T18:00:00.5Z")},
		{`{"timestamp": "2026-12-03T13:00:00Z", "event": "x"}`, utc("2026-12-03T13:00:00Z")},
		{`{"ts": 1796302800.25, "msg": "x"}`, time.Unix(1796302800, 250000000)},
		{"Traceback (most recent call last):", time.Time{}},
		{"  File \"x.py\", line 1", time.Time{}},
		{"200 OK", time.Time{}},
		{"[not a time] x", time.Time{}},
		{"", time.Time{}},
	} {
		got, ok := LineTime(tt.line, nyc)
		if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
			t.Errorf("%q = %v %v, want %v", tt.line, got, ok, tt.want)
		}
	}
}

func TestSinceFilter(t *testing.T) {
	f := &SinceFilter{Cutoff: time.Date(2026, 12, 3, 13, 0, 0, 0, time.UTC), Loc: time.UTC}
	lines := []string{
		"no time yet",                          // kept: nothing says it is older
		"2026-12-03 12:50:00,000 ERROR old",    // dropped
		"Traceback (most recent call last):",   // goes with it
		"2026-12-03 13:05:00,000 ERROR recent", // kept
		"  continuation",                       // kept with it
	}
	var kept []string
	for _, l := range lines {
		if _, ok := f.Keep(l); ok {
			kept = append(kept, l)
		}
	}
	want := []string{lines[0], lines[3], lines[4]}
	if len(kept) != len(want) || kept[0] != want[0] || kept[1] != want[1] || kept[2] != want[2] {
		t.Errorf("kept %q, want %q", kept, want)
	}
}
