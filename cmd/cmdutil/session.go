package cmdutil

import (
	"context"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
)

// RunInTarget runs argv (empty: the target's shell) with ctl's streams and
// turns a non-zero exit code into *exitcode.ExitError, so that Main
// passes it through.
func RunInTarget(ctx context.Context, io *iostreams.IOStreams, t targets.Target, argv []string) error {
	code, err := t.Run(ctx, targets.Session{
		Argv:   argv,
		TTY:    io.IsStdinTTY() && io.IsStdoutTTY(),
		Stdin:  io.In,
		Stdout: io.Out,
		Stderr: io.ErrOut,
	})
	if err != nil {
		return err
	}
	return CodeError(code)
}

// CodeError is nil for 0 and an *exitcode.ExitError otherwise.
func CodeError(code int) error {
	if code == 0 {
		return nil
	}
	return &exitcode.ExitError{Code: code}
}
