//go:build !unix

package rules

// lockFile is a no-op where flock does not exist: the sandbox runs on
// Linux (and macOS); the in-process mutex still orders writers.
func lockFile(string) (func(), error) { return func() {}, nil }
