package textutil

import "testing"

func TestSuggest(t *testing.T) {
	cands := []string{"local", "qa", "staging", "prod", "python", "protected"}
	tests := []struct {
		in, want string
	}{
		{"pyhton", "python"},
		{"stagin", "staging"},
		{"prdo", "prod"},
		{"PROD", "prod"},
		{"protect", "protected"},
		{"qa", "qa"},
		{"zzzzzzzz", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in, cands); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	if d := Levenshtein("kitten", "sitting"); d != 3 {
		t.Fatalf("got %d, want 3", d)
	}
	if d := Levenshtein("", "abc"); d != 3 {
		t.Fatalf("got %d, want 3", d)
	}
}
