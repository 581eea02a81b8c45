package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctlops/ctl/checks/audit/pyeval"
)

// BenchmarkFuzzAuditInput is one FuzzAudit input (the whole audit of an
// in-memory project, under both fuzz environments) for every seed: the
// harness's cost per execution, without the fuzzing engine.
func BenchmarkFuzzAuditInput(b *testing.B) {
	var seeds [][]byte
	for _, pattern := range []string{"../../examples/mysite/mysite/settings.py", "testdata/golden/*/*/settings.py", "testdata/robust/*.py"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				seeds = append(seeds, src)
			}
		}
	}
	const dir = "/fuzz-project"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := seeds[i%len(seeds)]
		fsys := pyeval.MapFS{dir + "/manage.py": nil, dir + "/app/settings.py": src}
		for _, env := range fuzzEnvs {
			if _, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Env: env, FS: fsys, stepLimit: fuzzStepLimit}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
