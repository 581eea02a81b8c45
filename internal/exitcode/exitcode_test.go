package exitcode

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

type cfgErr struct{}

func (cfgErr) Error() string { return "bad config" }
func (cfgErr) ExitCode() int { return Usage }

func TestFor(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		passthrough bool
		want        int
	}{
		{"nil", nil, false, 0},
		{"plain", errors.New("x"), false, 1},
		{"usage", Usagef("bad flag"), false, 2},
		{"typed config", fmt.Errorf("wrap: %w", cfgErr{}), false, 2},
		{"cancel", CancelError, false, 130},
		{"context cancel", fmt.Errorf("x: %w", context.Canceled), false, 130},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), false, 124},
		{"silent", SilentError, false, 1},
		{"child code", &ExitError{Code: 7}, false, 7},
		{"child code passthrough", fmt.Errorf("w: %w", &ExitError{Code: 3}), true, 3},
		{"own failure passthrough", errors.New("x"), true, 255},
		{"usage passthrough", Usagef("x"), true, 255},
	}
	for _, tt := range tests {
		if got := For(tt.err, tt.passthrough); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestHint(t *testing.T) {
	err := fmt.Errorf("outer: %w", WithHint(errors.New("inner"), "do this"))
	if HintOf(err) != "do this" || err.Error() != "outer: inner" {
		t.Fatalf("hint %q msg %q", HintOf(err), err)
	}
}
