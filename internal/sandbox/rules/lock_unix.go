//go:build unix

package rules

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path (created if needed). flock(1)
// on the same file from a shell script takes part in the same lock.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close() //nolint:errcheck,gosec // the flock error is the one to report
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck,gosec // closing releases it anyway
		f.Close()                                   //nolint:errcheck,gosec
	}, nil
}
