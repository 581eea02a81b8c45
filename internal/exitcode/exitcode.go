// Package exitcode is the one place where errors become process exit codes.
//
//	0   ok
//	1   failure, or findings at/above the fail level (audit, doctor)
//	2   usage or configuration error
//	124 timeout
//	130 cancelled (Ctrl-C)
//	128+n a session verb (shell, pyshell, dbshell, exec, manage) stopped by
//	    signal n sent to ctl (SIGTERM: 143), as a shell reports it
//	255 ctl's own failure in a command that passes its child's code through
//	    (shell, pyshell, dbshell, exec, manage), as ssh does
//
// A child's exit status is carried by *ExitError and returned unchanged.
package exitcode

import (
	"context"
	"errors"
	"fmt"
)

const (
	OK         = 0
	Failure    = 1
	Usage      = 2
	Timeout    = 124
	Cancelled  = 130
	OwnFailure = 255
)

// Coder is implemented by errors that know their exit code.
type Coder interface {
	error
	ExitCode() int
}

// Hinter is implemented by errors that carry a remedy for the user.
type Hinter interface {
	Hint() string
}

// ExitError is a child process's exit status, passed through verbatim.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitCode returns the child's code.
func (e *ExitError) ExitCode() int { return e.Code }

// UsageError is a bad invocation: a wrong flag, a missing argument.
// Its usage text is printed with it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }
func (e *UsageError) ExitCode() int { return Usage }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// SilentError ends the command with code 1 and prints nothing more: the
// command has already reported (e.g. audit findings).
var SilentError = errors.New("SilentError")

// HelpShown ends a command that printed its help instead of running: exit 0.
var HelpShown = errors.New("help shown")

// CancelError is returned when the user aborts a prompt or presses Ctrl-C.
var CancelError = errors.New("cancelled")

// WithHint attaches a remedy line to an error.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }
func (h *hinted) Hint() string  { return h.hint }

// HintOf returns the first hint found in err's chain.
func HintOf(err error) string {
	var h Hinter
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// For maps an error to an exit code. passthrough is true for commands that
// hand their child's exit status back (shell, exec, ...): there, every
// failure of ctl's own is 255 so that scripts can tell it from the child's.
func For(err error, passthrough bool) int {
	if err == nil || errors.Is(err, HelpShown) {
		return OK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var se *SignalError
	if errors.As(err, &se) {
		return se.ExitCode()
	}
	if passthrough {
		return OwnFailure
	}
	switch {
	case errors.Is(err, CancelError), errors.Is(err, context.Canceled):
		return Cancelled
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.Is(err, SilentError):
		return Failure
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return Failure
}
