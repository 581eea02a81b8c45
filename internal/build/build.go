// Package build holds the version information injected at link time
// (-ldflags "-X github.com/ctlops/ctl/internal/build.Version=...").
package build

import "runtime/debug"

var (
	// Version is the release version, e.g. "v0.3.1". "dev" for local builds.
	Version = "dev"
	// Commit is the git commit the binary was built from.
	Commit = ""
	// Date is the build date in RFC 3339.
	Date = ""
)

// Info returns the version line printed by `ctl version`.
func Info() string {
	v := Version
	if v == "dev" {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	s := "ctl version " + v
	if Commit != "" || Date != "" {
		s += " (" + short(Commit)
		if Date != "" {
			if Commit != "" {
				s += ", "
			}
			s += Date
		}
		s += ")"
	}
	return s
}

func short(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
