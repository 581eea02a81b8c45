package doctor

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		tty     bool
		wantErr string
	}{
		{"plain run", nil, false, ""},
		{"yes without fix", []string{"--yes"}, false, "--yes applies fixes: use it with --fix"},
		{"fix off a terminal", []string{"--fix"}, false, "--fix asks before each fix, and this is not a terminal"},
		{"fix on a terminal", []string{"--fix"}, true, ""},
		{"fix yes off a terminal", []string{"--fix", "--yes"}, false, ""},
		{"dry run", []string{"--dry-run"}, false, ""},
		{"unknown check", []string{"--check", "kube.rabc"}, false, `unknown check "kube.rabc" (did you mean "kube.rbac"?)`},
		{"bad timeout", []string{"--timeout", "0s"}, false, "--timeout must be positive"},
		{"list with env", []string{"--list", "qa"}, false, "--list takes no environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetStdinTTY(tt.tty)
			ios.SetStdoutTTY(tt.tty)
			f := &cmdutil.Factory{IOStreams: ios}
			var got *Options
			cmd := NewCmdDoctor(f, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr == "" {
				if err != nil || got == nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			if cmdutil.ExitCode(err, false) != cmdutil.ExitUsage {
				t.Errorf("exit %d, want 2", cmdutil.ExitCode(err, false))
			}
		})
	}
}

type result struct {
	stdout, stderr string
	code           int
}

// env is a clean environment for the binary: no KUBECONFIG (so HOME's
// ~/.kube/config counts), a temp HOME unless given.
func env(extra ...string) []string {
	var out []string
	for _, kv := range testenv.CleanEnv() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "SHELL=") &&
			!strings.HasPrefix(kv, "EDITOR=") && !strings.HasPrefix(kv, "VISUAL=") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

func ctl(t *testing.T, dir string, environ []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = dir
	cmd.Env = environ
	out, errOut, code := testenv.Run(t, cmd, "")
	return result{out, errOut, code}
}

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// loopbackKubeconfig points at a closed port on loopback (refused at once).
const loopbackKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: not-a-secret}
contexts:
- name: staging
  context: {cluster: c1, user: u1}
current-context: staging
`

// workstation is a temp HOME with a 0644 kubeconfig, and a project
// whose ctl.yaml has a Kubernetes environment and an .env.example.
func workstation(t *testing.T) (home, dir, kubeconfig string) {
	home, dir = t.TempDir(), t.TempDir()
	kubeconfig = filepath.Join(home, ".kube", "config")
	writeFile(t, kubeconfig, loopbackKubeconfig, 0o644)
	writeFile(t, filepath.Join(dir, "ctl.yaml"), "environments:\n  qa:\n    target: kubernetes\n    namespace: myapp-qa\n", 0o644)
	writeFile(t, filepath.Join(dir, "manage.py"), "", 0o644)
	writeFile(t, filepath.Join(dir, ".env.example"), "DEBUG=1\n", 0o644)
	return home, dir, kubeconfig
}

func TestFixYesRepairsTheKubeconfigAndChecksAgain(t *testing.T) {
	home, dir, kc := workstation(t)
	r := ctl(t, dir, env("HOME="+home), "doctor", "--check", "workstation.kubeconfig")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "fail\tWorkstation\tworkstation.kubeconfig\t\t"+kc+" is 0644") {
		t.Fatalf("before: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ctl(t, dir, env("HOME="+home), "doctor", "--check", "workstation.kubeconfig", "--fix", "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"chmod 600 " + kc, "fixed; checked again", "pass\tWorkstation\tworkstation.kubeconfig"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if st, _ := os.Stat(kc); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	// Nothing outside the plan changed.
	if _, err := os.Stat(filepath.Join(dir, ".env")); err == nil {
		t.Error(".env was created by a fix that did not plan it")
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	home, dir, kc := workstation(t)
	r := ctl(t, dir, env("HOME="+home, "SHELL=/bin/bash"), "doctor", "--dry-run", "--check", "workstation.kubeconfig,config.dotenv,workstation.completion")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Fixes (dry run: nothing is changed)", "chmod 600 " + kc, "create " + filepath.Join(dir, ".env") + " as a copy of",
		"append a marked block to " + filepath.Join(home, ".bashrc")} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if st, _ := os.Stat(kc); st.Mode().Perm() != 0o644 {
		t.Error("dry run changed the kubeconfig")
	}
	if _, err := os.Stat(filepath.Join(home, ".bashrc")); err == nil {
		t.Error("dry run wrote .bashrc")
	}
}

func TestListAndUsage(t *testing.T) {
	dir := t.TempDir()
	r := ctl(t, dir, env("HOME="+t.TempDir()), "doctor", "--list")
	if r.code != 0 || !strings.Contains(r.stdout, "kube.rbac\tkubernetes environments\t") || strings.Count(r.stdout, "\n") != 22 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ctl(t, dir, env("HOME="+t.TempDir()), "doctor", "--fix")
	if r.code != 2 || !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	r = ctl(t, dir, env("HOME="+t.TempDir()), "doctor", "nope")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown environment "nope"`) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

