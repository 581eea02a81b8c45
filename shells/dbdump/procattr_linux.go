package dbdump

import "syscall"

// childProcAttr: the child gets SIGTERM when ctl dies, so a killed ctl
// leaves no pg_dump or pg_restore behind.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
