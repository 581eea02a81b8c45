package audit

import (
	"context"
	"testing"
)

// BenchmarkAuditCorpus audits the 40 corpus layouts in turn, in process
// (each a whole Run: discovery, evaluation of every file it imports,
// checks, the settings report). files/cpu-s counts settings modules
// audited per second of this process's CPU time (user + system, GC
// included), so a loaded machine does not flatter or penalise it.
func BenchmarkAuditCorpus(b *testing.B) {
	cases := loadCorpus(b)
	if len(cases) == 0 {
		b.Skip("no corpus")
	}
	opts := make([]Options, len(cases))
	for i, c := range cases {
		opts[i] = Options{Target: c.Module, Root: c.dir, Cwd: c.dir, Env: c.Env, Version: Version{3, 2}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), opts[i%len(opts)]); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "files/cpu-s")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
