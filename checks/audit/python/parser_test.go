package python

import (
	"strings"
	"testing"
)

// dumpBody parses src and returns the Dump of its statements separated by
// spaces, failing the test on diagnostics.
func dumpBody(t *testing.T, src string) string {
	t.Helper()
	m := Parse("test.py", []byte(src))
	if len(m.Diagnostics) != 0 {
		t.Errorf("Parse(%q): unexpected diagnostics %v", src, m.Diagnostics)
	}
	var parts []string
	for _, s := range m.Body {
		parts = append(parts, Dump(s))
	}
	return strings.Join(parts, " ")
}

// TestParseDump checks statements and expressions against expected trees.
// The expectations were cross-checked against CPython 3.11's ast module
// (with a converter to this S-expression format).
func TestParseDump(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a = -2 ** 2", "(= a (- (** 2 2)))"},
		{"a = 2 ** -1", "(= a (** 2 (- 1)))"},
		{"a = 2 ** 3 ** 2", "(= a (** 2 (** 3 2)))"},
		{"a = -x ** -y ** z", "(= a (- (** x (- (** y z)))))"},
		{"a = not a == b", "(= a (not (== a b)))"},
		{"a = a or b and c or not d", "(= a (or a (and b c) (not d)))"},
		{"a = a if b else c if d else e", "(= a (? b a (? d c e)))"},
		{"a = lambda: 1", "(= a (lambda (params) 1))"},
		{"a = lambda x, y=1, *a, k, **kw: x + y", "(= a (lambda (params x y=1 *a k **kw) (+ x y)))"},
		{"a = lambda *, k: k", "(= a (lambda (params * k) k))"},
		{"a = lambda a, /, b: a", "(= a (lambda (params a / b) a))"},
		{"a = x | y ^ z & w << 1 >> 2 + 3 - 4 * 5 / 6 // 7 % 8 @ m", "(= a (| x (^ y (& z (>> (<< w 1) (- (+ 2 3) (@ (% (// (/ (* 4 5) 6) 7) 8) m)))))))"},
		{"a = ~x + -y - +z", "(= a (- (+ (~ x) (- y)) (+ z)))"},
		{"a = a < b < c != d is not e in f not in g is h", "(= a (cmp a < b < c != d is not e in f not in g is h))"},
		{"a = await_ = 1", "(= a await_ 1)"},
		{"a = x[1:2, ::3, 4]", "(= a (sub x (tuple (slice 1 2 -) (slice - - 3) 4)))"},
		{"a = x[:]", "(= a (sub x (slice - - -)))"},
		{"a = x[1:]", "(= a (sub x (slice 1 - -)))"},
		{"a = x[::]", "(= a (sub x (slice - - -)))"},
		{"a = x[a, b]", "(= a (sub x (tuple a b)))"},
		{"a = x[a,]", "(= a (sub x (tuple a)))"},
		{"a = x[*a]", "(= a (sub x (tuple (* a))))"},
		{"a = f(a)(b)[c].d", "(= a (. (sub (call (call f a) b) c) d))"},
		{"a = f(*args, **kwargs)", "(= a (call f (* args) (** kwargs)))"},
		{"a = f(a, *b, c=1, *d, **e)", "(= a (call f a (* b) (* d) (kw c 1) (** e)))"},
		{"a = f(x for x in y)", "(= a (call f (genexp x (for x y))))"},
		{"a = f(x for x in y if x if not y for z in w)", "(= a (call f (genexp x (for x y (if x) (if (not y))) (for z w))))"},
		{"a = [x async for x in y]", "(= a (listcomp x (async-for x y)))"},
		{"a = {k: v for k, v in d.items()}", "(= a (dictcomp k v (for (tuple k v) (call (. d items)))))"},
		{"a = {x for x in y}", "(= a (setcomp x (for x y)))"},
		{"a = (x for x in y)", "(= a (genexp x (for x y)))"},
		{"a = (yield)", "(= a (yield))"},
		{"a = [*a, *b]", "(= a (list (* a) (* b)))"},
		{"a = {**a, 'b': 1, **c}", "(= a (dict (** a) (\"b\" 1) (** c)))"},
		{"a = {1, 2, *c}", "(= a (set 1 2 (* c)))"},
		{"a = ()", "(= a (tuple))"},
		{"a = (1,)", "(= a (tuple 1))"},
		{"a = (1, 2)", "(= a (tuple 1 2))"},
		{"a = 1,", "(= a (tuple 1))"},
		{"a = [] ", "(= a (list))"},
		{"a = {}", "(= a (dict))"},
		{"a = 'a' 'b' \"c\"", "(= a \"abc\")"},
		{"a = b'a' b\"b\"", "(= a b\"ab\")"},
		{"a = 'a' f'{b}' 'c'", "(= a (f \"a\" (fv b) \"c\"))"},
		{"a = f'{a!r}' f\"{b:{c}.{d}}\" ", "(= a (f (fv a !r) (fv b (spec (fv c) \".\" (fv d)))))"},
		{"a = f'{a}{b}' f'{{}}'", "(= a (f (fv a) (fv b) \"{}\"))"},
		{"a = f'{\"x\" if a else \"y\"}'", "(= a (f (fv (? a \"x\" \"y\"))))"},
		{"a = f\"{x:{'>'}10}\"", "(= a (f (fv x (spec (fv \">\") \"10\"))))"},
		{"a = f'{x:%H:%M}'", "(= a (f (fv x (spec \"%H:%M\"))))"},
		{"a = f'{x=!s:>5}'", "(= a (f \"x=\" (fv x !s (spec \">5\"))))"},
		{"a = f'{ x = }'", "(= a (f \" x = \" (fv x !r)))"},
		{"a = f'{3.14:.2f}'", "(= a (f (fv 3.14 (spec \".2f\"))))"},
		{"a = f'{a[\"b\"]}'", "(= a (f (fv (sub a \"b\"))))"},
		{"a = f'''{\na\n}'''", "(= a (f (fv a)))"},
		{"a = rb'\\d' + Rb'\\w' + BR'x'", "(= a (+ (+ b\"\\\\d\" b\"\\\\w\") b\"x\"))"},
		{"a = '\\x41\\101\\u0042\\U00000043\\n\\t\\\\\\'\\\"'", "(= a \"AABC\\n\\t\\\\'\\\"\")"},
		{"a = b'\\x41\\xff\\777'", "(= a b\"A\\xff\\xff\")"},
		{"a = '\\\ncontinued'", "(= a \"continued\")"},
		{"a = x if y else lambda: z", "(= a (? y x (lambda (params) z)))"},
		{"a = [i for i in range(3)][0]", "(= a (sub (listcomp i (for i (call range 3))) 0))"},
		{"a = b = c = d", "(= a b c d)"},
		{"a, b = c, d = e", "(= (tuple a b) (tuple c d) e)"},
		{"a: int", "(ann a int)"},
		{"a: 'x' = 1", "(ann a \"x\" 1)"},
		{"a.b: int = 2", "(ann (. a b) int 2)"},
		{"a[0]: int = 3", "(ann (sub a 0) int 3)"},
		{"a += 1; b -= 2; c *= 3", "(+= a 1) (-= b 2) (*= c 3)"},
		{"a += 1; b -= 2; c *= 3", "(+= a 1) (-= b 2) (*= c 3)"},
		{"a += 1; b -= 2; c *= 3", "(+= a 1) (-= b 2) (*= c 3)"},
		{"x = yield", "(= x (yield))"},
		{"x = yield from y", "(= x (yield-from y))"},
		{"del a, b[0], c.d", "(del a (sub b 0) (. c d))"},
		{"del (a, b), [c]", "(del (tuple a b) (list c))"},
		{"assert x, 'msg'", "(assert x \"msg\")"},
		{"raise", "(raise)"},
		{"raise X", "(raise X)"},
		{"raise X from Y", "(raise X (from Y))"},
		{"global a, b", "(global a b)"},
		{"import a, b.c as d, e.f.g", "(import a (b.c as d) e.f.g)"},
		{"from . import a", "(from . a)"},
		{"from .. import b as c", "(from .. (b as c))"},
		{"from ...x.y import z", "(from ...x.y z)"},
		{"from .... import w", "(from .... w)"},
		{"from . x import (y, z as w,)", "(from .x y (z as w))"},
		{"for x, in y: pass", "(for (tuple x) y (body (pass)))"},
		{"for (a, b) in c: pass", "(for (tuple a b) c (body (pass)))"},
		{"for [a, *b] in c: pass", "(for (list a (* b)) c (body (pass)))"},
		{"while x: break\nelse: continue", "(while x (body (break)) (else (continue)))"},
		{"if a: pass\nelif b: pass\nelif c: pass\nelse: pass", "(if a (body (pass)) (else (if b (body (pass)) (else (if c (body (pass)) (else (pass)))))))"},
		{"with a: pass", "(with (item a) (body (pass)))"},
		{"with a as b, c as (d, e): pass", "(with (item a b) (item c (tuple d e)) (body (pass)))"},
		{"with (a, b) as c: pass", "(with (item (tuple a b) c) (body (pass)))"},
		{"with (a): pass", "(with (item a) (body (pass)))"},
		{"with (a, b): pass", "(with (item a) (item b) (body (pass)))"},
		{"try: pass\nexcept: pass", "(try (body (pass)) (except (body (pass))))"},
		{"try: pass\nfinally: pass", "(try (body (pass)) (finally (pass)))"},
		{"try: pass\nexcept (A, B): pass\nexcept C as e: pass\nelse: pass\nfinally: pass", "(try (body (pass)) (except (tuple A B) (body (pass))) (except C as e (body (pass))) (else (pass)) (finally (pass)))"},
		{"def f(): pass", "(def f (params) (body (pass)))"},
		{"class C(A, B, metaclass=M, **kw): pass", "(class C (bases A B (kw metaclass M) (** kw)) (body (pass)))"},
		{"class D: pass", "(class D (body (pass)))"},
		{"class E(): pass", "(class E (body (pass)))"},
		{"async def g():\n    await x\n    async for a in b: pass\n    async with c as d: pass\n    return await f() ** 2", "(async-def g (params) (body (expr (await x)) (async-for a b (body (pass))) (async-with (item c d) (body (pass))) (return (** (await (call f)) 2))))"},
		{"def h(a, b=1, /, c=2, *, d, e=3, **f) -> int: return", "(def h (params a b=1 / c=2 * d e=3 **f) (-> int) (body (return)))"},
		{"def i(*args): yield", "(def i (params *args) (body (expr (yield))))"},
		{"def j(**kw): nonlocal x", "(def j (params **kw) (body (nonlocal x)))"},
		{"x = a.match", "(= x (. a match))"},
		{"match = 1", "(= match 1)"},
		{"match.x = 2", "(= (. match x) 2)"},
		{"match[0] = 3", "(= (sub match 0) 3)"},
		{"match(x)", "(expr (call match x))"},
		{"print(match, case, type, _)", "(expr (call print match case type _))"},
		{"type = 3", "(= type 3)"},
		{"type(x)", "(expr (call type x))"},
		{"x = [\n  1,\n  2,\n]", "(= x (list 1 2))"},
		{"if True:\n    x = 1\n    if False:\n        y = 2\n    z = 3", "(if True (body (= x 1) (if False (body (= y 2))) (= z 3)))"},
		{"x = 1 if a else 2", "(= x (? a 1 2))"},
		{"x = a is not b", "(= x (is not a b))"},
		{"x = not not a", "(= x (not (not a)))"},
		{"x = - - a", "(= x (- (- a)))"},
		{"x = a[b](c).d[e:f]", "(= x (sub (. (call (sub a b) c) d) (slice e f -)))"},
		{"x = 0xff + 0o7 + 0b1 + 1_000 + 1e10 + 1.5j + .5 + 5.", "(= x (+ (+ (+ (+ (+ (+ (+ 0xff 0o7) 0b1) 1_000) 1e10) 1.5j) .5) 5.))"},
		{"x = 1if True else 2", "(= x (? True 1 2))"},
		{"x = (a := 1)", "(= x (:= a 1))"},
		{"x = [y := 1, y ** 2]", "(= x (list (:= y 1) (** y 2)))"},
		{"x = f(a := 1)", "(= x (call f (:= a 1)))"},
		{"print(*a, sep='')", "(expr (call print (* a) (kw sep \"\")))"},
		{"x = a @ b", "(= x (@ a b))"},
		{"x @= c", "(@= x c)"},
		{"x = ...", "(= x ...)"},
		{"x[...] = 1", "(= (sub x ...) 1)"},
		{"x = f(a)(b)(c)", "(= x (call (call (call f a) b) c))"},
		{"x = f()[0]()", "(= x (call (sub (call f) 0)))"},
		{"x = 'a' \\\n    'b'", "(= x \"ab\")"},
		{"x = (1 +\n     2)", "(= x (+ 1 2))"},
		{"x = {'a': 1, 'b': [1, 2, {3: 4}]}", "(= x (dict (\"a\" 1) (\"b\" (list 1 2 (dict (3 4))))))"},
		{"x = a if b else(c)", "(= x (? b a c))"},
		{"x = [*range(3)]", "(= x (list (* (call range 3))))"},
		{"x = *a, b", "(= x (tuple (* a) b))"},
		{"x = a, *b", "(= x (tuple a (* b)))"},
		{"*a, b = c", "(= (tuple (* a) b) c)"},
		{"x = a.b.c.d", "(= x (. (. (. a b) c) d))"},
		{"x = a[b][c]", "(= x (sub (sub a b) c))"},
		{"x = (-1) ** 2", "(= x (** (- 1) 2))"},
		{"x = not a in b", "(= x (not (in a b)))"},
		{"x = a not in b", "(= x (not in a b))"},
		{"x = lambda: (yield)", "(= x (lambda (params) (yield)))"},
		{"x = {**{}}", "(= x (dict (** (dict))))"},
		{"x = u'unicode'", "(= x \"unicode\")"},
		{"x = \"é\" + 'ü'", "(= x (+ \"é\" \"ü\"))"},
	}
	for _, tt := range tests {
		if got := dumpBody(t, tt.src+"\n"); got != tt.want {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
		}
	}
}

