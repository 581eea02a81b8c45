package front

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/root"
	"github.com/ctlops/ctl/cmd/rootbase"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
)

func fullTree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	return root.NewCmdRoot(cmdutil.New(ios))
}

// The committed verb table is what gen-docs would write now.
func TestVerbsUpToDate(t *testing.T) {
	want, err := GenerateVerbs(fullTree())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("verbs_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("cmd/front/verbs_gen.go is stale: run `make docs` (go run ./cmd/gen-docs)\nwant:\n%s", want)
	}
}

// Every command of the whole tree is in the front, lean or delegated,
// and `ctl --help` reads the same from both binaries.
func TestFrontHelpMatchesFull(t *testing.T) {
	help := func(c *cobra.Command) string {
		var b strings.Builder
		c.SetOut(&b)
		c.SetErr(&b)
		c.InitDefaultHelpCmd()
		c.InitDefaultCompletionCmd()
		if err := c.Help(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	ios, _, _, _ := iostreams.Test()
	fr := NewCmdRoot(cmdutil.New(ios), func(*cobra.Command) error { return errors.New("no hand-over in this test") })
	if got, want := help(fr), help(fullTree()); got != want {
		t.Errorf("ctl --help differs between the front and ctl-full:\nfront:\n%s\nfull:\n%s", got, want)
	}
	names := map[string]bool{}
	for _, c := range fr.Commands() {
		names[c.Name()] = true
	}
	for _, c := range fullTree().Commands() {
		if !names[c.Name()] {
			t.Errorf("%s is in ctl-full but not in the front", c.Name())
		}
	}
}

// A delegated verb, its help and its completion reach the delegate;
// lean commands do not.
func TestStubsDelegate(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"shell", "local", "--container", "web"}, true},
		{[]string{"shell", "--help"}, true},
		{[]string{"help", "dbshell"}, true},
		{[]string{"--config", "x.yaml", "exec", "qa", "--", "ls", "-l"}, true},
		{[]string{"version"}, false},
		{[]string{"help", "env"}, false},
	} {
		ios, _, _, _ := iostreams.Test()
		called := false
		fr := NewCmdRoot(cmdutil.New(ios), func(*cobra.Command) error { called = true; return nil })
		if _, err := rootbase.Run(context.Background(), fr, tt.args); err != nil {
			t.Errorf("%v: %v", tt.args, err)
		}
		if called != tt.want {
			t.Errorf("%v: delegated = %v, want %v", tt.args, called, tt.want)
		}
	}
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"__complete", "shell", ""}, true},
		{[]string{"__complete", "--config", "c.yaml", "exec", "q"}, true},
		{[]string{"__complete", "sh"}, false}, // completing the verb itself
		{[]string{"__complete", "env", "show", ""}, false},
		{[]string{"__completeNoDesc", "dbshell", ""}, true},
		{[]string{"shell", "qa"}, false},
	} {
		if got := completesDelegated(tt.args); got != tt.want {
			t.Errorf("completesDelegated(%v) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestFindFull(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "bin", "ctl")
	libexec := filepath.Join(dir, "libexec", "ctl", FullName)
	for _, p := range []string{exe, libexec} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	none := func(string) string { return "" }
	noPath := func(string) (string, error) { return "", exec.ErrNotFound }
	self := func() (string, error) { return exe, nil }
	if p, err := FindFull(none, self, noPath); err != nil || p != libexec {
		t.Errorf("libexec layout: %q, %v", p, err)
	}
	next := filepath.Join(dir, "bin", FullName)
	if err := os.WriteFile(next, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := FindFull(none, self, noPath); err != nil || p != next {
		t.Errorf("next to ctl wins: %q, %v", p, err)
	}
	env := func(k string) string {
		if k == FullEnv {
			return libexec
		}
		return ""
	}
	if p, err := FindFull(env, self, noPath); err != nil || p != libexec {
		t.Errorf("$CTL_FULL wins: %q, %v", p, err)
	}
	elsewhere := func() (string, error) { return filepath.Join(t.TempDir(), "ctl"), nil }
	_, err := FindFull(none, elsewhere, noPath)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !strings.Contains(nf.Hint(), "go install github.com/ctlops/ctl/cmd/ctl-full@") {
		t.Errorf("missing ctl-full: %v", err)
	}
}

// The real binaries: the front answers lean commands itself and hands the
// rest over with argv, stdin, exit code and environment intact.
func TestHandOverEndToEnd(t *testing.T) {
	ctl := testenv.Ctl(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manage.py"), []byte("#\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(env []string, args ...string) (string, string, int) {
		cmd := exec.Command(ctl, args...)
		cmd.Dir = dir
		cmd.Env = testenv.CleanEnv(env...)
		return testenv.Run(t, cmd, "from stdin\n")
	}
	// exec local hands over: stdin streams, the child's code comes back.
	out, errOut, code := run(nil, "exec", "local", "--", "sh", "-c", "cat; echo argv=$0 $1; exit 7", "a b", "c")
	if code != 7 || !strings.Contains(out, "from stdin") || !strings.Contains(out, "argv=a b c") {
		t.Errorf("exec through the front: code %d, out %q, err %q", code, out, errOut)
	}
	// the version handshake variable does not reach the session's child
	out, _, _ = run(nil, "exec", "local", "--", "sh", "-c", "echo ${"+build.FrontVersionEnv+"-unset}")
	if strings.TrimSpace(out) != "unset" {
		t.Errorf("%s leaked into the child: %q", build.FrontVersionEnv, out)
	}
	// a stale handshake in ctl's own environment is replaced, not believed
	_, errOut, _ = run([]string{build.FrontVersionEnv + "=ctl version v0.0.1"}, "exec", "local", "--", "true")
	if strings.Contains(errOut, "warning") {
		t.Errorf("the front passed on a handshake it did not set: %q", errOut)
	}
	// ctl-full warns when the front that called it is another build
	cmd := exec.Command(filepath.Join(filepath.Dir(ctl), "ctl-full"), "exec", "local", "--", "true")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv(build.FrontVersionEnv + "=ctl version v0.0.1")
	if b, _ := cmd.CombinedOutput(); !strings.Contains(string(b), `warning: ctl is "ctl version v0.0.1"`) {
		t.Errorf("no warning for a mismatched front: %q", b)
	}
	// without ctl-full, a delegated verb says how to install it (exit 255 for a session verb)
	lone := filepath.Join(t.TempDir(), "ctl")
	data, err := os.ReadFile(ctl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(lone, "shell", "local")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("PATH=/usr/bin:/bin")
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 255 || !strings.Contains(string(b), "ctl-full not found") || !strings.Contains(string(b), "go install") {
		t.Errorf("lone front: %v\n%s", err, b)
	}
	// and lean commands still work there
	cmd = exec.Command(lone, "env", "list")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("PATH=/usr/bin:/bin")
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "local") {
		t.Errorf("lone front env list: %v\n%s", err, b)
	}
}

// The front stays lean: none of the packages whose initialisation the
// split exists to avoid may creep into ctl's dependency graph.
func TestFrontLinksNothingHeavy(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/ctl")
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, heavy := range []string{"k8s.io/", "github.com/jackc/pgx", "charm.land/huh", "charm.land/bubbletea", "charm.land/bubbles", "github.com/ctlops/ctl/targets/kube", "github.com/ctlops/ctl/shells"} {
			if strings.HasPrefix(pkg, heavy) {
				t.Errorf("cmd/ctl links %s (from %s...): it belongs in ctl-full", pkg, heavy)
			}
		}
	}
}
