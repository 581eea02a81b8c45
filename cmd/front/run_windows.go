//go:build windows

package front

import (
	"errors"
	"os"
	"os/exec"

	"github.com/ctlops/ctl/internal/exitcode"
)

const exeSuffix = ".exe"

var execLookPath = exec.LookPath

// run starts ctl-full with ctl's streams and waits for it (Windows has no
// exec); its exit code becomes ctl's.
func run(full string, args, env []string) error {
	cmd := exec.Command(full, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &exitcode.ExitError{Code: ee.ExitCode()}
	}
	if err != nil {
		return err
	}
	return &exitcode.ExitError{Code: 0} // said nothing, exits 0

}
