//go:build !unix

package audit

import "time"

// cpuTime is not measured here: benchmarks report no files/cpu-s.
func cpuTime() time.Duration { return 0 }
