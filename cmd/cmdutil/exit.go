package cmdutil

import (
	"context"
	"errors"

	"github.com/ctlops/ctl/internal/exitcode"
)

// Exit codes (docs/exit-codes.md). Only cmd/ turns errors into these:
// domain errors carry a kind (exitcode.ErrUsage, exitcode.ErrInvalid, ...).
const (
	ExitOK         = 0
	ExitFailure    = 1   // failure, or findings at/above the fail level (audit, doctor)
	ExitUsage      = 2   // usage or configuration error
	ExitTimeout    = 124 // a deadline passed
	ExitCancelled  = 130 // Ctrl-C, or a prompt aborted
	ExitOwnFailure = 255 // ctl's own failure in a command passing its child's code through, as ssh does
)

// ExitCode maps an error to the process's exit code. passthrough is true
// for commands that hand their child's exit status back (shell, exec,
// ...): there, every failure of ctl's own is 255 so that scripts can tell
// it from the child's.
func ExitCode(err error, passthrough bool) int {
	if err == nil || errors.Is(err, exitcode.HelpShown) {
		return ExitOK
	}
	var ee *exitcode.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if passthrough {
		return ExitOwnFailure
	}
	switch {
	case errors.Is(err, exitcode.CancelError), errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return ExitTimeout
	case errors.Is(err, exitcode.ErrUsage), errors.Is(err, exitcode.ErrInvalid):
		return ExitUsage
	}
	return ExitFailure
}
