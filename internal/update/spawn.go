package update

import (
	"os"
	"os/exec"
)

// Spawn starts `exe args...` detached from ctl: stdio on /dev/null, its own
// session where the platform has them, not waited for. ctl exits whenever
// its command is done; the child finishes the lookup on its own.
func Spawn(exe string, args []string, env []string) error {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
