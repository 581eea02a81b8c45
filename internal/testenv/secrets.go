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
// fixtures that hold it by design, the rig's files) and under what other
// tests own: their temp dirs (Test* and Benchmark* directly under a root, other than t's)
// and Go's build dirs (go-build*). Those are matched while walking, since
// tests of other packages run in parallel and create theirs at any time,
// holding the rig's DSN by design. Unreadable files and directories are
// passed over.
func AssertSecretNotInFiles(t testing.TB, secret string, roots []string, skip ...string) {
	t.Helper()
	if secret == "" {
		t.Fatal("AssertSecretNotInFiles: empty secret")
	}
	own := filepath.Dir(t.TempDir())
	othersOwn := func(p string, root string) bool {
		if filepath.Dir(p) != root || p == own {
			return false
		}
		base := filepath.Base(p)
		return strings.HasPrefix(base, "Test") || strings.HasPrefix(base, "Benchmark") || strings.HasPrefix(base, "go-build")
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
			if skipped(p) || (d.IsDir() && othersOwn(p, root)) {
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

// OthersSecretHolders are the rig's places under TempRoots that hold its
// database secret by design: the PostgreSQL directory (CTL_TEST_PG_DIR:
// its env file) and the sandbox's state (the directory of CTL_SANDBOX_ENV:
// its fakekubelet rules hold the DSN while a kube test of any package
// runs). Other tests' temp dirs are passed over by AssertSecretNotInFiles.
func OthersSecretHolders(t testing.TB) []string {
	t.Helper()
	var out []string
	if d := os.Getenv("CTL_TEST_PG_DIR"); d != "" {
		out = append(out, d)
	}
	if f := os.Getenv("CTL_SANDBOX_ENV"); f != "" {
		out = append(out, filepath.Dir(f))
	}
	return out
}
