package audit

import (
	"path/filepath"
	"testing"
)

// TestEnvironPath: django-environ's Path as 0.4 to 0.11 define it (the
// expected values are what Debian's django-environ 0.4.4 computes for the
// same file). os.path.join of a Path is a TypeError in 0.4 (no
// __fspath__) and works in later releases: unknown.
func TestEnvironPath(t *testing.T) {
	dir := writeSettings(t, `import os
import environ
ROOT = environ.Path(__file__) - 2
APPS = ROOT.path('app')
STATIC_ROOT = ROOT('staticfiles')
MEDIA_ROOT = str(APPS.path('media'))
A = str(ROOT + 'x')
B = str(~APPS)
C = APPS.root
D = f"{ROOT}/logs"
E = str(environ.Path(__file__, is_file=True))
F = str(APPS - 'pp')
G = ROOT('a', 'b', '../c')
H = str(environ.Path('/srv', 'www'))
I = str(ROOT + APPS)
J = "%s/j" % ROOT
K = environ.Path(__file__) - 9
L = str(ROOT.path('x', required=False))
U1 = os.path.join(ROOT, 'x')
U2 = ROOT('x', required=True)
U3 = ROOT - 'nope'
U4 = environ.Path('relative')
`)
	ev := &Evaluator{Root: dir, Env: map[string]string{}, EnvFrom: map[string]string{}}
	vars, err := ev.EvalFile(filepath.Join(dir, "app", "settings.py"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"STATIC_ROOT": dir + "/staticfiles",
		"MEDIA_ROOT":  dir + "/app/media",
		"A":           dir + "/x",
		"B":           dir,
		"C":           dir + "/app",
		"D":           dir + "/logs",
		"E":           dir + "/app",
		"F":           dir + "/a",
		"G":           dir + "/a/c",
		"H":           "/srv/www",
		"I":           dir + "/app",
		"J":           dir + "/j",
		"L":           dir + "/x",
	}
	for k, w := range want {
		if s, ok := vars[k].Str(); !ok || s != w {
			t.Errorf("%s = %s, want %q", k, vars[k].Repr(), w)
		}
	}
	if k := vars["K"]; k.Kind != Object || k.Repr() != "<Path:/>" {
		t.Errorf("K = %s, want <Path:/>", k.Repr())
	}
	for _, k := range []string{"U1", "U2", "U3", "U4"} {
		if vars[k].Known() {
			t.Errorf("%s = %s, want unknown", k, vars[k].Repr())
		}
	}
}
