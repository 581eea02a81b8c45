package config_test

// ctl config on a local environment: .env read and written through
// internal/atomicfile, and the editor flow at a real terminal (tmux) with
// EDITOR a script and the confirmation typed.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

type localEnv struct {
	dir, home, envFile string
	env                []string
}

func newLocal(t *testing.T, dotenv string) *localEnv {
	t.Helper()
	l := &localEnv{dir: testenv.ExampleProject(t), home: t.TempDir()}
	l.envFile = filepath.Join(l.dir, ".env")
	if err := os.WriteFile(filepath.Join(l.dir, "ctl.yaml"), []byte("app: mysite\nenvironments:\n  dev:\n    target: local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.envFile, []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	l.env = testenv.CleanEnv("HOME="+l.home, "XDG_STATE_HOME="+filepath.Join(l.home, "state"))
	return l
}

func (l *localEnv) run(t *testing.T, stdin string, extra []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir, cmd.Env = l.dir, append(append([]string{}, l.env...), extra...)
	return testenv.Run(t, cmd, stdin)
}

func TestConfigLocal(t *testing.T) {
	secret := random(t, "sk-", 32)
	l := newLocal(t, "# dev\nSECRET_KEY="+secret+"\nDEBUG=0\n")
	stdout, stderr, code := l.run(t, "", nil, "config", "dev")
	if code != 0 || !strings.Contains(stdout, "SECRET_KEY") || !strings.Contains(stdout, l.envFile+":2") || strings.Contains(stdout+stderr, secret) {
		t.Fatalf("view: exit %d: %s %s", code, stdout, stderr)
	}
	// Without --yes and without a terminal: refused, the file unchanged.
	_, stderr, code = l.run(t, "", nil, "config", "set", "dev", "DEBUG=1")
	if code == 0 || !strings.Contains(stderr, "pass --yes") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, stderr, code = l.run(t, "", nil, "config", "set", "dev", "DEBUG=1", "EXTRA=a b", "--yes")
	if code != 0 || !strings.Contains(stderr, "DEBUG would be true") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(l.envFile)
	if string(b) != "# dev\nSECRET_KEY="+secret+"\nDEBUG=1\nEXTRA='a b'\n" {
		t.Errorf(".env:\n%s", b)
	}
	// Bad input: nothing written, the error names the key, not the value.
	_, stderr, code = l.run(t, "", nil, "config", "set", "dev", "bad-key=x", "--yes")
	if code == 0 || !strings.Contains(stderr, `"bad-key" is not a valid variable name`) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, stderr, code = l.run(t, "", nil, "config", "unset", "dev", "NOPE", "--yes")
	if code == 0 || !strings.Contains(stderr, "NOPE: not set") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b2, _ := os.ReadFile(l.envFile); string(b2) != string(b) {
		t.Error("the file changed after refused input")
	}
	if strings.Contains(stderr, secret) {
		t.Error("the secret in stderr")
	}
}

func TestConfigEditTmux(t *testing.T) {
	secret := random(t, "sk-", 32)
	l := newLocal(t, "SECRET_KEY="+secret+"\nDEBUG=0\n")
	ed := writeScript(t, `grep -q "^# ctl config edit dev" "$1"
sed -i -e "/^DEBUG=/d" -e '$a NEW_KEY=from-editor' "$1"
`)
	tmp := t.TempDir()
	env := append(append([]string{}, l.env...), "EDITOR="+ed, "TMPDIR="+tmp, "TERM=xterm-256color", "LANG=C.UTF-8")
	m := testenv.StartTmux(t, l.dir, env, 120, 30, testenv.Ctl(t), "config", "edit", "dev")
	m.WaitForText("Write 2 change(s) to dev?")
	screen := m.Screen()
	for _, want := range []string{"-DEBUG", "+NEW_KEY"} {
		if !strings.Contains(screen, want) {
			t.Errorf("no %q on the screen:\n%s", want, screen)
		}
	}
	m.Type("y")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, m.Screen())
	}
	b, _ := os.ReadFile(l.envFile)
	if string(b) != "SECRET_KEY="+secret+"\nNEW_KEY=from-editor\n" {
		t.Errorf(".env:\n%s", strings.ReplaceAll(string(b), secret, "<SECRET>"))
	}
	if strings.Contains(m.Screen(), secret) {
		t.Error("the secret on the screen")
	}
	// The editor's file is gone with its private directory.
	if left, _ := filepath.Glob(filepath.Join(tmp, "ctl-config-edit-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	testenv.AssertSecretNotInFiles(t, secret, testenv.TempRoots(tmp), append(testenv.OthersSecretHolders(t), l.envFile)...)
}

func TestConfigProtectedLocal(t *testing.T) {
	secret := random(t, "sk-", 32)
	l := newLocal(t, "SECRET_KEY="+secret+"\nDEBUG=0\n")
	if err := os.WriteFile(filepath.Join(l.dir, "ctl.yaml"), []byte("app: mysite\nenvironments:\n  prodlike:\n    target: local\n    protected: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// --reveal without a terminal and without --yes: refused, nothing printed.
	stdout, stderr, code := l.run(t, "", nil, "config", "get", "prodlike", "SECRET_KEY", "--reveal")
	if code == 0 || strings.Contains(stdout, secret) || !strings.Contains(stderr, "protected") {
		t.Fatalf("exit %d: %d bytes on stdout: %s", code, len(stdout), stderr)
	}
	stdout, stderr, code = l.run(t, "", nil, "config", "get", "prodlike", "SECRET_KEY", "--reveal", "--yes")
	if code != 0 || strings.TrimSpace(stdout) != secret || !strings.Contains(stderr, "PRODUCTION") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// A value the audit warns about: refused on a protected environment without --force.
	_, stderr, code = l.run(t, "", nil, "config", "set", "prodlike", "DEBUG=true", "--yes")
	if code == 0 || !strings.Contains(stderr, "--force") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(l.envFile); !strings.Contains(string(b), "DEBUG=0") {
		t.Fatal("written without --force")
	}
	_, stderr, code = l.run(t, "", nil, "config", "set", "prodlike", "DEBUG=true", "--yes", "--force")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(l.envFile); !strings.Contains(string(b), "DEBUG=true") {
		t.Fatal("not written with --force")
	}
	type rec struct {
		Verb    string   `json:"verb"`
		Command []string `json:"command"`
		Exit    int      `json:"exitCode"`
	}
	recs := testenv.ReadTrail[rec](t, l.home)
	verbs := []string{}
	for _, r := range recs {
		verbs = append(verbs, r.Verb)
		if strings.Contains(strings.Join(r.Command, " "), secret) {
			t.Fatal("a value in the trail")
		}
	}
	if strings.Join(verbs, ",") != "config get --reveal,config get --reveal,config set" {
		t.Errorf("trail verbs: %v", verbs)
	}
}

func TestConfigSetBadArguments(t *testing.T) {
	l := newLocal(t, "A=1\n")
	for _, tt := range []struct {
		arg, want string
	}{
		{"=hunter2-secret", `argument 2: no KEY before "="`},
		{"NOVALUE", `"NOVALUE": expected KEY=VALUE`},
	} {
		_, stderr, code := l.run(t, "", nil, "config", "set", "dev", tt.arg, "--yes")
		if code != 2 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "hunter2") {
			t.Errorf("%s: exit %d: %s", tt.arg, code, stderr)
		}
	}
	_, stderr, code := l.run(t, "", nil, "config", "set", "dev", "A=1", "A=2", "--yes")
	if code != 2 || !strings.Contains(stderr, "A is given twice") {
		t.Errorf("twice: exit %d: %s", code, stderr)
	}
}

// TestConfigAuditRules: with the project at hand, the audit evaluates the
// settings with the values before and after: unsetting DEBUG, whose
// default in the example's settings is True, is a new security.W018
// although no new value says "true".
func TestConfigAuditRules(t *testing.T) {
	key := random(t, "sk-", 40)
	l := newLocal(t, "DEBUG=False\nSECRET_KEY="+key+"\nALLOWED_HOSTS=app.example.com\n")
	_, stderr, code := l.run(t, "", nil, "config", "unset", "dev", "DEBUG", "--yes")
	if code != 0 || !strings.Contains(stderr, "security.W018") || strings.Contains(stderr, key) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Unchanged rules are not repeated: the key stays long, no W009.
	_, stderr, code = l.run(t, "", nil, "config", "set", "dev", "ALLOWED_HOSTS=other.example.com", "--yes")
	if code != 0 || strings.Contains(stderr, "security.W") || strings.Contains(stderr, "ctl.") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
