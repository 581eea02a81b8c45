package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/checks/audit"
)

// Robustness: whatever the settings file holds, the audit finishes, never
// panics, and either reports what it could read plus a ctl.E001 for what it
// could not, or — when nothing at all could be read — fails with a usage
// error. A hang fails the test instead of the run.

// robustTimeout is generous: the race detector slows the evaluator ~10×.
const robustTimeout = 90 * time.Second

type robustOutcome struct {
	res *audit.Result
	err error
	dur time.Duration
}

// auditWithin runs audit.Run in a goroutine, failing the test on a panic
// or when it does not return within limit.
func auditWithin(t *testing.T, limit time.Duration, opts audit.Options) robustOutcome {
	t.Helper()
	type msg struct {
		out      robustOutcome
		panicked any
		stack    []byte
	}
	ch := make(chan msg, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- msg{panicked: p, stack: debug.Stack()}
			}
		}()
		res, err := audit.Run(context.Background(), opts)
		ch <- msg{out: robustOutcome{res: res, err: err, dur: time.Since(start)}}
	}()
	select {
	case m := <-ch:
		if m.panicked != nil {
			t.Fatalf("audit panicked: %v\n%s", m.panicked, m.stack)
		}
		return m.out
	case <-time.After(limit):
		t.Fatalf("audit did not return within %s (hang)", limit)
	}
	return robustOutcome{}
}

// settingsProject writes src as app/settings.py next to a manage.py (so
// that the project root is the temporary directory) and returns the options
// to audit it.
func settingsProject(t *testing.T, src []byte) audit.Options {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manage.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app", "settings.py"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return audit.Options{Target: "app/settings.py", Cwd: dir, Version: audit.Newest}
}

func ids(res *audit.Result) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.ID]++
	}
	return m
}

