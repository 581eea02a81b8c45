//go:build !linux

package dbdump

import "syscall"

func childProcAttr() *syscall.SysProcAttr { return nil }