func TestJSONFollowsTheSchema(t *testing.T) {
	home, dir, _ := workstation(t)
	r := ctl(t, dir, env("HOME="+home, "SHELL=/bin/bash"), "doctor", "--json", "--timeout", "2s")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	doc := validateJSON(t, []byte(r.stdout))
	if doc["ok"] != false {
		t.Errorf("ok = %v", doc["ok"])
	}
	// With fixes applied, the report says what happened.
	r = ctl(t, dir, env("HOME="+home, "SHELL=/bin/bash"), "doctor", "--json", "--fix", "--yes", "--check", "workstation.kubeconfig,config.dotenv,workstation.completion")
	doc = validateJSON(t, []byte(r.stdout))
	fixes, _ := doc["fixes"].([]any)
	if r.code != 0 || len(fixes) != 3 {
		t.Fatalf("exit %d fixes %v\n%s", r.code, fixes, r.stderr)
	}
	for _, f := range fixes {
		if m := f.(map[string]any); m["outcome"] != "applied" || m["status"] != "pass" {
			t.Errorf("fix %v", m)
		}
	}
}

func TestJSONAgainstTheSandbox(t *testing.T) {
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ctl.yaml"), fmt.Sprintf("environments:\n  qa:\n    target: kubernetes\n    namespace: %s\n", ns), 0o644)
	r := ctl(t, dir, env("HOME="+t.TempDir(), "KUBECONFIG="+sb.Kubeconfig), "doctor", "qa", "--json")
	doc := validateJSON(t, []byte(r.stdout))
	status := map[string]string{}
	for _, c := range doc["checks"].([]any) {
		m := c.(map[string]any)
		status[m["id"].(string)] = m["status"].(string)
	}
	if status["kube.api"] != "pass" || status["kube.namespace"] != "pass" || status["kube.rbac"] != "pass" || status["kube.pods"] != "fail" {
		t.Fatalf("statuses %v\n%s", status, r.stdout)
	}
	if r.code != 1 {
		t.Errorf("exit %d with a failed check", r.code)
	}
}

