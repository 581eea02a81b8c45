package python

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"
)

// assignedNames returns the names assigned at module level, including
// inside if/try blocks, in order.
func assignedNames(body []Stmt) []string {
	var names []string
	for _, s := range body {
		switch s := s.(type) {
		case *Assign:
			for _, t := range s.Targets {
				if n, ok := t.(*Name); ok {
					names = append(names, n.ID)
				}
			}
		case *AnnAssign:
			if n, ok := s.Target.(*Name); ok {
				names = append(names, n.ID)
			}
		case *If:
			names = append(names, assignedNames(s.Body)...)
			names = append(names, assignedNames(s.Else)...)
		case *Try:
			names = append(names, assignedNames(s.Body)...)
		case *BadStmt:
			names = append(names, assignedNames(s.Body)...)
		}
	}
	return names
}

func containsAll(t *testing.T, got []string, want ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing assignment to %s; got %v", w, got)
		}
	}
}

func TestRecoverErrorInMiddle(t *testing.T) {
	src := "A = 1\nB = = 2\nC = 3\n"
	m := Parse("m.py", []byte(src))
	if got := Dump(m); got != "(module (= A 1) (bad-stmt) (= C 3))" {
		t.Errorf("got %s", got)
	}
	if len(m.Diagnostics) != 1 || m.Diagnostics[0].Pos != (Pos{2, 5, 10}) {
		t.Errorf("diagnostics = %v", m.Diagnostics)
	}
	bad := m.Body[1].(*BadStmt)
	if bad.Pos() != (Pos{2, 1, 6}) || bad.End() != (Pos{2, 8, 13}) {
		t.Errorf("bad statement span = %v..%v", bad.Pos(), bad.End())
	}
	if _, ok := bad.Partial.(*Assign); !ok {
		t.Errorf("partial = %#v", bad.Partial)
	}
}

func TestRecoverUnclosedBracket(t *testing.T) {
	src := `INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",

DEBUG = True
ALLOWED_HOSTS = ["*"]
`
	m := Parse("settings.py", []byte(src))
	if got := Dump(m); got != `(module (bad-stmt) (= DEBUG True) (= ALLOWED_HOSTS (list "*")))` {
		t.Errorf("got %s", got)
	}
	if len(m.Diagnostics) != 1 || m.Diagnostics[0].Msg != "'[' was never closed" || m.Diagnostics[0].Pos != (Pos{1, 18, 17}) {
		t.Errorf("diagnostics = %v", m.Diagnostics)
	}
	debug := m.Body[1].(*Assign)
	if debug.Pos() != (Pos{5, 1, 75}) {
		t.Errorf("DEBUG position = %+v", debug.Pos())
	}
}

func TestRecoverUnclosedBracketInBlock(t *testing.T) {
	src := "if x:\n    A = foo(1,\n    B = 2\nC = 3\n"
	m := Parse("m.py", []byte(src))
	containsAll(t, assignedNames(m.Body), "B", "C")
	if len(m.Diagnostics) == 0 {
		t.Error("no diagnostics")
	}
}

func TestRecoverCookiecutterTemplate(t *testing.T) {
	src, err := os.ReadFile("testdata/bad/cookiecutter_template.py")
	if err != nil {
		t.Fatal(err)
	}
	m := Parse("base.py", src)
	if len(m.Diagnostics) == 0 {
		t.Error("expected diagnostics for template tags")
	}
	names := assignedNames(m.Body)
	containsAll(t, names, "BASE_DIR", "APPS_DIR", "env", "READ_DOT_ENV_FILE", "DEBUG", "TIME_ZONE",
		"LANGUAGE_CODE", "SITE_ID", "USE_I18N", "USE_TZ", "LOCALE_PATHS", "DATABASES", "DEFAULT_AUTO_FIELD",
		"ROOT_URLCONF", "WSGI_APPLICATION", "THIRD_PARTY_APPS", "LOCAL_APPS", "INSTALLED_APPS",
		"MIGRATION_MODULES", "AUTH_USER_MODEL", "ADMIN_URL", "ADMINS", "MANAGERS", "SECRET_KEY",
		"DJANGO_ADMIN_FORCE_ALLAUTH", "CELERY_BROKER_URL", "CELERY_TASK_TIME_LIMIT", "WEBPACK_LOADER", "LAST_SETTING")
	// Items inside template-conditional list entries are kept.
	for _, s := range m.Body {
		if a, ok := s.(*Assign); ok && Dump(a.Targets[0]) == "THIRD_PARTY_APPS" {
			if got := len(a.Value.(*List).Elts); got != 8 {
				t.Errorf("THIRD_PARTY_APPS has %d items: %s", got, Dump(a))
			}
		}
	}
}

func TestRecoverProse(t *testing.T) {
	src, err := os.ReadFile("testdata/bad/prose.py")
	if err != nil {
		t.Fatal(err)
	}
	m := Parse("settings.py", src)
	if len(m.Diagnostics) == 0 {
		t.Error("expected diagnostics")
	}
	containsAll(t, assignedNames(m.Body), "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASES", "TIME_ZONE")
}

