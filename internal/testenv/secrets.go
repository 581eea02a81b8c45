package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// AssertSecretNotInArgv fails t for every process whose command line
// (/proc/PID/cmdline) holds secret. The process is named, the secret never
// printed.
func AssertSecretNotInArgv(t testing.TB, secret string) {
	t.Helper()
	if secret == "" {
		t.Fatal("AssertSecretNotInArgv: empty secret")
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), secret) {
			t.Errorf("the secret is in the argv of %s: %q", p, strings.ReplaceAll(strings.ReplaceAll(string(b), "\x00", " "), secret, "<secret>"))
		}
	}
}

// TempRoots are the directories a program writes temporary files to:
// /tmp, os.TempDir() and the given TMPDIR values, without duplicates.
func TempRoots(tmpdirs ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range append([]string{"/tmp", os.TempDir()}, tmpdirs...) {
		if d == "" {
			continue
		}
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// AssertSecretNotInFiles fails t for every regular file up to 1 MiB under
// roots that holds secret, except under the skip paths (the test's own
// fixtures that hold it by design, the rig's files). Unreadable files and
// directories are passed over.
func AssertSecretNotInFiles(t testing.TB, secret string, roots []string, skip ...string) {
	t.Helper()
	if secret == "" {
		t.Fatal("AssertSecretNotInFiles: empty secret")
	}
	skipped := func(p string) bool {
		for _, s := range skip {
			if s != "" && (p == s || strings.HasPrefix(p, strings.TrimSuffix(s, string(filepath.Separator))+string(filepath.Separator))) {
				return true
			}
		}
		return false
	}
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // another user's or a vanished directory
			}
			if skipped(p) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > 1<<20 || !info.Mode().IsRegular() {
				return nil //nolint:nilerr // gone, big or not a file
			}
			if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), secret) {
				t.Errorf("the secret is in file %s", p)
			}
			return nil
		})
	}
}

// OthersSecretHolders are the places under TempRoots that t's scan for the
// rig's database secret passes over, because they hold it by design or are
// not t's: the rig's PostgreSQL directory (CTL_TEST_PG_DIR: its env file),
// the sandbox's state (the directory of CTL_SANDBOX_ENV: its fakekubelet
// rules hold the DSN while a kube test of any package runs), the Go build
// cache and other tests' temp dirs (Test*: other packages' tests run in
// parallel and may write the DSN by design). The temp dirs of t itself
// (t.TempDir) stay scanned.
func OthersSecretHolders(t testing.TB) []string {
	t.Helper()
	own := filepath.Dir(t.TempDir())
	var out []string
	if d := os.Getenv("CTL_TEST_PG_DIR"); d != "" {
		out = append(out, d)
	}
	if f := os.Getenv("CTL_SANDBOX_ENV"); f != "" {
		out = append(out, filepath.Dir(f))
	}
	for _, root := range TempRoots() {
		for _, pattern := range []string{"Test*", "go-build*"} {
			dirs, _ := filepath.Glob(filepath.Join(root, pattern))
			for _, d := range dirs {
				if d != own {
					out = append(out, d)
				}
			}
		}
	}
	return out
}