// The interactive flow, as a person at a terminal: the first fix is
// declined, the second accepted; the declined one still fails.
func TestTmuxFixAsksPerFix(t *testing.T) {
	home, dir, kc := workstation(t)
	environ := env("HOME="+home, "TERM=xterm-256color", "LANG=C.UTF-8")
	m := testenv.StartTmux(t, dir, environ, 110, 40, testenv.Ctl(t), "doctor", "--fix", "--check", "workstation.kubeconfig,config.dotenv")
	m.WaitForText("Fix 1 of 2")
	m.WaitForText("Apply this fix?")
	m.Keys("Down") // "No, skip it"
	m.Keys("Enter")
	m.WaitForText("Fix 2 of 2")
	m.WaitFor("the second question", func(s string) bool {
		return strings.Count(s, "Apply this fix?") >= 2 || strings.Contains(s, "skipped") && strings.Contains(s, "copy .env.example")
	})
	m.Keys("Enter") // "Yes, apply it"
	code := m.ExitCode()
	screen := m.Screen()
	if code != 1 {
		t.Fatalf("exit %d (the declined kubeconfig fix leaves a failure)\n%s", code, screen)
	}
	for _, want := range []string{"skipped", "fixed; checked again", "✓ config.dotenv", "chmod 600 " + kc} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if st, _ := os.Stat(kc); st.Mode().Perm() != 0o644 {
		t.Error("the declined fix ran")
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".env")); err != nil || string(b) != "DEBUG=1\n" {
		t.Errorf(".env: %q %v", b, err)
	}
}

// An ssh environment against real sshd hosts: web1 is healthy, down's
// port is closed; the JSON follows the schema, and the checks name them.
func TestJSONOnAnSSHEnvironment(t *testing.T) {
	f := testenv.StartSSHFleet(t, "web1")
	port := closedLoopbackPort(t)
	cfg, err := os.ReadFile(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, fmt.Sprintf("Host down\n  HostName 127.0.0.1\n  Port %d\n  IdentityFile %s\n  UserKnownHostsFile %s\n", port, f.Key.Private, f.KnownHosts)...)
	writeFile(t, f.Config, string(cfg), 0o600)
	dir, proj := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(dir, "ctl.yaml"), fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    roles:\n      web: [web1, down]\n    dir: %s\n", f.Config, proj), 0o644)
	environ := env("HOME="+t.TempDir(), "SSH_AUTH_SOCK=", "CTL_SSH_CONTROL_DIR=none")

	r := ctl(t, dir, environ, "doctor", "vm", "--json", "--check", "workstation.ssh,ssh.host,ssh.key,ssh.dir")
	doc := validateJSON(t, []byte(r.stdout))
	got := map[string]string{}
	for _, c := range doc["checks"].([]any) {
		m := c.(map[string]any)
		subject, _ := m["subject"].(string)
		got[m["id"].(string)+"/"+subject] = m["status"].(string) + ": " + m["message"].(string)
	}
	want := map[string]string{
		"workstation.ssh/": "pass: ssh at ",
		"ssh.host/web1":    fmt.Sprintf("pass: 127.0.0.1:%d answers: SSH-2.0-OpenSSH", f.Hosts[0].Port),
		"ssh.key/web1":     "pass: " + f.Hosts[0].User + "@web1 accepts your key",
		"ssh.dir/web1":     "pass: " + proj + " exists on web1",
		"ssh.host/down":    fmt.Sprintf("fail: cannot reach down (127.0.0.1 port %d): connection refused", port),
		"ssh.key/down":     "skip: skipped: ssh.host did not pass",
		"ssh.dir/down":     "skip: skipped: ssh.key did not pass",
	}
	if len(got) != len(want) {
		t.Errorf("checks %v", got)
	}
	for k, w := range want {
		if !strings.HasPrefix(got[k], w) {
			t.Errorf("%s: %q, want %q...", k, got[k], w)
		}
	}
	if r.code != 1 || doc["ok"] != false {
		t.Errorf("exit %d ok %v with a failed check\n%s", r.code, doc["ok"], r.stderr)
	}
	// Only the healthy host: everything passes, exit 0.
	writeFile(t, filepath.Join(dir, "ctl.yaml"), fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [web1]\n    dir: %s\n", f.Config, proj), 0o644)
	r = ctl(t, dir, environ, "doctor", "vm", "--json", "--check", "ssh.host,ssh.key,ssh.dir")
	doc = validateJSON(t, []byte(r.stdout))
	if r.code != 0 || doc["ok"] != true || doc["summary"].(map[string]any)["pass"] != 3.0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func closedLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
