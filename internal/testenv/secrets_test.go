package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type errRecorder struct {
	*testing.T
	errs []string
}

func (r *errRecorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

// The scan passes over other tests' temp dirs and the build cache directly
// under a root (found while walking), and reports a leak anywhere else,
// including in the calling test's own temp dir.
func TestAssertSecretNotInFiles(t *testing.T) {
	secret := fmt.Sprintf("scan-secret-%d-%d", os.Getpid(), time.Now().UnixNano()) // in no file before this test
	write := func(p string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x "+secret+" y"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rec := &errRecorder{T: t}
	root := t.TempDir()
	write(filepath.Join(root, "TestSomethingElse123", "001", ".env")) // another test's
	write(filepath.Join(root, "go-build42", "b001", "x"))             // the build cache
	AssertSecretNotInFiles(rec, secret, []string{root})
	if len(rec.errs) != 0 {
		t.Fatalf("reported what other tests own: %q", rec.errs)
	}
	write(filepath.Join(root, "ctl-leak", "pgpass"))
	AssertSecretNotInFiles(rec, secret, []string{root})
	if len(rec.errs) != 1 {
		t.Fatalf("want the leak reported once, got %q", rec.errs)
	}
	// The test's own temp dir, directly under the root, is scanned.
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	own := rec.TempDir()
	write(filepath.Join(own, "leak"))
	rec.errs = nil
	AssertSecretNotInFiles(rec, secret, []string{filepath.Dir(filepath.Dir(own))})
	if len(rec.errs) != 1 {
		t.Fatalf("want the leak in the test's own temp dir, got %q", rec.errs)
	}
}
