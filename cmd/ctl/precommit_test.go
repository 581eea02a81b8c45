package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestPreCommitHook runs the repository's .pre-commit-hooks.yaml with
// Debian's pre-commit, as a team would use it: a settings file with a
// deployment mistake fails the commit, the same file with the production
// environment passes.
func TestPreCommitHook(t *testing.T) {
	preCommit := testenv.RequireTool(t, "pre-commit")
	testenv.RequireTool(t, "git")
	root := testenv.RepoRoot(t)
	ctl := testenv.Ctl(t)
	home := t.TempDir()
	env := testenv.CleanEnv("HOME="+home, "PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
		"PATH="+filepath.Dir(ctl)+":/usr/bin:/bin", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	sh := func(dir string, argv ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, out)
		}
		return string(out), code
	}
	git := func(dir string, args ...string) {
		t.Helper()
		if out, code := sh(dir, append([]string{"git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...); code != 0 {
			t.Fatalf("git %v: %s", args, out)
		}
	}

	// The hooks repository: this repository's manifest, committed.
	hooks := t.TempDir()
	manifest, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, ".pre-commit-hooks.yaml"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := sh(hooks, preCommit, "validate-manifest", ".pre-commit-hooks.yaml"); code != 0 {
		t.Fatalf("pre-commit rejects the manifest:\n%s", out)
	}
	git(hooks, "init", "-q")
	git(hooks, "add", ".")
	git(hooks, "commit", "-qm", "hooks")
	rev, _ := sh(hooks, "git", "rev-parse", "HEAD")

	// A project whose settings need DJANGO_SECRET_KEY from the environment.
	proj := filepath.Join(t.TempDir(), "proj")
	testenv.CopyTree(t, filepath.Join(root, "checks", "audit", "testdata", "golden", "clean"), proj)
	if err := os.WriteFile(filepath.Join(proj, ".env.production"),
		[]byte("DJANGO_SECRET_KEY=q8Zr2LxV0tWm5KcN7bJd3HfYs9PgUe1AiXo4RzTl6MnBv_EkQw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(proj, "init", "-q")
	git(proj, "add", ".")
	config := func(args string) {
		cfg := "repos:\n  - repo: " + hooks + "\n    rev: " + strings.TrimSpace(rev) +
			"\n    hooks:\n      - id: ctl-audit-system\n        args: " + args + "\n"
		if err := os.WriteFile(filepath.Join(proj, ".pre-commit-config.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// DEBUG on in production: security.W018, a warning; the team fails on warnings
	config("[--env-file, .env.production, --env, DJANGO_DEBUG=1, --fail-on, warning]")
	out, code := sh(proj, preCommit, "run", "--all-files", "--color", "never")
	if code == 0 || !strings.Contains(out, "Failed") || !strings.Contains(out, "security.W018") {
		t.Errorf("DEBUG=True passed the hook (exit %d):\n%s", code, out)
	}
	config("[--env-file, .env.production]")
	out, code = sh(proj, preCommit, "run", "--all-files", "--color", "never")
	if code != 0 || !strings.Contains(out, "Passed") {
		t.Errorf("clean production settings failed the hook (exit %d):\n%s", code, out)
	}
	if strings.Contains(out, "q8Zr2LxV0tWm5KcN7bJd3HfYs9PgUe1AiXo4RzTl6MnBv_EkQw") {
		t.Error("the secret key appears in the hook's output")
	}
}
