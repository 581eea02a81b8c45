package run

import (
	"os/exec"
	"testing"
)

func TestForegroundExitCodes(t *testing.T) {
	tests := []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -TERM $$", 128 + 15},
	}
	for _, tt := range tests {
		code, err := Foreground(exec.Command("/bin/sh", "-c", tt.script))
		if err != nil || code != tt.want {
			t.Errorf("%q: code %d err %v, want %d", tt.script, code, err, tt.want)
		}
	}
	if _, err := Foreground(exec.Command("/nonexistent/prog")); err == nil {
		t.Error("starting a missing program gave no error")
	}
}
