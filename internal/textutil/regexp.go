package textutil

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use. Package-level
// regexp.MustCompile runs at start-up, in every command, whether or not
// the command needs it; ctl's start-up budget cannot afford that.
func Regexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