// TestRecoverSentinel checks that after each kind of broken line the
// following statement is still parsed.
func TestRecoverSentinel(t *testing.T) {
	broken := []string{
		"x = (1,",
		"x = [1, 2",
		"x = {'a': 1",
		"def f(:",
		"def f(x):",
		"class",
		"class C(",
		"if x",
		"if x y:\n    pass",
		"print 'hello'",
		"x = 1 +",
		"f(**)",
		"lambda",
		"else:",
		"else:\n    y = 2",
		"elif x:",
		"except:",
		"finally:",
		"    indented = 1",
		"x = $",
		"x = `y`",
		"from import x",
		"from . import",
		"import",
		"import a.",
		"1 = x",
		"f() = 1",
		"a + 1 = 2",
		"x: int, y = 1",
		"(a, b): int = 1",
		"x += 1, = 2",
		"del 1",
		"del f()",
		"for in x: pass",
		"for x in : pass",
		"with as x: pass",
		"try:\n    pass",
		"x = f'{'",
		"x = f'{x!'",
		"x = f'{x!z}'",
		"x = f'}'",
		"x = '''",
		"x = \"\"\"",
		"@dec\nx = 1",
		"@",
		"async x",
		"match x:\n    foo = 1",
		"match x:\n    case:\n        pass",
		"match x:\n    case [1, 2:\n        pass",
		"{% if cookiecutter.x %}",
		"x = \x00",
		"\xff\xfe",
		"x = 0777",
		"x = 1__0",
		"return 1 2",
		"x = (yield",
		"x = [i for i in]",
		"x = {**}",
		"x = a if b",
		"x = a if b else",
		"x = not",
		"x = a.",
		"x = a[",
		"x = a[1:2:3:4]",
		"x = ...(",
		"global",
		"global 1",
		"nonlocal x,",
		"assert",
		"raise from x",
		"type X =",
		"x = b'a' 'b'",
		"x = 1 <> 2",
		"x = \\ y",
		"))))",
		"]]]",
		"}}}",
		"x = )",
		"x = (]",
		"if True:\n        a = 1\n    b = 2",
		"def f():\n    return\n  x = 1",
		"x = [\n    1,\n    def",
		"\t\tx = 1",
		"x = 1;;",
		";",
		"x = 1 if 2 else 3 if",
		"x = lambda: (yield",
		"x = f(a for a in b, c)",
		"x = [*]",
		"x = a := 1",
		"x = 1e",
		"x = 0x",
		"x = 'abc\\",
		"x = r'\\",
		"with (a as b:\n    pass",
		"async def f(:\n    await x",
		"class C(metaclass=):\n    pass",
		"try:\n    pass\nexcept (A, B as e:\n    pass",
		"while x = 1:\n    pass",
	}
	for _, b := range broken {
		src := "A = 1\n" + b + "\nZ = 26\n"
		t.Run(b, func(t *testing.T) {
			m := Parse("s.py", []byte(src))
			if len(m.Diagnostics) == 0 {
				t.Errorf("no diagnostics for %q", b)
			}
			names := assignedNames(m.Body)
			if len(names) < 2 || names[0] != "A" || names[len(names)-1] != "Z" {
				t.Errorf("statements around %q lost: %s\ndiagnostics: %v", b, Dump(m), m.Diagnostics)
			}
			last := m.Body[len(m.Body)-1]
			if last.Pos().Line != strings.Count(src, "\n") {
				t.Errorf("sentinel at line %d", last.Pos().Line)
			}
		})
	}
}

func TestBinaryGarbage(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 50; i++ {
		src := make([]byte, 1+r.Intn(4096))
		r.Read(src)
		m := Parse("garbage.py", src)
		if len(m.Diagnostics) == 0 {
			t.Errorf("no diagnostics for garbage %d", i)
		}
		if len(m.Diagnostics) > maxDiagnostics+1 {
			t.Errorf("%d diagnostics", len(m.Diagnostics))
		}
		checkNoInternalError(t, m)
	}
}

func TestNULBytes(t *testing.T) {
	src := "A = 1\nB = '\x00'\n\x00\x00\x00\nC = 3\x00\nD = 4\n"
	m := Parse("nul.py", []byte(src))
	if len(m.Diagnostics) == 0 {
		t.Error("no diagnostics")
	}
	containsAll(t, assignedNames(m.Body), "A", "B", "D")
}

