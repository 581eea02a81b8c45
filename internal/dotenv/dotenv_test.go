package dotenv

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	src := `# comment
DEBUG=true
export SECRET_KEY='s3cr#t $x'
  DATABASE_URL = "postgres://u:p@h/db"   
MULTI="a\nb \"q\""
INLINE=value # comment
EMPTY=
HASH=a#b
`
	vars, err := Parse(".env", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"DEBUG": "true", "SECRET_KEY": "s3cr#t $x", "DATABASE_URL": "postgres://u:p@h/db",
		"MULTI": "a\nb \"q\"", "INLINE": "value", "EMPTY": "", "HASH": "a#b",
	}
	if len(vars) != len(want) {
		t.Fatalf("got %d vars: %+v", len(vars), vars)
	}
	for k, w := range want {
		v, ok := Lookup(vars, k)
		if !ok || v.Value != w {
			t.Errorf("%s = %q, want %q", k, v.Value, w)
		}
	}
	if v, _ := Lookup(vars, "DATABASE_URL"); v.Line != 4 {
		t.Errorf("line = %d", v.Line)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"A=1\nnot a line\n", ".env:2:1: expected KEY=VALUE"},
		{"A='open\n", ".env:1:3: unterminated single-quoted value"},
		{"  B=\"open\n", ".env:1:5: unterminated double-quoted value"},
		{"9X=1\n", `.env:1:1: invalid variable name "9X"`},
	}
	for _, tt := range tests {
		_, err := Parse(".env", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %s", tt.src, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("A=1\nexport B='x'\nC=\"y\\n\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse("f", []byte(s))
	})
}
