//go:build !windows

package update

import (
	"os/exec"
	"syscall"
)

// detach puts the child in a session of its own, away from the terminal.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
