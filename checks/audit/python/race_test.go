//go:build race

package python

// raceEnabled reports whether the race detector is on; timing bounds in
// tests are not checked then, since it slows the code down many times.
const raceEnabled = true
