// Package exitcode holds the kinds of failure ctl tells apart, for
// errors.Is: a usage error (ErrUsage), invalid input that is not about the
// command line (ErrInvalid), a cancellation (CancelError,
// context.Canceled), a timeout (context.DeadlineExceeded), a child's exit
// status (*ExitError), and the remedies errors carry (hints). Domain code
// gives its errors a kind; only cmd/ turns kinds into exit numbers
// (cmdutil.ExitCode, see docs/exit-codes.md).
package exitcode

import (
	"errors"
	"fmt"
)

// ErrUsage is the kind of a bad invocation: a wrong flag, a missing
// argument. It is the only kind printed with "Run 'ctl ... --help' for
// usage."
var ErrUsage = errors.New("usage error")

// ErrInvalid is the kind of input ctl cannot act on that is not the
// command line's fault: a configuration error, an unknown environment, no
// project here, a protected environment's confirmation missing.
var ErrInvalid = errors.New("invalid input")

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

// UsageError is a bad invocation (kind ErrUsage).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Is makes a UsageError of kind ErrUsage.
func (e *UsageError) Is(target error) bool { return target == ErrUsage }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// Invalid gives err the kind ErrInvalid.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	return &kinded{err: err, kind: ErrInvalid}
}

// Invalidf builds an error of kind ErrInvalid.
func Invalidf(format string, a ...any) error { return Invalid(fmt.Errorf(format, a...)) }

type kinded struct {
	err  error
	kind error
}

func (k *kinded) Error() string        { return k.err.Error() }
func (k *kinded) Unwrap() error        { return k.err }
func (k *kinded) Is(target error) bool { return target == k.kind }

// SilentError ends the command as a failure and prints nothing more: the
// command has already reported (e.g. audit findings).
var SilentError = errors.New("SilentError")

// HelpShown ends a command that printed its help instead of running: success.
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