func readRobust(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "robust", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tail is a few statements whose findings prove that evaluation reached
// the end of the file.
const tail = "\nSECRET_KEY = 'reached-the-end'\nEMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'\n"

type robustCase struct {
	name string
	src  func(t *testing.T) []byte
	// want are check IDs that must be reported: they come from statements
	// around the damage.
	want []string
	// parse: a ctl.E001 must be reported.
	parse bool
	// mayBeUnreadable: a usage error ("nothing could be read") is an
	// acceptable outcome instead of partial results.
	mayBeUnreadable bool
}

func robustCases() []robustCase {
	lit := func(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }
	file := func(name string) func(*testing.T) []byte {
		return func(t *testing.T) []byte { return readRobust(t, name) }
	}
	return []robustCase{
		{name: "broken syntax mid-file", src: file("broken_mid.py"),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "cookiecutter Jinja template", src: file("cookiecutter_settings.py"),
			want: []string{"ctl.S001", "ctl.M001"}, parse: true},
		{name: "NUL bytes", src: file("nul_bytes.py"),
			want: []string{"security.W018", "ctl.S001", "ctl.H001"}, parse: true},
		{name: "binary file", src: func(*testing.T) []byte {
			r := rand.New(rand.NewSource(1))
			b := make([]byte, 256<<10)
			r.Read(b)
			return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), b...)
		}, parse: true, mayBeUnreadable: true},
		{name: "binary with settings around it", src: func(*testing.T) []byte {
			r := rand.New(rand.NewSource(2))
			b := make([]byte, 64<<10)
			r.Read(b)
			return []byte("DEBUG = True\n" + string(b) + "\n" + tail)
		}, want: []string{"security.W018"}, parse: true},
		{name: "UTF-16 with BOM", src: func(*testing.T) []byte {
			var b bytes.Buffer
			b.WriteString("\xff\xfe")
			for _, r := range "DEBUG = True\nSECRET_KEY = 'x'\n" {
				b.WriteByte(byte(r))
				b.WriteByte(0)
			}
			return b.Bytes()
		}, parse: true, mayBeUnreadable: true},
		{name: "huge file (5 MB) with an error inside", src: func(*testing.T) []byte {
			var b bytes.Buffer
			b.WriteString("DEBUG = True\n")
			for i := 0; b.Len() < 5<<20; i++ {
				if i == 40000 {
					b.WriteString("BROKEN = [1, 2\n")
				}
				fmt.Fprintf(&b, "SETTING_%d = {\"name\": \"value-%d\", \"items\": [1, 2.5, None, True], \"n\": %d}\n", i, i, i*7)
			}
			b.WriteString(tail)
			return b.Bytes()
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "10^4 nested brackets", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + tail)
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "10^4 unclosed brackets", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = " + strings.Repeat("[", 10000) + "\n" + tail)
		}, want: []string{"security.W018"}, parse: true},
		{name: "10^4 nested calls", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = " + strings.Repeat("f(", 10000) + strings.Repeat(")", 10000) + tail)
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "10^4 nested dicts", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = " + strings.Repeat("{'a': ", 10000) + "1" + strings.Repeat("}", 10000) + tail)
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "10^5 unary minus", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = " + strings.Repeat("-", 100000) + "1" + tail)
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}, parse: true},
		{name: "10^5-element list", src: func(*testing.T) []byte {
			var b strings.Builder
			b.WriteString("DEBUG = True\nALLOWED_HOSTS = [")
			for i := 0; i < 100000; i++ {
				fmt.Fprintf(&b, "'host%d.example', ", i)
			}
			b.WriteString("'*']\nfor h in ALLOWED_HOSTS:\n    LAST = h\nCSRF_TRUSTED_ORIGINS = ['https://' + h for h in ALLOWED_HOSTS]\n")
			b.WriteString(tail)
			return []byte(b.String())
		}, want: []string{"security.W018", "ctl.H001", "ctl.S001", "ctl.M001"}},
		{name: "10^5-key dict", src: func(*testing.T) []byte {
			var b strings.Builder
			b.WriteString("DEBUG = True\nX = {")
			for i := 0; i < 100000; i++ {
				fmt.Fprintf(&b, "'k%d': %d, ", i, i)
			}
			b.WriteString("}\nX['k5'] = 6\nY = X.get('k99999')\n")
			b.WriteString(tail)
			return []byte(b.String())
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "10^5-term operator chain", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nY = 1" + strings.Repeat(" * 1", 100000) + "\nZ = 'a'" + strings.Repeat(" + 'a'", 1000) + tail)
		}, want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		// Concatenating 10^5 strings one by one copies O(n²) bytes: the
		// copying is charged to the step budget, and evaluation stops.
		{name: "10^5-term string concatenation", src: func(*testing.T) []byte {
			return []byte("DEBUG = True\nX = 'aaaaaaaa'" + strings.Repeat(" + 'aaaaaaaa'", 100000) + tail)
		}, want: []string{"security.W018"}, parse: true},
		// The evaluator must bound work and memory, not only the parser.
		{name: "string doubling", src: lit("DEBUG = True\nX = 'ab'\n" + strings.Repeat("X = X + X\n", 64) + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "string multiplication", src: lit("DEBUG = True\nX = 'a' * 999\n" + strings.Repeat("X = X * 999\n", 8) + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "list doubling", src: lit("DEBUG = True\nX = [1] * 999\n" + strings.Repeat("X = X + X\n", 64) + strings.Repeat("X.extend(X)\n", 64) + strings.Repeat("X += X\n", 64) + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "formatting growth", src: lit("import os\nDEBUG = True\nX = 'ab'\n" +
			strings.Repeat("X = f'{X}{X}{X}{X}'\nX = '%s%s%s%s' % (X, X, X, X)\nX = '{0}{0}{0}{0}'.format(X)\nX = os.path.join(X, X, X, X)\n", 16) + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "replace and join growth", src: lit("DEBUG = True\nX = 'a' * 999\n" + strings.Repeat("X = X.replace('a', X)\nX = X.join([X] * 999)\n", 4) + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "shared-structure equality", src: lit("DEBUG = True\nX = [1]\nY = [1]\n" + strings.Repeat("X = [X, X]\nY = [Y, Y]\n", 80) + "Z = X == Y\nD = {X: 1}\nD[Y] = 2\nS = str(X)\nF = f'{Y}'\nALLOWED_HOSTS = X\nINSTALLED_APPS = Y\n" + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		{name: "nested repetition", src: lit("DEBUG = True\nX = [1] * 999\nX = [X] * 999\nX = [X] * 999\nX = [X] * 999\nX = [X] * 999\nALLOWED_HOSTS = X\nS = str(X)\n" + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
		// Past the step limit evaluation stops, and a ctl.E001 says where:
		// the statements after it are not silently skipped.
		{name: "exponential recursion", src: lit("def f(x):\n    return [f(x), f(x), f(x), f(x)]\n\nDEBUG = True\nX = f(1)\n" + tail),
			want: []string{"security.W018"}, parse: true},
		{name: "nested loops", src: lit("L = [" + strings.Repeat("1, ", 9999) + "1]\nfor a in L:\n    for b in L:\n        for c in L:\n            X = a\nDEBUG = True\n" + tail),
			parse: true},
		{name: "importing itself", src: lit("from .settings import *\nfrom app.settings import *\nimport app.settings\nDEBUG = True\n" + tail),
			want: []string{"security.W018", "ctl.S001", "ctl.M001"}},
	}
}

func TestRobustness(t *testing.T) {
	for _, c := range robustCases() {
		t.Run(c.name, func(t *testing.T) {
			opts := settingsProject(t, c.src(t))
			got := auditWithin(t, robustTimeout, opts)
			if got.err != nil {
				var ue *audit.UsageError
				if !c.mayBeUnreadable || !errors.As(got.err, &ue) || !strings.Contains(got.err.Error(), "nothing could be read") {
					t.Fatalf("error %v; want partial results", got.err)
				}
				return
			}
			found := ids(got.res)
			if c.parse && found["ctl.E001"] == 0 {
				t.Errorf("no ctl.E001 parse finding; findings %v", found)
			}
			if !c.parse && found["ctl.E001"] > 0 {
				for _, f := range got.res.Findings {
					if f.ID == "ctl.E001" {
						t.Errorf("unexpected %s: %s", f.Pos, f.Message)
					}
				}
			}
			if found["ctl.E001"] > 10 {
				t.Errorf("%d ctl.E001 findings for one file, want at most 10", found["ctl.E001"])
			}
			for _, id := range c.want {
				if found[id] == 0 {
					t.Errorf("%s not reported: the rest of the file was not read (findings %v)", id, found)
				}
			}
			// When evaluation cannot reach the end it must say so: never a
			// silent pass over unread statements.
			if found["ctl.S001"] == 0 && found["ctl.E001"] == 0 {
				t.Errorf("the final SECRET_KEY was not evaluated and no ctl.E001 says why; findings %v", found)
			}
			for _, f := range got.res.Findings {
				if f.Pos.Line < 1 || f.Pos.Col < 1 || f.Pos.File == "" {
					t.Errorf("%s at invalid position %+v", f.ID, f.Pos)
				}
				if len(f.Value) > 200 {
					t.Errorf("%s: value %d bytes long, want it shortened", f.ID, len(f.Value))
				}
			}
			t.Logf("%d findings in %s", len(got.res.Findings), got.dur.Round(time.Millisecond))
		})
	}
}

// TestRobustEmptyAndCommentOnly: files with nothing but comments or
// nothing at all give Django's defaults, not an error.
func TestRobustEmptyAndCommentOnly(t *testing.T) {
	for name, src := range map[string]string{"empty": "", "comments": "# nothing\n\n# here\n", "docstring": `"""Settings."""` + "\n"} {
		t.Run(name, func(t *testing.T) {
			got := auditWithin(t, robustTimeout, settingsProject(t, []byte(src)))
			if got.err != nil {
				t.Fatal(got.err)
			}
			if found := ids(got.res); found["security.W020"] == 0 || found["ctl.E001"] != 0 {
				t.Errorf("want Django defaults audited (security.W020) and no parse finding, got %v", found)
			}
		})
	}
}
