package python

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSeeds are shared by the fuzz targets; the committed corpus under
// testdata/fuzz holds more.
var fuzzSeeds = []string{
	"", "{", "f\"{\"", "f\"{x!", "match", "match x:\n case", "((((((((((((((((((((",
	"'''unterminated", "\\", "\x00", "\xff\xfe", "x = 1\n", "if x:\n  y\n z\n",
	"f'{x:{y}}'", "f'{a!r:>{w}}'", "def f(a, /, b, *, c): pass", "{% if x %}\nX = 1\n",
	"X = [\nDEBUG = True\n", "lambda: (yield)", "@d\nclass C: pass", "type X = int",
	"match = 1", "try:\n pass\nexcept* E: pass",
}

func FuzzTokenize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		defer watchdog(src)()
		toks, diags := Tokenize([]byte(src))
		checkTokens(t, src, toks)
		checkDiagnostics(t, src, diags)
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		defer watchdog(src)()
		// parseInto does not recover panics, so the fuzzer sees them.
		m := &Module{}
		parseInto(m, []byte(src))
		checkDiagnostics(t, src, m.Diagnostics)
		if len(m.Diagnostics) == 0 {
			// Error-free input yields no bad statements.
			Inspect(m, func(n Node) bool {
				if _, bad := n.(*BadStmt); bad {
					t.Fatalf("BadStmt without diagnostics in %q", src)
				}
				return true
			})
		}
		// Walk and Dump handle every tree.
		Inspect(m, func(n Node) bool {
			if p := n.Pos(); p.Offset < 0 || p.Offset > len(src) || n.End().Offset > len(src) {
				t.Fatalf("%T has offset out of range: %+v..%+v", n, p, n.End())
			}
			return true
		})
		_ = Dump(m)
	})
}

// watchdog crashes the process if the input is not handled within a few
// seconds, so that the fuzzer records hangs as failures; call the returned
// function when done.
func watchdog(src string) (stop func()) {
	start := time.Now()
	timer := time.AfterFunc(60*time.Second, func() {
		panic(fmt.Sprintf("no result after 60s for input %q", src))
	})
	return func() {
		timer.Stop()
		if d := time.Since(start); d > 10*time.Second && len(src) < 1<<20 {
			panic(fmt.Sprintf("slow input (%v, %d bytes): %q", d, len(src), src))
		}
	}
}

// checkTokens verifies token invariants: ends with EOF, offsets are
// ordered and in range, and positions agree with offsets.
func checkTokens(t *testing.T, src string, toks []Token) {
	t.Helper()
	if len(toks) == 0 || toks[len(toks)-1].Kind != EOF {
		t.Fatalf("token stream does not end with EOF")
	}
	pc := newPosChecker(src)
	prev := 0
	for _, tok := range toks {
		if tok.Pos.Offset < prev || tok.End.Offset < tok.Pos.Offset || tok.End.Offset > len(src) {
			t.Fatalf("token %v has bad offsets %d..%d (previous end %d)", tok, tok.Pos.Offset, tok.End.Offset, prev)
		}
		if tok.Text != "" && src[tok.Pos.Offset:tok.End.Offset] != tok.Text {
			t.Fatalf("token %v text does not match offsets", tok)
		}
		if tok.Kind == STRING && tok.Str == nil {
			t.Fatalf("STRING token without StringInfo")
		}
		pc.check(t, tok.Pos)
		prev = tok.Pos.Offset
	}
}

func checkDiagnostics(t *testing.T, src string, diags []Diagnostic) {
	t.Helper()
	if len(diags) > maxDiagnostics+1 {
		t.Fatalf("%d diagnostics", len(diags))
	}
	pc := newPosChecker(src)
	for _, d := range diags {
		if strings.Contains(d.Msg, "internal") {
			t.Fatalf("internal error: %v", d)
		}
		pc.check(t, d.Pos)
	}
}

// posChecker computes the expected line and column of any offset in
// linear preprocessing time.
type posChecker struct {
	src       string
	line      []int // line number at each offset
	lineStart []int // offset of the start of the line containing each offset
}

func newPosChecker(src string) *posChecker {
	n := len(src) + 1
	pc := &posChecker{src: src, line: make([]int, n), lineStart: make([]int, n)}
	line, start := 1, 0
	if strings.HasPrefix(src, "\ufeff") {
		start = 3
	}
	for i := 0; i < n; i++ {
		pc.line[i], pc.lineStart[i] = line, start
		if i == len(src) {
			break
		}
		switch src[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			line, start = line+1, i+1
		}
	}
	return pc
}

// check verifies that p's line and column match its offset.
func (pc *posChecker) check(t *testing.T, p Pos) {
	t.Helper()
	if p.Offset < 0 || p.Offset > len(pc.src) {
		t.Fatalf("offset %d out of range", p.Offset)
	}
	if p.Offset < pc.lineStart[p.Offset] { // inside the byte order mark
		return
	}
	line := pc.line[p.Offset]
	if p.Line != line {
		t.Fatalf("position %+v, want line %d", p, line)
	}
	if p.Offset-pc.lineStart[p.Offset] < 4096 { // keep the check linear-ish
		if col := utf8.RuneCountInString(pc.src[pc.lineStart[p.Offset]:p.Offset]) + 1; p.Col != col {
			t.Fatalf("position %+v, want line %d col %d", p, line, col)
		}
	}
}