func TestParseMore(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"match statement",
			"match command.split():\n    case [action]:\n        x = 1\n    case [\"go\", direction] | [\"move\", direction] as m if direction:\n        pass\n    case {\"k\": 1, **rest}:\n        pass\n    case Point(x=0, y=-1.5) | None | -1 | 1+2j:\n        pass\n    case (a, *b) | ():\n        pass\n    case _:\n        pass\ny = 2\n",
			`(match (call (. command split)) (case (list action) (body (= x 1))) (case (as (| (list "go" direction) (list "move" direction)) m) (if direction) (body (pass))) (case (dict ("k" 1) (** rest)) (body (pass))) (case (| (| (| (call Point (kw x 0) (kw y (- 1.5))) None) (- 1)) (+ 1 2j)) (body (pass))) (case (| (tuple a (* b)) (tuple)) (body (pass))) (case _ (body (pass)))) (= y 2)`},
		{"match open sequence", "match a, b:\n    case x, *y:\n        pass\n",
			"(match (tuple a b) (case (tuple x (* y)) (body (pass))))"},
		{"match as name", "match = re.match(pat, s)\nmatch(x)\nmatch[0] = 1\nmatch.group(1)\nprint(match)\nmatch: int = 3\n",
			"(= match (call (. re match) pat s)) (expr (call match x)) (= (sub match 0) 1) (expr (call (. match group) 1)) (expr (call print match)) (ann match int 3)"},
		{"match call statement with colon-free line", "match (x)\n", "(expr (call match x))"},
		{"case as name", "case = 1\ncase\n", "(= case 1) (expr case)"},
		{"type alias", "type X = int\ntype Y[T] = list[T]\ntype = 3\ntype(x)\n",
			"(type X int) (type Y[T] (sub list T)) (= type 3) (expr (call type x))"},
		{"generic def and class", "def f[T: int, *Ts, **P](x: T) -> T: pass\nclass C[T](B): pass\n",
			"(def f[T:int *Ts **P] (params x:T) (-> T) (body (pass))) (class C[T] (bases B) (body (pass)))"},
		{"try star", "try:\n    pass\nexcept* ValueError as eg:\n    pass\n",
			"(try* (body (pass)) (except ValueError as eg (body (pass))))"},
		{"except unparenthesized tuple", "try:\n    pass\nexcept A, B:\n    pass\n",
			"(try (body (pass)) (except (tuple A B) (body (pass))))"},
		{"decorated async def", "@dec\nasync def f(): pass\n", "(async-def f (params) (decorators dec) (body (pass)))"},
		{"nested blocks", "if a:\n    if b:\n        x = 1\n    else:\n        x = 2\nelse:\n    for i in r:\n        while c:\n            pass\n",
			"(if a (body (if b (body (= x 1)) (else (= x 2)))) (else (for i r (body (while c (body (pass)))))))"},
		{"semicolons", "a = 1; b = 2;\nc = 3", "(= a 1) (= b 2) (= c 3)"},
		{"one-line compound", "if x: a = 1; b = 2\nelse: c = 3\n", "(if x (body (= a 1) (= b 2)) (else (= c 3)))"},
		{"star args only", "def f(*, a, b=1): pass\n", "(def f (params * a b=1) (body (pass)))"},
		{"lambda in default", "def f(key=lambda x: x.id): pass\n", "(def f (params key=(lambda (params x) (. x id))) (body (pass)))"},
		{"annotated varargs", "def f(*args: *Ts, **kw: int): pass\n", "(def f (params *args:(* Ts) **kw:int) (body (pass)))"},
		{"pep 701 nested quotes", `x = f"{"-".join(["a", "b"])} {f"{y}"}"` + "\n",
			`(= x (f (fv (call (. "-" join) (list "a" "b"))) " " (fv (f (fv y)))))`},
		{"f-string self documenting", `x = f"{a=} {b = :>4}"` + "\n",
			`(= x (f "a=" (fv a !r) " b = " (fv b (spec ">4"))))`},
		{"f-string format spec nesting", `x = f"{v:{w}.{p}f}"` + "\n", `(= x (f (fv v (spec (fv w) "." (fv p) "f"))))`},
		{"f-string tuple and yield", `x = f"{a, b}"` + "\n", `(= x (f (fv (tuple a b))))`},
		{"implicit concatenation", `x = "a" 'b' """c"""` + "\n", `(= x "abc")`},
		{"implicit concatenation bytes", `x = b"a" rb"\n"` + "\n", `(= x b"a\\n")`},
		{"implicit concatenation f-string", `x = "a{" f"{b}" "}c" f"d"` + "\n", `(= x (f "a{" (fv b) "}cd"))`},
		{"concatenation across lines", "x = (\n    'a'\n    'b'\n)\n", `(= x "ab")`},
		{"dict and set comprehensions", "x = {k: v for k in a if k for v in b}\ny = {a for a in b}\n",
			"(= x (dictcomp k v (for k a (if k)) (for v b))) (= y (setcomp a (for a b)))"},
		{"subscript slices", "x = a[1:2:3, :, ::, b]\n", "(= x (sub a (tuple (slice 1 2 3) (slice - - -) (slice - - -) b)))"},
		{"walrus in if", "if (n := len(a)) > 10: pass\n", "(if (> (:= n (call len a)) 10) (body (pass)))"},
		{"chained comparison", "x = a < b == c is not d\n", "(= x (cmp a < b == c is not d))"},
		{"await and power", "async def f():\n    return -await x ** 2\n", "(async-def f (params) (body (return (- (** (await x) 2)))))"},
		{"global nonlocal", "def f():\n    global a, b\n    nonlocal c\n", "(def f (params) (body (global a b) (nonlocal c)))"},
		{"print function", "print('x', file=sys.stderr)\n", `(expr (call print "x" (kw file (. sys stderr))))`},
		{"ellipsis body", "class P(Protocol): ...\n", "(class P (bases Protocol) (body (expr ...)))"},
		{"del subscript", "del os.environ['X']\n", `(del (sub (. os environ) "X"))`},
		{"string with hash", "x = '#not a comment'  # comment\n", `(= x "#not a comment")`},
		{"raise from none", "raise E('x') from None\n", `(raise (call E "x") (from None))`},
		{"return tuple", "def f():\n    return 1, 2\n", "(def f (params) (body (return (tuple 1 2))))"},
		{"yield in assignment", "def g():\n    x = yield 1\n    y = yield from z\n", "(def g (params) (body (= x (yield 1)) (= y (yield-from z))))"},
		{"with parenthesized items", "with (open(a) as f, open(b) as g,):\n    pass\n",
			"(with (item (call open a) f) (item (call open b) g) (body (pass)))"},
		{"from import levels", "from .... import a\nfrom ...b import c\n", "(from .... a) (from ...b c)"},
		{"comment only file", "# just a comment\n\n", ""},
		{"empty file", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dumpBody(t, tt.src); got != tt.want {
				t.Errorf("Parse(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestNodePositions(t *testing.T) {
	src := "é = 1\nX = foo(a, 'ü')  # c\nif x:\n    y = [1,\n         2]\n"
	m := Parse("p.py", []byte(src))
	if len(m.Diagnostics) != 0 {
		t.Fatal(m.Diagnostics)
	}
	assign := m.Body[1].(*Assign)
	if got, want := assign.Pos(), (Pos{2, 1, 7}); got != want {
		t.Errorf("assign pos = %+v, want %+v", got, want)
	}
	if got, want := assign.End(), (Pos{2, 16, 23}); got != want {
		t.Errorf("assign end = %+v, want %+v", got, want)
	}
	call := assign.Value.(*Call)
	if got := call.Args[1].Pos(); got != (Pos{2, 12, 18}) {
		t.Errorf("string arg pos = %+v", got)
	}
	ifs := m.Body[2].(*If)
	if got, want := ifs.End(), (Pos{5, 12, 58}); got != want {
		t.Errorf("if end = %+v, want %+v", got, want)
	}
	inner := ifs.Body[0].(*Assign)
	if got, want := inner.Value.Pos(), (Pos{4, 9, 43}); got != want {
		t.Errorf("list pos = %+v, want %+v", got, want)
	}
	if len(m.Comments) != 1 || m.Comments[0].Text != "# c" || m.Comments[0].Pos.Col != 18 {
		t.Errorf("comments = %+v", m.Comments)
	}
	// Every node lies within its parent and has valid positions.
	checkPositions(t, m, src)
}

// checkPositions verifies that each node's span is well-formed and nested
// within its parent's span.
func checkPositions(t *testing.T, m *Module, src string) {
	t.Helper()
	var stack []Node
	Walk(visitorFunc(func(n Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		p, e := n.Pos(), n.End()
		if p.Line < 1 || p.Col < 1 || p.Offset < 0 || e.Offset > len(src) || e.Offset < p.Offset {
			t.Errorf("%s: bad span %+v..%+v", Dump(n), p, e)
		}
		if len(stack) > 0 {
			parent := stack[len(stack)-1]
			if p.Offset < parent.Pos().Offset || e.Offset > parent.End().Offset {
				if _, isMod := parent.(*Module); !isMod {
					t.Errorf("%s (%v..%v) not within parent %s (%v..%v)", Dump(n), p, e, Dump(parent), parent.Pos(), parent.End())
				}
			}
		}
		stack = append(stack, n)
		return true
	}), m)
}

type visitorFunc func(Node) bool

func (f visitorFunc) Visit(n Node) Visitor {
	if f(n) {
		return f
	}
	return nil
}

func TestFStringNodes(t *testing.T) {
	m := Parse("f.py", []byte("x = f'a{b!r:>{w}}c' 'd'\n"))
	if len(m.Diagnostics) != 0 {
		t.Fatal(m.Diagnostics)
	}
	fs := m.Body[0].(*Assign).Value.(*FString)
	if len(fs.Values) != 3 {
		t.Fatalf("values = %s", Dump(fs))
	}
	if s := fs.Values[0].(*String); s.Value != "a" {
		t.Errorf("first literal = %q", s.Value)
	}
	fv := fs.Values[1].(*FormattedValue)
	if fv.Conversion != 'r' || fv.Value.(*Name).ID != "b" || fv.Spec == nil {
		t.Errorf("field = %s", Dump(fv))
	}
	if got := fv.Value.Pos(); got != (Pos{1, 9, 8}) {
		t.Errorf("field expression position = %+v", got)
	}
	if s := fs.Values[2].(*String); s.Value != "cd" {
		t.Errorf("last literal = %q", s.Value)
	}
}

func TestStringValues(t *testing.T) {
	m := Parse("s.py", []byte("a = 'x' \"y\"\nb = b'\\x00\\xff'\nc = r'\\d+' '\\n'\n"))
	if len(m.Diagnostics) != 0 {
		t.Fatal(m.Diagnostics)
	}
	get := func(i int) *String { return m.Body[i].(*Assign).Value.(*String) }
	if s := get(0); s.Value != "xy" || s.Bytes {
		t.Errorf("a = %+v", s)
	}
	if s := get(1); s.Value != "\x00\xff" || !s.Bytes {
		t.Errorf("b = %+v", s)
	}
	if s := get(2); s.Value != "\\d+\n" {
		t.Errorf("c = %+v", s)
	}
	if s := get(0); s.Pos().Col != 5 || s.End().Col != 12 {
		t.Errorf("concatenated string span = %v..%v", s.Pos(), s.End())
	}
	m = Parse("s.py", []byte("x = b'a' 'b'\n"))
	if len(m.Diagnostics) != 1 || !strings.Contains(m.Diagnostics[0].Msg, "cannot mix bytes") {
		t.Errorf("diagnostics = %v", m.Diagnostics)
	}
}

func TestNumberValues(t *testing.T) {
	tests := []struct {
		src  string
		kind NumberKind
		i    string
		f    float64
	}{
		{"42", Int, "42", 42},
		{"0", Int, "0", 0},
		{"00", Int, "0", 0},
		{"1_000", Int, "1000", 1000},
		{"0xff", Int, "255", 255},
		{"0o17", Int, "15", 15},
		{"0b101", Int, "5", 5},
		{"123456789012345678901234567890", Int, "123456789012345678901234567890", 1.2345678901234568e29},
		{"1.5", Float, "", 1.5},
		{"1e3", Float, "", 1000},
		{".5", Float, "", 0.5},
		{"2j", Imaginary, "", 2},
		{"1e500", Float, "", 0},
	}
	for _, tt := range tests {
		m := Parse("n.py", []byte(tt.src))
		n := m.Body[0].(*ExprStmt).X.(*Number)
		if n.Kind != tt.kind {
			t.Errorf("%s: kind %v", tt.src, n.Kind)
		}
		v, ok := n.Int()
		if tt.i != "" && (!ok || v.String() != tt.i) {
			t.Errorf("%s: Int() = %v, %v", tt.src, v, ok)
		}
		if tt.i == "" && ok {
			t.Errorf("%s: Int() ok for non-integer", tt.src)
		}
		f, ok := n.Float()
		if !ok || (tt.f != 0 && f != tt.f) {
			t.Errorf("%s: Float() = %v, %v", tt.src, f, ok)
		}
	}
}

func TestInspect(t *testing.T) {
	m := Parse("w.py", []byte("X = 1\nif a:\n    Y = f(b, c=d)\nclass C:\n    def m(self, e=g): return h\n"))
	var names []string
	Inspect(m, func(n Node) bool {
		if n, ok := n.(*Name); ok {
			names = append(names, n.ID)
		}
		return true
	})
	if got, want := strings.Join(names, " "), "X a Y f b c d C m self e g h"; got != want {
		t.Errorf("names = %s, want %s", got, want)
	}
	// Returning false prunes the subtree.
	names = names[:0]
	Inspect(m, func(n Node) bool {
		if n, ok := n.(*Name); ok {
			names = append(names, n.ID)
		}
		_, isIf := n.(*If)
		return !isIf
	})
	if got, want := strings.Join(names, " "), "X C m self e g h"; got != want {
		t.Errorf("pruned names = %s, want %s", got, want)
	}
}

func TestParseNeverNil(t *testing.T) {
	for _, src := range []string{"", "\x00", "(((", "def", "\xff\xfe"} {
		m := Parse("x.py", []byte(src))
		if m == nil || m.Filename != "x.py" {
			t.Fatalf("Parse(%q) = %v", src, m)
		}
	}
}
