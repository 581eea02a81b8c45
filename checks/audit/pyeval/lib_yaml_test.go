package pyeval

import (
	"fmt"
	"testing"
	"time"
)

// TestYAMLValue: yaml.safe_load as PyYAML's SafeLoader reads it (the
// expectations were taken from PyYAML 6.0; floats in Go's notation).
func TestYAMLValue(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"yes", "True"}, {"Off", "False"}, {"on", "True"}, {"TRUE", "True"}, {"y", "'y'"},
		{"010", "8"}, {"0x1F", "31"}, {"-0b101", "-5"}, {"1_000", "1000"}, {"190:20:30", "685230"}, {"0", "0"}, {"+12", "12"},
		{"1e3", "'1e3'"}, {"1.0e+3", "1000"}, {"1.5", "1.5"}, {".inf", "+Inf"}, {"-.inf", "-Inf"}, {".5", "0.5"},
		{"~", "None"}, {"null", "None"}, {"", "None"},
		{`"yes"`, "'yes'"}, {"'010'", "'010'"}, {"!!str 12", "'12'"}, {`!!int "12"`, "12"}, {"!!float 1", "1"},
		{"2001-12-14", "<unknown>"}, {"plain text", "'plain text'"},
		{"[a, 1, no]", "['a', 1, False]"},
		{"{a: 1, b: [x]}", "{'a': 1, 'b': ['x']}"},
		{"base: &b {x: 1, y: 2}\nmerged: {<<: *b, y: 3}", "{'base': {'x': 1, 'y': 2}, 'merged': {'x': 1, 'y': 3}}"},
		{"a: &a [1]\nb: *a", "{'a': [1], 'b': [1]}"},
		{"|\n  line\n", "'line\\n'"},
	} {
		v, err := yamlValue([]byte(tt.in), Pos{})
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got := v.Repr(); got != tt.want {
			t.Errorf("%q = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"a: 1\n---\nb: 2\n", "!!python/object:os.system x", "? [a]\n: 1\n", "a: [1\n"} {
		if v, err := yamlValue([]byte(bad), Pos{}); err == nil {
			t.Errorf("%q = %s, want an error", bad, v.Repr())
		}
	}
}

// FuzzYAMLValue: any supplied YAML gives a value or an error, never a
// panic, and the value renders.
func FuzzYAMLValue(f *testing.F) {
	for _, s := range []string{"a: 1", "- [x, {y: z}]", "base: &b {x: 1}\nm: {<<: *b}", "a: &a [*a]", "<<: [1]", "!!binary aGk=", "? a\n", "010", "1:2:3.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		timer := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("no result after 5s for %q", src)) })
		defer timer.Stop()
		v, err := yamlValue([]byte(src), Pos{})
		if err == nil {
			_ = v.Repr()
		}
	})
}
