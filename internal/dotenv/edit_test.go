package dotenv

import (
	"strings"
	"testing"
)

func TestQuoteRoundTrip(t *testing.T) {
	for _, v := range []string{"", "plain", "with space", "a#b", "it's", "p@ss:w/rd=1", `back\slash`, "dollar $HOME", "tab\there"} {
		q, err := Quote(v)
		if err != nil {
			t.Fatalf("Quote(%q): %v", v, err)
		}
		vars, err := Parse("x", []byte("K="+q+"\n"))
		if err != nil || len(vars) != 1 || vars[0].Value != v {
			t.Errorf("Quote(%q) = %s, parsed back as %+v (%v)", v, q, vars, err)
		}
	}
	for _, v := range []string{"line\nbreak", `it's $x`} {
		if _, err := Quote(v); err == nil {
			t.Errorf("Quote(%q): no error", v)
		} else if strings.Contains(err.Error(), v) {
			t.Errorf("the error holds the value: %v", err)
		}
	}
}

func TestEdit(t *testing.T) {
	in := "# app\nexport DEBUG=1\nA=x\nA=y # again\n\nSECRET='s'\n"
	out, err := Edit("f", []byte(in), map[string]string{"A": "new value", "NEW": "n"}, []string{"DEBUG"})
	if err != nil {
		t.Fatal(err)
	}
	want := "# app\nA='new value'\n\nSECRET='s'\nNEW=n\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out, err = Edit("f", []byte("export K=1"), map[string]string{"K": "2"}, nil)
	if err != nil || string(out) != "export K=2\n" {
		t.Fatalf("export kept: %q %v", out, err)
	}
	if _, err := Edit("f", []byte("K=1\n"), map[string]string{"bad-key": "2"}, nil); err == nil {
		t.Fatal("an invalid key was accepted")
	}
}
