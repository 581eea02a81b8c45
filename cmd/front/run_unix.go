//go:build !windows

package front

import (
	"os"
	"os/exec"
	"syscall"
)

const exeSuffix = ""

var execLookPath = exec.LookPath

// run replaces this process with ctl-full: the same terminal, signals and
// process, so its exit code is ctl's.
func run(full string, args, env []string) error {
	return &execError{syscall.Exec(full, append([]string{os.Args[0]}, args...), env), full}
}

type execError struct {
	err  error
	path string
}

func (e *execError) Error() string { return "running " + e.path + ": " + e.err.Error() }
func (e *execError) Unwrap() error { return e.err }
