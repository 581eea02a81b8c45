package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// verbPages maps each user-guide page to the commands whose flags its
// flag table documents.
var verbPages = map[string][]string{
	"audit.md":    {"audit"},
	"dbshell.md":  {"dbshell"},
	"doctor.md":   {"doctor"},
	"env.md":      {"env list", "env show"},
	"exec.md":     {"exec", "manage"},
	"init.md":     {"init"},
	"pyshell.md":  {"pyshell"},
	"sessions.md": {"sessions"},
	"shell.md":    {"shell"},
	"status.md":   {"status"},
}

// codeSpan and flagName find `--name` and `-x` (also `-t, --template
// <template>`) in a table's first column.
var (
	codeSpan = regexp.MustCompile("`[^`]*`")
	flagName = regexp.MustCompile(`(?:^|[\s,\x60])(--?[a-zA-Z][-a-zA-Z]*)`)
)

// docFlags returns the flags named in the first column of the page's
// flag table (the first table whose header's first cell is "Flag"),
// and whether the page has one.
func docFlags(page string) (map[string]bool, bool) {
	flags := map[string]bool{}
	in, found := false, false
	for _, line := range strings.Split(page, "\n") {
		cells := strings.Split(line, "|")
		switch {
		case !in && len(cells) > 2 && strings.TrimSpace(cells[1]) == "Flag":
			in, found = true, true
		case in && !strings.HasPrefix(line, "|"):
			in = false
		case in:
			for _, span := range codeSpan.FindAllString(cells[1], -1) {
				for _, m := range flagName.FindAllStringSubmatch(span, -1) {
					flags[m[1]] = true
				}
			}
		}
	}
	return flags, found
}

// commandFlags lists what a user can type to cmd: its own flags (which
// the page must document) and the inherited ones (which it may).
func commandFlags(cmd *cobra.Command) (own, inherited []string) {
	add := func(list *[]string) func(*pflag.Flag) {
		return func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			*list = append(*list, "--"+f.Name)
			if f.Shorthand != "" {
				*list = append(*list, "-"+f.Shorthand)
			}
		}
	}
	cmd.LocalNonPersistentFlags().VisitAll(add(&own))
	cmd.InheritedFlags().VisitAll(add(&inherited))
	return own, inherited
}

// flagTableProblems compares each verb page's flag table with its
// commands' flags: every flag (and shorthand) of the command must be in
// the table; every flag in the table must exist.
func flagTableProblems(t *testing.T, root *cobra.Command, read func(page string) (string, error)) []string {
	t.Helper()
	var problems []string
	pages := make([]string, 0, len(verbPages))
	for p := range verbPages {
		pages = append(pages, p)
	}
	sort.Strings(pages)
	for _, page := range pages {
		text, err := read(page)
		if err != nil {
			t.Fatal(err)
		}
		documented, ok := docFlags(text)
		if !ok {
			problems = append(problems, "docs/"+page+": no flag table (| Flag | ... |)")
			continue
		}
		exists := map[string]bool{}
		for _, path := range verbPages[page] {
			cmd, _, err := root.Find(strings.Fields(path))
			if err != nil || cmd.CommandPath() != "ctl "+path {
				t.Fatalf("no command %q in the tree", path)
			}
			own, inherited := commandFlags(cmd)
			for _, f := range own {
				exists[f] = true
				if !documented[f] {
					problems = append(problems, "docs/"+page+": flag table lacks "+f+" (ctl "+path+")")
				}
			}
			for _, f := range inherited {
				exists[f] = true
			}
		}
		for f := range documented {
			if !exists[f] {
				problems = append(problems, "docs/"+page+": flag table lists "+f+", which no command of the page has")
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func readDoc(page string) (string, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", page))
	return string(b), err
}

// TestVerbDocsFlagTables: the flag tables of docs/*.md cannot drift from
// the command tree: a new flag needs a row, a removed flag loses its row.
func TestVerbDocsFlagTables(t *testing.T) {
	for _, p := range flagTableProblems(t, newRoot(), readDoc) {
		t.Error(p)
	}
}

// TestFlagTableCheckBites proves the check above finds a missing and an
// unknown flag.
func TestFlagTableCheckBites(t *testing.T) {
	root := newRoot()
	shell, _, err := root.Find([]string{"shell"})
	if err != nil {
		t.Fatal(err)
	}
	shell.Flags().Bool("brand-new", false, "a flag nobody documented")
	problems := flagTableProblems(t, root, func(page string) (string, error) {
		text, err := readDoc(page)
		if page == "pyshell.md" {
			text = strings.Replace(text, "| `--plain` |", "| `--plain`, `--gone` |", 1)
		}
		return text, err
	})
	want := []string{
		"docs/pyshell.md: flag table lists --gone, which no command of the page has",
		"docs/shell.md: flag table lacks --brand-new (ctl shell)",
	}
	for _, w := range want {
		found := false
		for _, p := range problems {
			found = found || p == w
		}
		if !found {
			t.Errorf("the check did not report %q; it reported:\n%s", w, strings.Join(problems, "\n"))
		}
	}
}
