//go:build windows

package term

import "os"

// notifyResize: Windows consoles send no resize signal, so a session keeps
// the size it started with.
func notifyResize(chan<- os.Signal) {}
