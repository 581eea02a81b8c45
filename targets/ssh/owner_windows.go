//go:build windows

package ssh

import "os"

// ownedByOther: the directory is in the user's own profile on Windows.
func ownedByOther(os.FileInfo) bool { return false }
