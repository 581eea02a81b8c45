package envedit

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctlops/ctl/targets"
)

func testEnv() *targets.Environ {
	return &targets.Environ{Where: "pod", Vars: targets.SortVars([]targets.EnvVar{
		{Name: "SECRET_KEY", Value: "old-secret-value", Known: true, Source: targets.EnvSource{Kind: targets.SourceSecret, Name: "app", Key: "SECRET_KEY", Via: "envFrom"}},
		{Name: "FLAG", Value: "a", Known: true, Source: targets.EnvSource{Kind: targets.SourceConfigMap, Name: "cfg", Key: "FLAG", Via: "envFrom"}},
		{Name: "TOKEN", Value: "ext", Known: true, Source: targets.EnvSource{Kind: targets.SourceSecret, Name: "ext", Key: "TOKEN", ManagedBy: "ExternalSecret ext"}},
		{Name: "MODE", Value: "x", Known: true, Source: targets.EnvSource{Kind: targets.SourceSpec, Name: "web"}},
		{Name: "BLOB", Value: "\xff\x00\x01", Known: false, Source: targets.EnvSource{Kind: targets.SourceSecret, Name: "app", Key: "BLOB", Via: "envFrom"}},
	})}
}

func TestPlan(t *testing.T) {
	env := testEnv()
	d, ok := DefaultFor(env, true)
	if !ok || d.Kind != targets.SourceSecret || d.Name != "app" {
		t.Fatalf("default: %+v %v", d, ok)
	}
	cs, err := Plan(env, map[string]string{"SECRET_KEY": "new", "FLAG": "a", "NEW": "n"}, []string{"BLOB"}, &d)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(DiffLines(cs), "\n")
	want := "+NEW  sha " + targets.ValueHash("n") + ", 1 chars  → secret app/NEW\n" +
		"~SECRET_KEY  sha " + targets.ValueHash("old-secret-value") + "→" + targets.ValueHash("new") + "  (secret app/SECRET_KEY)\n" +
		"-BLOB  (secret app/BLOB)"
	if got != want {
		t.Errorf("diff:\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "old-secret-value") || strings.Contains(got, "=new") {
		t.Error("a value in the diff")
	}
	for _, c := range cs {
		if c.Key == "SECRET_KEY" && (!c.HadOld || c.Old != "old-secret-value") {
			t.Errorf("the old value is what concurrency checks against: %+v", c)
		}
	}
	// Refusals, all reported at once, nothing planned.
	_, err = Plan(env, map[string]string{"TOKEN": "t", "MODE": "y"}, []string{"GONE"}, &d)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"managed by ExternalSecret ext", "container spec", "GONE: not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no %q in %v", want, err)
		}
	}
	if _, err := Plan(env, map[string]string{"NEW": "n"}, nil, nil); err == nil || !strings.Contains(err.Error(), "--secret") {
		t.Errorf("a new key without a destination: %v", err)
	}
	if _, ok := DefaultFor(&targets.Environ{}, true); ok {
		t.Error("a default on kubernetes without an envFrom object")
	}
}

func TestCheckValues(t *testing.T) {
	cs := []targets.EnvChange{{Key: "DEBUG", New: "True"}, {Key: "SECRET_KEY", New: "short"}, {Key: "ALLOWED_HOSTS", New: "a.example.com,*"},
		{Key: "DJANGO_DEBUG", New: "false"}, {Key: "SECRET_KEY", Delete: true}}
	ws := CheckValues(cs)
	if len(ws) != 3 {
		t.Fatalf("%+v", ws)
	}
	for _, w := range ws {
		if strings.Contains(w.Msg, "short") || strings.Contains(w.Msg, "a.example.com") {
			t.Errorf("a value in %q", w.Msg)
		}
	}
	long := strings.Repeat("abcdefghij", 6)
	if ws := CheckValues([]targets.EnvChange{{Key: "SECRET_KEY", New: long}, {Key: "DEBUG", New: "0"}}); len(ws) != 0 {
		t.Errorf("%+v", ws)
	}
}

func TestEditTextRoundTrip(t *testing.T) {
	env := testEnv()
	env.Vars = append(env.Vars, targets.EnvVar{Name: "QUOTED", Value: "it's a \"test\"\nline2", Known: true,
		Source: targets.EnvSource{Kind: targets.SourceSecret, Name: "app", Key: "QUOTED"}})
	env.Vars = targets.SortVars(env.Vars)
	text := string(EditText("qa", env, map[string]string{"FLAG": "a note"}))
	if !strings.Contains(text, "BLOB=ctl-base64:/wAB") || !strings.Contains(text, "# a note\n# configmap cfg/FLAG\nFLAG=a") {
		t.Fatalf("text:\n%s", text)
	}
	if strings.Contains(text, "TOKEN=") || !strings.Contains(text, "# TOKEN — not editable here") {
		t.Errorf("a managed key is editable:\n%s", text)
	}
	vals, err := ParseEditText([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	set, unset := FromEdit(env, vals)
	if len(set) != 0 || len(unset) != 0 {
		t.Errorf("an untouched text changes things: %v %v", set, unset)
	}
	// Delete a line, change one, add one; touching a managed key is refused by Plan.
	edited := strings.Replace(text, "FLAG=a\n", "FLAG=b\n", 1)
	edited = strings.Replace(edited, "SECRET_KEY=old-secret-value\n", "", 1) + "NEW=1\nTOKEN=mine\n"
	vals, err = ParseEditText([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	set, unset = FromEdit(env, vals)
	if set["FLAG"] != "b" || set["NEW"] != "1" || set["TOKEN"] != "mine" || len(unset) != 1 || unset[0] != "SECRET_KEY" {
		t.Errorf("set %v unset %v", set, unset)
	}
	if _, err := Plan(env, set, unset, &Default{Kind: targets.SourceSecret, Name: "app"}); err == nil {
		t.Error("the managed key was accepted")
	}
	if _, err := ParseEditText([]byte("BLOB=ctl-base64:!!!\n")); err == nil || strings.Contains(err.Error(), "!!!") {
		t.Errorf("bad base64: %v", err)
	}
	tok, _ := env.Lookup("TOKEN")
	var re *RefusedError
	if !errors.As(Editable(tok), &re) || !strings.Contains(re.Reason, "ExternalSecret ext") {
		t.Errorf("TOKEN: %v", Editable(tok))
	}
}
