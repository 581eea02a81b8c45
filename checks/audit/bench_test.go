package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctlops/ctl/checks/audit"
)

// Benchmarks of the audit. scripts/bench-audit compares the built binary
// with `manage.py check --deploy` and measures audits/s on one core.

// exampleProject is examples/mysite, the repository's Django project.
func exampleProject(b *testing.B) string {
	b.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "mysite"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mysite", "settings.py")); err != nil {
		b.Skip("examples/mysite not found")
	}
	return dir
}

// BenchmarkAuditExample is a whole audit of examples/mysite's settings:
// locating the file, evaluating it, the URLconf, version detection and
// every check. files/s counts settings files audited per second.
func BenchmarkAuditExample(b *testing.B) {
	dir := exampleProject(b)
	opts := audit.Options{Target: "mysite/settings.py", Cwd: dir}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := audit.Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkEvaluate evaluates a typical settings file (the example's) from
// memory: parsing and evaluation only, no file system, no checks.
func BenchmarkEvaluate(b *testing.B) {
	dir := exampleProject(b)
	path := filepath.Join(dir, "mysite", "settings.py")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := &audit.Evaluator{Root: dir, Env: map[string]string{}, EnvFrom: map[string]string{},
			ReadFile: func(string) ([]byte, error) { return src, nil }}
		vars, err := ev.EvalFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if vars["DEBUG"] == nil {
			b.Fatal("DEBUG not evaluated")
		}
	}
}

// BenchmarkAuditSplit audits the split settings fixture (a star import
// of a base module) with a deployment environment.
func BenchmarkAuditSplit(b *testing.B) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "golden", "split"))
	opts := audit.Options{Target: "config/settings/production.py", Cwd: dir,
		Env:     map[string]string{"DJANGO_DEBUG": "False", "DATABASE_URL": "postgres://u:p@db/app"},
		EnvFrom: map[string]string{"DJANGO_DEBUG": "--env", "DATABASE_URL": "--env"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := audit.Run(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
