package root

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

// TestReportSignalEndsSessionQuietly: a session verb whose context a
// signal cancelled exits 128+n and prints no error line (it used to print
// "error: context canceled" and exit 255); a child's own code still wins.
func TestReportSignalEndsSessionQuietly(t *testing.T) {
	tests := []struct {
		name string
		sig  syscall.Signal
		err  error
		want int
	}{
		{"SIGTERM during a remote shell", syscall.SIGTERM, fmt.Errorf("exec: %w", context.Canceled), 143},
		{"SIGINT", syscall.SIGINT, context.Canceled, 130},
		{"SIGHUP, any error the cancellation caused", syscall.SIGHUP, errors.New("stream closed"), 129},
		{"the child's code", syscall.SIGTERM, &exitcode.ExitError{Code: 3}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(&exitcode.SignalError{Signal: tt.sig})
			ios, _, _, stderr := iostreams.Test()
			cmd := &cobra.Command{Use: "shell"}
			cmdutil.MarkPassthrough(cmd)
			if code := Report(ctx, ios, cmd, tt.err); code != tt.want {
				t.Errorf("exit %d, want %d", code, tt.want)
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr %q, want nothing", stderr)
			}
		})
	}
	// Not cancelled by a signal: ctl's own failure, as before.
	ios, _, _, stderr := iostreams.Test()
	cmd := &cobra.Command{Use: "shell"}
	cmdutil.MarkPassthrough(cmd)
	if code := Report(context.Background(), ios, cmd, errors.New("no pod")); code != 255 || stderr.Len() == 0 {
		t.Errorf("own failure: exit %d stderr %q", code, stderr)
	}
}
