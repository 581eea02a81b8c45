// Package run starts child processes the way an interactive tool must:
// the child owns the terminal while it runs, Ctrl-C goes to the child and
// not to ctl, SIGTERM and SIGHUP sent to ctl are forwarded, and the child's
// exit status comes back as a number (128+n for a signal, as shells do).
package run

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Foreground runs cmd to completion and returns its exit code. An error
// means the command could not be started.
func Foreground(cmd *exec.Cmd) (int, error) {
	sigs := make(chan os.Signal, 4)
	// Registering keeps ctl alive on the terminal's SIGINT/SIGQUIT (they
	// reach the child directly, being in the foreground process group).
	signal.Notify(sigs, os.Interrupt, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGTERM || s == syscall.SIGHUP {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	return ExitCode(err)
}

// ExitCode converts the error of (*exec.Cmd).Wait into an exit code.
func ExitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 0, err
}
