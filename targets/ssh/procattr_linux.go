package ssh

import "syscall"

// tunnelProcAttr: own process group (the terminal's signals are psql's),
// and SIGTERM when ctl dies.
func tunnelProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
