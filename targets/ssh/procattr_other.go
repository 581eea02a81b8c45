//go:build !linux && !windows

package ssh

import "syscall"

// tunnelProcAttr: own process group (the terminal's signals are psql's).
func tunnelProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