func checkNoInternalError(t *testing.T, m *Module) {
	t.Helper()
	for _, d := range m.Diagnostics {
		if strings.Contains(d.Msg, "internal parser error") {
			t.Fatalf("internal error: %v", d)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	const n = 100000
	tests := map[string]string{
		"parens":        strings.Repeat("(", n),
		"balanced":      "x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"lists":         "x = " + strings.Repeat("[", n) + strings.Repeat("]", n),
		"dicts":         "x = " + strings.Repeat("{1:", n) + "1" + strings.Repeat("}", n),
		"unary":         "x = " + strings.Repeat("-", n) + "1",
		"not":           "x = " + strings.Repeat("not ", n) + "1",
		"power":         "x = 2" + strings.Repeat("**2", n),
		"ternary":       "x = " + strings.Repeat("a if b else ", n) + "c",
		"lambda":        "x = " + strings.Repeat("lambda: ", n) + "1",
		"await":         "x = " + strings.Repeat("await ", n) + "1",
		"starred":       "x = [" + strings.Repeat("*[", n/2) + strings.Repeat("]", n/2) + "]",
		"attribute":     "x = a" + strings.Repeat(".b", n),
		"calls":         "x = f" + strings.Repeat("()", n),
		"subscripts":    "x = a" + strings.Repeat("[0]", n),
		"binary":        "x = 1" + strings.Repeat(" + 1", n),
		"comparisons":   "x = 1" + strings.Repeat(" < 1", n),
		"fstrings":      "x = " + strings.Repeat("f'{", 200) + strings.Repeat("}'", 200),
		"fstring specs": "x = f'{a:" + strings.Repeat("{a:", 200) + strings.Repeat("}", 201) + "'",
		"patterns":      "match x:\n    case " + strings.Repeat("[", n) + strings.Repeat("]", n) + ":\n        pass\n",
		"elif chain":    "if a:\n    pass\n" + strings.Repeat("elif b:\n    pass\n", n/10),
	}
	var blocks strings.Builder
	for i := 0; i < 300; i++ {
		blocks.WriteString(strings.Repeat(" ", i) + "if x:\n")
	}
	blocks.WriteString(strings.Repeat(" ", 300) + "pass\n")
	tests["blocks"] = blocks.String()
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			src := "A = 1\n" + body + "\nZ = 26\n"
			start := time.Now()
			m := Parse("deep.py", []byte(src))
			checkDuration(t, start)
			checkNoInternalError(t, m)
			names := assignedNames(m.Body)
			if len(names) == 0 || names[len(names)-1] != "Z" {
				t.Errorf("sentinel lost; diagnostics %v", m.Diagnostics)
			}
		})
	}
}

// checkDuration fails the test if more than 10s passed since start: the
// inputs are large enough that quadratic behaviour would take minutes.
func checkDuration(t *testing.T, start time.Time) {
	t.Helper()
	if d := time.Since(start); d > 10*time.Second && !raceEnabled {
		t.Errorf("took %v", d)
	}
}

func TestNestingLimitDiagnostic(t *testing.T) {
	src := "x = " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + "\ny = 2\n"
	m := Parse("deep.py", []byte(src))
	found := false
	for _, d := range m.Diagnostics {
		found = found || strings.Contains(d.Msg, "too many nested")
	}
	if !found {
		t.Errorf("diagnostics = %v", m.Diagnostics)
	}
	containsAll(t, assignedNames(m.Body), "y")
	// Nesting below the limit is fine.
	src = "x = " + strings.Repeat("(", 150) + "1" + strings.Repeat(")", 150) + "\n"
	if m := Parse("ok.py", []byte(src)); len(m.Diagnostics) != 0 {
		t.Errorf("diagnostics = %v", m.Diagnostics)
	}
}

func TestHugeList(t *testing.T) {
	const n = 100000
	var b strings.Builder
	b.WriteString("BIG = [")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d, ", i)
	}
	b.WriteString("]\nAFTER = 1\n")
	start := time.Now()
	m := Parse("big.py", []byte(b.String()))
	checkDuration(t, start)
	if len(m.Diagnostics) != 0 {
		t.Fatal(m.Diagnostics)
	}
	if got := len(m.Body[0].(*Assign).Value.(*List).Elts); got != n {
		t.Errorf("list has %d elements", got)
	}
	last := m.Body[1].(*Assign)
	if last.Pos().Line != 2 {
		t.Errorf("AFTER at %v", last.Pos())
	}
}

func TestManyUnterminatedTripleQuotes(t *testing.T) {
	src := "A = 1\n" + strings.Repeat("'''\\", 20000) + "\nZ = 1\n"
	start := time.Now()
	m := Parse("q.py", []byte(src))
	checkDuration(t, start)
	if len(m.Diagnostics) == 0 {
		t.Error("no diagnostics")
	}
}

func TestDiagnosticsCap(t *testing.T) {
	src := strings.Repeat("x = = 1\n", 5000)
	m := Parse("many.py", []byte(src))
	if len(m.Diagnostics) != maxDiagnostics+1 {
		t.Errorf("%d diagnostics", len(m.Diagnostics))
	}
	if !strings.Contains(m.Diagnostics[len(m.Diagnostics)-1].Msg, "too many errors") {
		t.Errorf("last diagnostic = %v", m.Diagnostics[len(m.Diagnostics)-1])
	}
	if len(m.Body) != 5000 {
		t.Errorf("%d statements", len(m.Body))
	}
}

func TestParseRecoversFromPanic(t *testing.T) {
	testHook = func() { panic("boom") }
	defer func() { testHook = nil }()
	m := Parse("p.py", []byte("x = 1\n"))
	if m == nil || len(m.Diagnostics) != 1 || !strings.Contains(m.Diagnostics[0].Msg, "internal parser error: boom") {
		t.Errorf("Parse after panic = %+v", m)
	}
}
