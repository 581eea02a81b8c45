//go:build windows

package update

import "os/exec"

// detach: nothing to do; the child has no console input.
func detach(*exec.Cmd) {}
