package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The committed pages, relative to this package's directory.
var committed = []struct {
	name, dir, ext string
	fresh          func(tmp string) string
}{
	{"docs/reference", filepath.Join("..", "..", "docs", "reference"), ".md", func(tmp string) string { return filepath.Join(tmp, "reference") }},
	{"docs/man", filepath.Join("..", "..", "docs", "man"), ".1", func(tmp string) string { return filepath.Join(tmp, "man") }},
}

// regenerate writes the pages of newTree's command tree into a temp dir
// and returns, per committed directory, what differs from it.
func regenerate(t *testing.T, newTree func() *cobra.Command) map[string][]string {
	t.Helper()
	tmp := t.TempDir()
	if _, _, err := generate(newTree, committed[0].fresh(tmp), committed[1].fresh(tmp)); err != nil {
		t.Fatalf("generating the reference: %v", err)
	}
	out := map[string][]string{}
	for _, c := range committed {
		diffs, err := diffPages(c.dir, c.fresh(tmp), "ctl", c.ext)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(diffs) > 0 {
			out[c.name] = diffs
		}
	}
	return out
}

// TestReferenceUpToDate fails when the committed docs/reference or docs/man
// no longer match the command tree: a command, flag or help text changed
// and nobody ran `make docs`.
func TestReferenceUpToDate(t *testing.T) {
	stale := regenerate(t, newRoot)
	for _, c := range committed {
		if diffs := stale[c.name]; len(diffs) > 0 {
			t.Errorf("%s is stale: run `make docs`\n  %s", c.name, strings.Join(diffs, "\n  "))
		}
	}
}

// TestStaleCheckSeesHelpChange proves the check above bites: change one
// command's help text and both directories must be reported stale, naming
// the pages that show that text.
func TestStaleCheckSeesHelpChange(t *testing.T) {
	stale := regenerate(t, func() *cobra.Command {
		root := newRoot()
		c, _, err := root.Find([]string{"env", "list"})
		if err != nil {
			t.Fatal(err)
		}
		c.Short += " (changed)"
		return root
	})
	for name, page := range map[string]string{"docs/reference": "ctl_env_list.md", "docs/man": "ctl-env-list.1"} {
		if !mentions(stale[name], page) {
			t.Errorf("%s: a changed Short of `ctl env list` was not reported on %s; got %q", name, page, stale[name])
		}
	}
	if !mentions(stale["docs/reference"], "ctl_env.md") {
		t.Errorf("the parent page ctl_env.md lists the Short too and should be stale; got %q", stale["docs/reference"])
	}
}

// TestGenerateIsDeterministic: two runs give identical files (no date
// footer, fixed man date), or the staleness check would flap.
func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, _, err := generate(newRoot, filepath.Join(d, "md"), filepath.Join(d, "man")); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []struct{ dir, ext string }{{"md", ".md"}, {"man", ".1"}} {
		diffs, err := diffPages(filepath.Join(a, sub.dir), filepath.Join(b, sub.dir), "ctl", sub.ext)
		if err != nil {
			t.Fatal(err)
		}
		if len(diffs) > 0 {
			t.Errorf("two runs differ in %s:\n  %s", sub.dir, strings.Join(diffs, "\n  "))
		}
	}
	page, err := os.ReadFile(filepath.Join(a, "md", "ctl_env_list.md"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("Auto generated")) {
		t.Error("markdown pages carry cobra's dated auto-generated footer")
	}
}

// TestRemovedCommandLosesItsPage: pages of commands that no longer exist
// are deleted, so they cannot linger in docs/reference.
func TestRemovedCommandLosesItsPage(t *testing.T) {
	md, man := filepath.Join(t.TempDir(), "md"), filepath.Join(t.TempDir(), "man")
	for _, d := range []string{md, man} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gone := filepath.Join(md, "ctl_gone.md")
	keep := filepath.Join(md, "notes.txt")
	for _, p := range []string{gone, keep, filepath.Join(man, "ctl-gone.1")} {
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := generate(newRoot, md, man); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{gone, filepath.Join(man, "ctl-gone.1")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s survived regeneration", p)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file gen-docs does not own was removed: %v", err)
	}
}

func TestManPagesKeepPlaceholders(t *testing.T) {
	man := filepath.Join(t.TempDir(), "man")
	if _, _, err := generate(newRoot, filepath.Join(t.TempDir(), "md"), man); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(man, "ctl-dbshell.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("ctl dbshell <env>")) {
		t.Errorf("the man page's synopsis lost <env>:\n%s", page)
	}
}

func TestRunFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"extra"}, &out, &errb); err == nil {
		t.Error("a stray argument was accepted")
	}
	d := t.TempDir()
	out.Reset()
	if err := run([]string{"--doc-path", filepath.Join(d, "md"), "--man-path", filepath.Join(d, "man")}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d, "md", "ctl_shell.md")); err != nil {
		t.Errorf("the shell page was not written: %v", err)
	}
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Errorf("want one line of output on success, got %d: %q", n, out.String())
	}
}

// diffPages compares the generated pages (prefix*ext) of want and got and
// describes each difference: a page missing, extra or with other content.
func diffPages(want, got, prefix, ext string) ([]string, error) {
	wantNames, err := pages(want, prefix, ext)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	gotNames, err := pages(got, prefix, ext)
	if err != nil {
		return nil, err
	}
	inWant := map[string]bool{}
	for _, n := range wantNames {
		inWant[n] = true
	}
	var diffs []string
	for _, n := range gotNames {
		if !inWant[n] {
			diffs = append(diffs, n+": missing (a new command?)")
			continue
		}
		delete(inWant, n)
		w, err := os.ReadFile(filepath.Join(want, n))
		if err != nil {
			return nil, err
		}
		g, err := os.ReadFile(filepath.Join(got, n))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(w, g) {
			diffs = append(diffs, n+": "+firstDifference(w, g))
		}
	}
	for _, n := range wantNames {
		if inWant[n] {
			diffs = append(diffs, n+": no such command any more")
		}
	}
	return diffs, nil
}

func firstDifference(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("differs at line %d: committed %q, generated %q", i+1, w, g)
		}
	}
	return "differs"
}

func mentions(diffs []string, page string) bool {
	for _, d := range diffs {
		if strings.HasPrefix(d, page+":") {
			return true
		}
	}
	return false
}
