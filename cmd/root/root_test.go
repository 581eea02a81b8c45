package root

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

// factory builds a test factory rooted in dir with the given environment.
func factory(t *testing.T, dir string, vars map[string]string) (*cmdutil.Factory, *strings.Builder, *strings.Builder) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	getenv := func(k string) string { return vars[k] }
	k8s := &kube.Driver{Conns: kube.NewConnections(getenv)}
	f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(k8s, local.Driver{}, ssh.Driver{}, k8s), Kube: k8s.Conns})
	f.Getenv = getenv
	f.Environ = func() []string { return []string{"PATH=/usr/bin:/bin"} }
	f.Cwd = func() (string, error) { return dir, nil }
	o, e := &strings.Builder{}, &strings.Builder{}
	t.Cleanup(func() { o.WriteString(out.String()); e.WriteString(errOut.String()) })
	ios.Out, ios.ErrOut = o, e
	return f, o, e
}

func project(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manage.py"), []byte("#\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestExitCodes(t *testing.T) {
	good := "environments:\n  qa:\n    target: kubernetes\n    namespace: myapp-qa\n"
	tests := []struct {
		name     string
		yaml     string
		args     []string
		code     int
		inStderr string
	}{
		{"version", "", []string{"--version"}, 0, ""},
		{"unknown command", "", []string{"shel"}, 2, `unknown command "shel"`},
		{"unknown flag", "", []string{"env", "list", "--bogus"}, 2, "unknown flag: --bogus"},
		{"bad json field", "", []string{"env", "list", "--json=nmae"}, 2, `unknown JSON field "nmae"; available fields: name, target`},
		{"json field without =", "", []string{"env", "list", "--json", "name"}, 2, `to select JSON fields write --json=name`},
		{"env show unknown", good, []string{"env", "show", "q"}, 2, "known environments: local, qa"},
		{"env show typo", good, []string{"env", "show", "qaa"}, 2, `unknown environment "qaa" (did you mean "qa"?)`},
		{"bad config", "environments:\n  local:\n    pyhton: x\n", []string{"env", "list"}, 2, `ctl.yaml:3:5: unknown key "pyhton"`},
		{"passthrough: bad config is 255", "environments:\n  local:\n    pyhton: x\n", []string{"exec", "local", "--", "true"}, 255, `ctl.yaml:3:5`},
		{"passthrough: usage is 255", "", []string{"exec", "local"}, 255, "missing command after --"},
		{"passthrough: missing env", "", []string{"shell"}, 255, "missing environment name"},
		{"passthrough: ctl's own failure", "environments:\n  vm:\n    target: ssh\n    hosts: [web1]\n", []string{"shell", "vm", "--host", "web9"}, 255, `environment "vm" has no host "web9"`},
		{"kube: missing context", "environments:\n  qa:\n    target: kubernetes\n    context: nope\n", []string{"shell", "qa"}, 255, `kubeconfig has no context "nope"`},
		{"exec without dash", "", []string{"exec", "local", "ls", "-l"}, 255, "the command's after it: ctl exec ENV [flags] -- COMMAND"},
		{"exec two words without dash", "", []string{"exec", "local", "ls", "x"}, 255, "put the command after --"},
		{"help after the env", "", []string{"exec", "local", "--help"}, 0, ""},
		{"unknown env subcommand", "", []string{"env", "bogus"}, 2, `unknown command "bogus" for "ctl env"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, tt.yaml)
			f, _, errOut := factory(t, dir, map[string]string{})
			code := Execute(context.Background(), f, tt.args)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut.String(), tt.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inStderr, errOut)
			}
		})
	}
}

// Only usage errors end with "Run 'ctl X --help' for usage." (issue 20):
// the production guard refusing off a terminal is not one, nor is an
// unknown environment or a configuration error.
func TestUsageLineOnlyForUsageErrors(t *testing.T) {
	protected := "environments:\n  local:\n    protected: true\n    python: /usr/bin/python3\n"
	tests := []struct {
		name      string
		yaml      string
		args      []string
		inStderr  string
		usageLine bool
	}{
		{"guard refusal off a terminal", protected, []string{"exec", "local", "--", "true"}, "refusing to run without a terminal; pass --yes", false},
		{"unknown environment", "", []string{"exec", "nope", "--", "true"}, `unknown environment "nope"`, false},
		{"bad config", "environments:\n  local:\n    pyhton: x\n", []string{"env", "list"}, `unknown key "pyhton"`, false},
		{"missing command", "", []string{"exec", "local"}, "missing command after --", true},
		{"unknown flag", "", []string{"env", "list", "--bogus"}, "unknown flag: --bogus", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := factory(t, project(t, tt.yaml), map[string]string{})
			if code := Execute(context.Background(), f, tt.args); code == 0 {
				t.Fatalf("exit 0; stderr:\n%s", errOut)
			}
			if !strings.Contains(errOut.String(), tt.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inStderr, errOut)
			}
			if got := strings.Contains(errOut.String(), "--help' for usage."); got != tt.usageLine {
				t.Errorf("usage line printed: %v, want %v; stderr:\n%s", got, tt.usageLine, errOut)
			}
		})
	}
}

func TestCancelledContextIs130(t *testing.T) {
	dir := project(t, "")
	f, _, _ := factory(t, dir, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// env list does not fail on a cancelled context by itself; audit-like
	// commands do. Here the error path: an unknown env under cancellation.
	if code := Execute(ctx, f, []string{"env", "show", "nope"}); code != 130 {
		t.Fatalf("exit %d, want 130", code)
	}
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		dir := project(t, "")
		f, out, errOut := factory(t, dir, nil)
		if code := Execute(context.Background(), f, []string{"completion", sh}); code != 0 {
			t.Fatalf("%s: exit %d: %s", sh, code, errOut)
		}
		if !strings.Contains(out.String(), "ctl") || len(out.String()) < 500 {
			t.Fatalf("%s completion looks empty: %q", sh, out.String())
		}
	}
}
