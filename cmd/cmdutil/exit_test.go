package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ctlops/ctl/internal/exitcode"
)

type cfgErr struct{}

func (cfgErr) Error() string        { return "bad config" }
func (cfgErr) Is(target error) bool { return target == exitcode.ErrInvalid }

func TestExitCode(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		passthrough bool
		want        int
	}{
		{"nil", nil, false, 0},
		{"plain", errors.New("x"), false, 1},
		{"usage", exitcode.Usagef("bad flag"), false, 2},
		{"invalid", exitcode.Invalidf("no such environment"), false, 2},
		{"typed config", fmt.Errorf("wrap: %w", cfgErr{}), false, 2},
		{"cancel", exitcode.CancelError, false, 130},
		{"context cancel", fmt.Errorf("x: %w", context.Canceled), false, 130},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), false, 124},
		{"silent", exitcode.SilentError, false, 1},
		{"help", exitcode.HelpShown, false, 0},
		{"child code", &exitcode.ExitError{Code: 7}, false, 7},
		{"child code passthrough", fmt.Errorf("w: %w", &exitcode.ExitError{Code: 3}), true, 3},
		{"own failure passthrough", errors.New("x"), true, 255},
		{"usage passthrough", exitcode.Usagef("x"), true, 255},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err, tt.passthrough); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}
