//go:build !windows

package update

import (
	"os"
	"os/exec"
	"syscall"
)

// Spawn starts `exe args...` detached from ctl: its own session, no
// terminal, stdio on /dev/null, not waited for. ctl exits whenever its
// command is done; the child finishes the lookup on its own.
func Spawn(exe string, args []string, env []string) error {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
