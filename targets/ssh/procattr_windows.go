//go:build windows

package ssh

import "syscall"

// tunnelProcAttr: Windows has no process groups to separate; Ctrl-C is
// delivered to the console's processes alike.
func tunnelProcAttr() *syscall.SysProcAttr { return nil }
