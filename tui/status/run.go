package status

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/ctlops/ctl/internal/exitcode"
)

// Run shows the view until q (or ctx ends), drawn on opts.Out.
func Run(ctx context.Context, opts Options) error {
	m := New(opts)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(opts.In), tea.WithOutput(opts.Out), tea.WithFPS(10))
	_, err := p.Run()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrInterrupted):
		return exitcode.CancelError
	case errors.Is(err, tea.ErrProgramKilled), errors.Is(err, context.Canceled):
		if ctx.Err() != nil {
			return nil
		}
	}
	return err
}
