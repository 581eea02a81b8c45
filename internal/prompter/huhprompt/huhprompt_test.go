package huhprompt

import (
	"io"
	"strings"
	"testing"
	"time"
)

// The huh form is driven through its input like a person typing.
func TestConfirmReadsKeys(t *testing.T) {
	for _, tt := range []struct {
		keys string
		def  bool
		want bool
	}{
		{"y", false, true},
		{"n", true, false},
		{"\r", true, true},
	} {
		p := &huhPrompter{in: strings.NewReader(tt.keys), out: io.Discard}
		done := make(chan struct{})
		var got bool
		var err error
		go func() {
			got, err = p.Confirm("Apply the fix?", tt.def)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("keys %q: the prompt never returned", tt.keys)
		}
		if err != nil || got != tt.want {
			t.Errorf("keys %q: got %v, %v; want %v", tt.keys, got, err, tt.want)
		}
	}
}

// Select moves with j/down and chooses with enter (ctl doctor --fix's
// per-fix question).
func TestSelectReadsKeys(t *testing.T) {
	for _, tt := range []struct {
		keys string
		want int
	}{
		{"\r", 0},
		{"j\r", 1},
		{"jj\r", 2},
	} {
		p := &huhPrompter{in: strings.NewReader(tt.keys), out: io.Discard}
		done := make(chan struct{})
		var got int
		var err error
		go func() {
			got, err = p.Select("Apply this fix?", []string{"Yes", "No", "All"}, 0)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("keys %q: the prompt never returned", tt.keys)
		}
		if err != nil || got != tt.want {
			t.Errorf("keys %q: got %v, %v; want %v", tt.keys, got, err, tt.want)
		}
	}
}
