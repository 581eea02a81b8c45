package testenv

import "syscall"

// dieWithParent: a server started for a test dies with the test binary,
// even when a timeout kills it before t.Cleanup runs.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
