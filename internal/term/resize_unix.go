//go:build !windows

package term

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize delivers the terminal's size changes (SIGWINCH) on c.
func notifyResize(c chan<- os.Signal) { signal.Notify(c, syscall.SIGWINCH) }
