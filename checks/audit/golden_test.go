package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ctlops/ctl/checks/audit"
)

// The golden renderings (text, plain, JSON, SARIF) of the projects under
// testdata/golden are compared in cmd/audit (audit_test.go), through the
// command. Here: positions at the library level, and the user guide's
// completeness.

// goldenFixture is the absolute path of a project under testdata/golden.
func goldenFixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// charCol is the 1-based column, in characters, of the first occurrence
// of needle on line (1-based) of file.
func charCol(t *testing.T, file string, line int, needle string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Split(string(b), "\n")[line-1]
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%s:%d has no %q", file, line, needle)
	}
	return utf8.RuneCountInString(text[:i]) + 1
}

// TestFindingPositions: each finding points at the value responsible for
// it — file, line and a column counted in characters — in the file where
// it was written (a split settings' base module, the URLconf), or at the
// settings file's first line when Django's default applies.
func TestFindingPositions(t *testing.T) {
	basic := goldenFixture(t, "basic")
	split := goldenFixture(t, "split")
	tests := []struct {
		name    string
		opts    audit.Options
		id      string
		file    string // relative to Cwd
		line    int
		needle  string // what the column points at; "" for column 1
		wantCol int    // when needle is "", the expected column
	}{
		{"non-ASCII before the value", audit.Options{Target: "basic/settings.py", Cwd: basic}, "ctl.H001", "basic/settings.py", 12, `"*"`, 0},
		{"non-ASCII inside an earlier item", audit.Options{Target: "basic/settings.py", Cwd: basic}, "ctl.C001", "basic/settings.py", 52, `"http://café`, 0},
		{"literal", audit.Options{Target: "basic/settings.py", Cwd: basic}, "ctl.S001", "basic/settings.py", 9, `"dev-secret"`, 0},
		{"nested dict value", audit.Options{Target: "basic/settings.py", Cwd: basic}, "ctl.DB002", "basic/settings.py", 34, `"hunter2"`, 0},
		{"URLconf", audit.Options{Target: "basic/settings.py", Cwd: basic}, "ctl.A001", "basic/urls.py", 5, `"admin/"`, 0},
		{"Django default", audit.Options{Target: "basic/settings.py", Cwd: basic}, "security.W012", "basic/settings.py", 1, "", 1},
		{"star-imported base module", audit.Options{Target: "config/settings/production.py", Cwd: split}, "ctl.S002", "config/settings/base.py", 9, `"change-me"`, 0},
		{"environment default", audit.Options{Target: "config/settings/production.py", Cwd: split}, "ctl.D001", "config/settings/production.py", 5, "default=True", 0},
		{"environment value: the lookup", audit.Options{Target: "config/settings/production.py", Cwd: split,
			Env: map[string]string{"DJANGO_SECRET_KEY": "short"}, EnvFrom: map[string]string{"DJANGO_SECRET_KEY": "--env"}},
			"security.W009", "config/settings/base.py", 9, `env("DJANGO_SECRET_KEY"`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := audit.Run(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := audit.Pos{File: tt.file, Line: tt.line, Col: tt.wantCol}
			if tt.needle != "" {
				want.Col = charCol(t, filepath.Join(tt.opts.Cwd, tt.file), tt.line, tt.needle)
				if tt.needle == "default=True" {
					want.Col += len("default=")
				}
			}
			var got []audit.Pos
			for _, f := range res.Findings {
				if f.ID == tt.id {
					got = append(got, f.Pos)
				}
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("%s at %v, want %v", tt.id, got, want)
			}
		})
	}
}

// djangoCheckIDs are Django's deploy check IDs that ctl replicates: those
// the brief names, and every ID written in rules_django.go (so that a new
// rule cannot go undocumented).
func djangoCheckIDs(t *testing.T) []string {
	t.Helper()
	ids := map[string]bool{"async.E001": true, "caches.W002": true, "security.E023": true, "security.E024": true, "security.W025": true}
	for _, n := range []int{1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22} {
		ids["security.W0"+twoDigits(n)] = true
	}
	src, err := os.ReadFile("rules_django.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`"((?:security|async|caches)\.[EW]\d{3})"`).FindAllSubmatch(src, -1) {
		ids[string(m[1])] = true
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func twoDigits(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// TestDocsListEveryCheck fails when docs/audit.md does not document a
// check: every Django ID the audit reports and every ctl.* check of
// CtlChecks, the latter in a table row with its severity.
func TestDocsListEveryCheck(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	rowOf := func(id string) string {
		for _, line := range strings.Split(doc, "\n") {
			if strings.HasPrefix(line, "| `"+id+"`") {
				return line
			}
		}
		return ""
	}
	for _, id := range djangoCheckIDs(t) {
		if rowOf(id) == "" {
			t.Errorf("docs/audit.md has no table row for Django's %s", id)
		}
	}
	if len(audit.CtlChecks) == 0 {
		t.Fatal("CtlChecks is empty")
	}
	for _, c := range audit.CtlChecks {
		row := rowOf(c.ID)
		if row == "" {
			t.Errorf("docs/audit.md has no table row for %s (%s)", c.ID, c.Title)
			continue
		}
		if !strings.Contains(row, "| "+c.Severity.String()+" |") {
			t.Errorf("docs/audit.md row for %s does not give its severity %q:\n%s", c.ID, c.Severity, row)
		}
	}
	// Every finding a fixture produces is documented too (catches an ID
	// added to the rules without a catalogue entry).
	for _, fx := range []struct{ dir, target string }{{"basic", "basic/settings.py"}, {"split", "config/settings/production.py"}, {"broken", "broken/settings.py"}} {
		res, err := audit.Run(context.Background(), audit.Options{Target: fx.target, Cwd: goldenFixture(t, fx.dir)})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if rowOf(f.ID) == "" {
				t.Errorf("%s (reported for %s) is not in docs/audit.md", f.ID, fx.dir)
			}
		}
	}
}

func TestSecretsAreRedactedInFindings(t *testing.T) {
	dir := t.TempDir()
	settings := "import os\nSECRET_KEY = os.environ.get('SECRET_KEY', 'short')\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app', 'PASSWORD': 'hunter2-literal'}}\n"
	if err := os.WriteFile(filepath.Join(dir, "settings.py"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	const real = "prod-secret-key-that-is-weak"
	res, err := audit.Run(context.Background(), audit.Options{Target: "settings.py", Root: dir, Cwd: dir, Env: map[string]string{"SECRET_KEY": real}, EnvFrom: map[string]string{"SECRET_KEY": ".env.prod"}})
	if err != nil {
		t.Fatal(err)
	}
	sawKey, sawPW := false, false
	for _, f := range res.Findings {
		if strings.Contains(f.Value, real) || strings.Contains(f.Value, "hunter2") || strings.Contains(f.Message, real) {
			t.Errorf("%s shows a secret: %s %s", f.ID, f.Message, f.Value)
		}
		sawKey = sawKey || f.ID == "security.W009"
		sawPW = sawPW || f.ID == "ctl.DB002"
	}
	if !sawKey || !sawPW {
		t.Fatalf("expected W009 and ctl.DB002, got %+v", res.Findings)
	}
}
