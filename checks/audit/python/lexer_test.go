package python

import (
	"fmt"
	"strings"
	"testing"
)

// tokSummary formats tokens as "KIND:text@line:col" separated by spaces,
// leaving out the text of tokens whose text is their kind.
func tokSummary(toks []Token) string {
	var parts []string
	for _, t := range toks {
		s := t.Kind.String()
		if t.Kind == NAME || t.Kind == NUMBER || t.Kind == STRING || t.Kind == ILLEGAL {
			s += ":" + t.Text
		}
		parts = append(parts, fmt.Sprintf("%s@%d:%d", s, t.Pos.Line, t.Pos.Col))
	}
	return strings.Join(parts, " ")
}

func TestTokenizePositions(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"assignment", "x = 1\n", "NAME:x@1:1 =@1:3 NUMBER:1@1:5 NEWLINE@1:6 EOF@2:1"},
		{"no trailing newline", "x", "NAME:x@1:1 NEWLINE@1:2 EOF@1:2"},
		{"empty", "", "EOF@1:1"},
		{"blank and comment lines", "\n# c\n\nx\n", "NAME:x@4:1 NEWLINE@4:2 EOF@5:1"},
		{"unicode column", "NAME = \"é\"\nX = 1\n",
			"NAME:NAME@1:1 =@1:6 STRING:\"é\"@1:8 NEWLINE@1:11 NAME:X@2:1 =@2:3 NUMBER:1@2:5 NEWLINE@2:6 EOF@3:1"},
		{"unicode column same line", "s = \"日本語\"; x = 1",
			"NAME:s@1:1 =@1:3 STRING:\"日本語\"@1:5 ;@1:10 NAME:x@1:12 =@1:14 NUMBER:1@1:16 NEWLINE@1:17 EOF@1:17"},
		{"unicode identifier", "café = naïve", "NAME:café@1:1 =@1:6 NAME:naïve@1:8 NEWLINE@1:13 EOF@1:13"},
		{"indent dedent", "if x:\n    y\nz\n",
			"if@1:1 NAME:x@1:4 :@1:5 NEWLINE@1:6 INDENT@2:1 NAME:y@2:5 NEWLINE@2:6 DEDENT@3:1 NAME:z@3:1 NEWLINE@3:2 EOF@4:1"},
		{"dedent at eof", "if x:\n  y",
			"if@1:1 NAME:x@1:4 :@1:5 NEWLINE@1:6 INDENT@2:1 NAME:y@2:3 NEWLINE@2:4 DEDENT@2:4 EOF@2:4"},
		{"no newline in brackets", "x = [\n  1,\n  2]\n",
			"NAME:x@1:1 =@1:3 [@1:5 NUMBER:1@2:3 ,@2:4 NUMBER:2@3:3 ]@3:4 NEWLINE@3:5 EOF@4:1"},
		{"backslash continuation", "x = 1 + \\\n    2\n",
			"NAME:x@1:1 =@1:3 NUMBER:1@1:5 +@1:7 NUMBER:2@2:5 NEWLINE@2:6 EOF@3:1"},
		{"crlf", "x\r\ny\r\n", "NAME:x@1:1 NEWLINE@1:2 NAME:y@2:1 NEWLINE@2:2 EOF@3:1"},
		{"comment after code", "x  # note\n", "NAME:x@1:1 NEWLINE@1:10 EOF@2:1"},
		{"keywords and soft keywords", "match case type _ if not in",
			"NAME:match@1:1 NAME:case@1:7 NAME:type@1:12 NAME:_@1:17 if@1:19 not@1:22 in@1:26 NEWLINE@1:28 EOF@1:28"},
		{"multi-line string position", "x = '''a\nb'''\ny\n",
			"NAME:x@1:1 =@1:3 STRING:'''a\nb'''@1:5 NEWLINE@2:5 NAME:y@3:1 NEWLINE@3:2 EOF@4:1"},
		{"bom", "\ufeffx = 1", "NAME:x@1:1 =@1:3 NUMBER:1@1:5 NEWLINE@1:6 EOF@1:6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, diags := Tokenize([]byte(tt.src))
			if len(diags) != 0 {
				t.Errorf("unexpected diagnostics: %v", diags)
			}
			if got := tokSummary(toks); got != tt.want {
				t.Errorf("Tokenize(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestTokenOffsetsAndEnd(t *testing.T) {
	src := "é = 'ü'\nabc"
	toks, _ := Tokenize([]byte(src))
	for _, tok := range toks {
		if tok.Text != "" && src[tok.Pos.Offset:tok.End.Offset] != tok.Text {
			t.Errorf("token %v: offsets %d..%d do not match text", tok, tok.Pos.Offset, tok.End.Offset)
		}
	}
	str := toks[2]
	if str.Pos != (Pos{Line: 1, Col: 5, Offset: 5}) || str.End != (Pos{Line: 1, Col: 8, Offset: 9}) {
		t.Errorf("string token span = %v..%v (%+v %+v)", str.Pos, str.End, str.Pos, str.End)
	}
}

func TestOperators(t *testing.T) {
	ops := []string{
		"(", ")", "[", "]", "{", "}", ":", ",", ";", "+", "-", "*", "/", "|", "&", "<", ">", "=",
		".", "%", "==", "!=", "<=", ">=", "~", "^", "<<", ">>", "**", "+=", "-=", "*=", "/=",
		"%=", "&=", "|=", "^=", "<<=", ">>=", "**=", "//", "//=", "@", "@=", "->", "...", ":=", "!",
	}
	for _, op := range ops {
		toks, _ := Tokenize([]byte(op))
		if toks[0].Kind.String() != op || toks[0].Text != op {
			t.Errorf("Tokenize(%q)[0] = %v", op, toks[0])
		}
	}
	toks, _ := Tokenize([]byte("a**=b//=c...d"))
	if got, want := tokSummary(toks), "NAME:a@1:1 **=@1:2 NAME:b@1:5 //=@1:6 NAME:c@1:9 ...@1:10 NAME:d@1:13 NEWLINE@1:14 EOF@1:14"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestNumbers(t *testing.T) {
	valid := []string{"0", "00", "7", "1_000", "0xFF", "0x_ff", "0o17", "0O7", "0b1010", "0B_1",
		"1.5", "1.", ".5", "1e10", "1E-5", "1.5e+3", "1_0.0_1e1_0", "2j", "2.5J", ".5j", "1e5j"}
	for _, s := range valid {
		toks, diags := Tokenize([]byte(s))
		if len(diags) != 0 || toks[0].Kind != NUMBER || toks[0].Text != s {
			t.Errorf("Tokenize(%q) = %v, %v", s, toks[0], diags)
		}
	}
	invalid := []string{"1_", "1__0", "0x", "0b2", "0777", "1abc", "0o8"}
	for _, s := range invalid {
		_, diags := Tokenize([]byte(s))
		if len(diags) == 0 {
			t.Errorf("Tokenize(%q): no diagnostic", s)
		}
	}
	// A keyword directly after a number is accepted, as in CPython.
	toks, diags := Tokenize([]byte("1if x else 2"))
	if len(diags) != 0 || toks[0].Text != "1" || toks[1].Kind != IF {
		t.Errorf("1if: %v %v", tokSummary(toks), diags)
	}
}

func TestStringPrefixes(t *testing.T) {
	tests := []struct {
		src                      string
		value                    string
		bytes, raw, format, trip bool
	}{
		{`'a'`, "a", false, false, false, false},
		{`"a"`, "a", false, false, false, false},
		{`'''a'b'''`, "a'b", false, false, false, true},
		{`"""a"b"""`, `a"b`, false, false, false, true},
		{`u'x'`, "x", false, false, false, false},
		{`U"x"`, "x", false, false, false, false},
		{`r'\n'`, `\n`, false, true, false, false},
		{`R'\d'`, `\d`, false, true, false, false},
		{`b'\x41'`, "A", true, false, false, false},
		{`B"a"`, "a", true, false, false, false},
		{`rb'\x41'`, `\x41`, true, true, false, false},
		{`bR'a'`, "a", true, true, false, false},
		{`Rb'a'`, "a", true, true, false, false},
		{`BR'a'`, "a", true, true, false, false},
		{`f'a'`, "", false, false, true, false},
		{`F'a'`, "", false, false, true, false},
		{`fr'a'`, "", false, true, true, false},
		{`rF'a'`, "", false, true, true, false},
		{`Rf'a'`, "", false, true, true, false},
		{`'\t\n\\\'\"\a\b\f\v\r'`, "\t\n\\'\"\a\b\f\v\r", false, false, false, false},
		{`'\101\x41\u0041\U00000041'`, "AAAA", false, false, false, false},
		{`'\xe9'`, "é", false, false, false, false},
		{`b'\xe9\0'`, "\xe9\x00", true, false, false, false},
		{`'\q'`, `\q`, false, false, false, false},
		{"'a\\\nb'", "ab", false, false, false, false},
		{`r'\''`, `\'`, false, true, false, false},
		{`'\N{BULLET}'`, `\N{BULLET}`, false, false, false, false},
		{"'''a\r\nb'''", "a\nb", false, false, false, true},
	}
	for _, tt := range tests {
		toks, diags := Tokenize([]byte(tt.src))
		if len(diags) != 0 {
			t.Errorf("Tokenize(%s): diagnostics %v", tt.src, diags)
			continue
		}
		tok := toks[0]
		if tok.Kind != STRING || tok.Str == nil {
			t.Errorf("Tokenize(%s)[0] = %v", tt.src, tok)
			continue
		}
		s := tok.Str
		if !tt.format && s.Value != tt.value {
			t.Errorf("Tokenize(%s): value %q, want %q", tt.src, s.Value, tt.value)
		}
		if s.Bytes != tt.bytes || s.Raw != tt.raw || s.Format != tt.format || s.Triple != tt.trip {
			t.Errorf("Tokenize(%s): flags bytes=%v raw=%v format=%v triple=%v", tt.src, s.Bytes, s.Raw, s.Format, s.Triple)
		}
		if tok.Text != tt.src {
			t.Errorf("Tokenize(%s): text %q", tt.src, tok.Text)
		}
	}
	// Names that are not prefixes stay names.
	toks, _ := Tokenize([]byte(`ub'x'`))
	if toks[0].Kind != NAME || toks[1].Kind != STRING {
		t.Errorf("ub'x': %s", tokSummary(toks))
	}
}

// fpartSummary formats f-string parts compactly: literals quoted, fields
// as {expr!c:spec}.
func fpartSummary(src string, parts []FPart) string {
	var b strings.Builder
	for _, p := range parts {
		if !p.IsExpr {
			fmt.Fprintf(&b, "%q", p.Lit)
			continue
		}
		b.WriteString("{")
		b.WriteString(src[p.ExprPos.Offset:p.ExprEnd])
		if p.Debug != "" {
			fmt.Fprintf(&b, "[debug %q]", p.Debug)
		}
		if p.Conversion != 0 {
			b.WriteString("!" + string(p.Conversion))
		}
		if p.HasSpec {
			b.WriteString(":" + fpartSummary(src, p.Spec))
		}
		b.WriteString("}")
	}
	return b.String()
}

func TestFStringParts(t *testing.T) {
	tests := []struct{ src, want string }{
		{`f"abc"`, `"abc"`},
		{`f"a{x}b"`, `"a"{x}"b"`},
		{`f"{x!r}"`, `{x!r}`},
		{`f"{x:>10}"`, `{x:">10"}`},
		{`f"{x!s:>{width}.{prec}f}"`, `{x!s:">"{width}"."{prec}"f"}`},
		{`f"{{literal}} {{{x}}}"`, `"{literal} {"{x}"}"`},
		{`f"{d['key']}"`, `{d['key']}`},
		{`f'{d["key"]}'`, `{d["key"]}`},
		{`f"{d["key"]}"`, `{d["key"]}`}, // PEP 701 quote reuse
		{`f"{f'{x}'}"`, `{f'{x}'}`},
		{`f"{x=}"`, `{x[debug "x="]}`},
		{`f"{ x = !r:^5}"`, `{ x [debug " x = "]!r:"^5"}`},
		{`f"{a == b}"`, `{a == b}`},
		{`f"{a != b}"`, `{a != b}`},
		{`f"{a <= b}"`, `{a <= b}`},
		{`f"{(lambda: 1)()}"`, `{(lambda: 1)()}`},
		{`f"{'{'}"`, `{'{'}`},
		{`f"{x:%H:%M}"`, `{x:"%H:%M"}`},
		{`f"\n{x}\t"`, `"\n"{x}"\t"`},
		{`rf"\n{x}"`, `"\\n"{x}`},
		{`f"\{x}"`, `"\\"{x}`},
		{`f"\N{BULLET} {x}"`, `"\\N{BULLET} "{x}`},
		{"f'''a\n{\nx\n}\nb'''", "\"a\\n\"{\nx\n}\"\\nb\""},
		{`f"{x}" `, `{x}`},
		{`f"{x:{y:{z}}}"`, `{x:{y:{z}}}`},
	}
	for _, tt := range tests {
		toks, diags := Tokenize([]byte(tt.src))
		if len(diags) != 0 {
			t.Errorf("Tokenize(%s): diagnostics %v", tt.src, diags)
			continue
		}
		if toks[0].Kind != STRING || !toks[0].Str.Format {
			t.Errorf("Tokenize(%s)[0] = %v", tt.src, toks[0])
			continue
		}
		if got := fpartSummary(tt.src, toks[0].Str.Parts); got != tt.want {
			t.Errorf("Tokenize(%s) parts\n got: %s\nwant: %s", tt.src, got, tt.want)
		}
	}
}

func TestFStringFieldPositions(t *testing.T) {
	src := "é = f'ab{cd}'"
	toks, _ := Tokenize([]byte(src))
	parts := toks[2].Str.Parts
	if len(parts) != 2 {
		t.Fatalf("parts = %v", parts)
	}
	if got := parts[1].ExprPos; got != (Pos{Line: 1, Col: 10, Offset: 10}) {
		t.Errorf("field expression position = %+v", got)
	}
	if got := parts[1].Pos; got.Col != 9 {
		t.Errorf("field position = %+v", got)
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []struct {
		name, src, msg string
		line, col      int
	}{
		{"unterminated string", "x = 'abc\ny = 1\n", "unterminated string literal", 1, 5},
		{"unterminated triple", "x = 1\ns = \"\"\"abc\n", "unterminated triple-quoted string literal", 2, 5},
		{"unterminated f-string", "x = f'{a'\n", "unterminated", 1, 5},
		{"f-string brace", "f'{'", "", 1, 1},
		{"f-string conversion", "f'{x!'", "", 1, 1},
		{"f-string bad conversion", "f'{x!z}'", "invalid conversion character", 1, 6},
		{"f-string single brace", "f'a}b'", "single '}' is not allowed", 1, 4},
		{"f-string empty expression", "f'{}'", "valid expression required", 1, 4},
		{"bad character", "x = $y\n", "invalid character '$'", 1, 5},
		{"nul byte", "x = 1\x00\n", "null bytes", 1, 6},
		{"invalid utf-8", "x = \xff\n", "UTF-8", 1, 5},
		{"unmatched closer", "x = 1)\n", "unmatched ')'", 1, 6},
		{"mismatched closer", "x = (1]\n", "does not match", 1, 7},
		{"unclosed bracket at eof", "x = [1,\n", "'[' was never closed", 1, 5},
		{"inconsistent dedent", "if x:\n    a\n  b\n", "unindent does not match", 3, 3},
		{"backslash at eof", "x = \\", "unexpected end of file after line continuation", 1, 5},
		{"backslash junk", "x = \\ y", "unexpected character after line continuation", 1, 5},
		{"bytes non-ascii", "b'é'", "ASCII", 1, 1},
		{"bad escape", `'\x4'`, `truncated \xXX escape`, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, diags := Tokenize([]byte(tt.src))
			if len(toks) == 0 || toks[len(toks)-1].Kind != EOF {
				t.Fatalf("token stream does not end with EOF: %v", toks)
			}
			if len(diags) == 0 {
				t.Fatalf("no diagnostics for %q", tt.src)
			}
			for _, d := range diags {
				if strings.Contains(d.Msg, tt.msg) && d.Pos.Line == tt.line && d.Pos.Col == tt.col {
					return
				}
			}
			t.Errorf("no diagnostic %q at %d:%d; got %v", tt.msg, tt.line, tt.col, diags)
		})
	}
}

func TestUnclosedBracketRecovery(t *testing.T) {
	src := "APPS = [\n    'a',\n    'b',\n\nDEBUG = True\n"
	toks, diags := Tokenize([]byte(src))
	if len(diags) != 1 || !strings.Contains(diags[0].Msg, "'[' was never closed") || diags[0].Pos != (Pos{1, 8, 7}) {
		t.Errorf("diagnostics = %v", diags)
	}
	var newlines int
	for _, tok := range toks {
		if tok.Kind == NEWLINE {
			newlines++
		}
	}
	if newlines != 2 {
		t.Errorf("want 2 NEWLINE tokens, got %s", tokSummary(toks))
	}
}

func TestUnclosedBracketHeuristic(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		closed bool // the bracket is considered unclosed at the later line
	}{
		{"assignment in list", "x = [1,\nY = 2\n", true},
		{"def in call", "x = f(1,\ndef g(): pass\n", true},
		{"import in dict", "x = {1: 2,\nimport os\n", true},
		{"from import", "x = (1,\nfrom a import b\n", true},
		{"if statement", "x = [1,\nif y:\n    pass\n", true},
		{"keyword argument at column 1", "x = f(\na=1)\n", false},
		{"constant keyword in call", "x = f(\nDEBUG = 1\n", true},
		{"indented assignment", "x = [1,\n    y = 2\n", false},
		{"same indentation in block", "if a:\n    x = [1,\n    y = 2\n", true},
		{"deeper indentation in block", "if a:\n    x = [1,\n        y = 2\n", false},
		{"comprehension if", "x = [a for a in b\nif a]\n", false},
		{"equality", "x = [a\n== b]\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, _ := Tokenize([]byte(tt.src))
			found := false
			for _, tok := range toks {
				if tok.Kind == NEWLINE && tok.Recovery && tok.Pos.Offset < len(tt.src) {
					found = true
				}
			}
			if tt.closed != found {
				t.Errorf("unclosed bracket detected = %v, want %v (tokens %s)", found, tt.closed, tokSummary(toks))
			}
		})
	}
}

func TestTemplateLines(t *testing.T) {
	src := "{% if cookiecutter.use_celery == 'y' %}\nX = 1\n{# comment #}\n{%- endif %}\n"
	toks, diags := Tokenize([]byte(src))
	if got, want := tokSummary(toks), "NAME:X@2:1 =@2:3 NUMBER:1@2:5 NEWLINE@2:6 EOF@5:1"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if len(diags) != 3 {
		t.Errorf("want one diagnostic per template line, got %v", diags)
	}
}
