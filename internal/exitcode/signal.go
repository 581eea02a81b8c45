package exitcode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// SignalError is how a command ends when ctl was sent a signal (SIGINT,
// SIGTERM, SIGHUP): that is not a failure of ctl's own, so nothing is
// printed and the process exits 128+n, as a shell reports a program
// killed by signal n (130 for SIGINT, 143 for SIGTERM).
type SignalError struct {
	Signal syscall.Signal
}

func (e *SignalError) Error() string { return fmt.Sprintf("interrupted by %s", sigName(e.Signal)) }

// ExitCode is 128 + the signal's number.
func (e *SignalError) ExitCode() int { return 128 + int(e.Signal) }

// Unwrap: a signal cancelled the command's context.
func (e *SignalError) Unwrap() error { return context.Canceled }

func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// SignalContext is signal.NotifyContext whose cancellation cause is the
// *SignalError of the signal that arrived (see FromSignal).
func SignalContext(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			if ss, ok := s.(syscall.Signal); ok {
				cancel(&SignalError{Signal: ss})
			} else {
				cancel(nil)
			}
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// FromSignal returns the *SignalError that cancelled ctx when err is what
// the cancellation caused (anything but a child's exit status); else err.
func FromSignal(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	var se *SignalError
	if errors.As(context.Cause(ctx), &se) {
		return se
	}
	return err
}
