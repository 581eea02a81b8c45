//go:build !windows

package ssh

import (
	"os"
	"syscall"
)

// ownedByOther reports whether fi belongs to another user.
func ownedByOther(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) != os.Getuid()
}
