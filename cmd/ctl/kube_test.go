package main_test

// ctl against the real sandbox control plane (scripts/sandbox/up.sh):
// kube-apiserver, etcd, controllers, a KWOK node and the project's fake
// kubelet, whose exec and port-forward reach this machine.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

// deployApp deploys myapp for cmd/ctl's tests: web (2 pods, an nginx
// sidecar first, web the default container) and worker Deployments, with
// bash without rc files as the environment's shell.
func deployApp(t *testing.T, protected bool) *sandboxtest.App {
	t.Helper()
	return sandboxtest.DeployApp(t, sandboxtest.AppOptions{
		Protected: protected, Shell: "bash --norc --noprofile",
		WebReplicas: 2, Sidecar: true, Worker: true,
	})
}

// kubeTmuxEnv is the app's environment for a terminal in tmux.
func kubeTmuxEnv(a *sandboxtest.App) []string {
	return a.Env("TERM=xterm-256color", "LANG=C.UTF-8")
}

func TestKubeExec(t *testing.T) {
	a := deployApp(t, false)
	r := a.Run(t, "", "exec", "qa", "--", "sh", "-c", "echo $APP_ENV; exit 3")
	if r.Code != 3 || strings.TrimSpace(r.Stdout) != a.NS {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// Piped stdin reaches the command and its EOF ends it.
	r = a.Run(t, "abc\n", "exec", "qa", "--", "cat")
	if r.Code != 0 || r.Stdout != "abc\n" {
		t.Fatalf("cat: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// The default container comes from the annotation; -c picks another.
	r = a.Run(t, "", "exec", "qa", "-c", "nginx", "--", "true")
	if r.Code != 0 {
		t.Fatalf("-c nginx: exit %d: %s", r.Code, r.Stderr)
	}
	r = a.Run(t, "", "exec", "qa", "-c", "nope", "--", "true")
	if r.Code != 255 || !strings.Contains(r.Stderr, `has no container "nope" (it has: nginx, web)`) {
		t.Fatalf("-c nope: exit %d: %s", r.Code, r.Stderr)
	}
	r = a.Run(t, "", "manage", "qa", "--component", "worker", "--", "check")
	if r.Code != 0 || !strings.Contains(r.Stdout, "System check identified no issues") {
		t.Fatalf("manage check on worker: exit %d: %s %s", r.Code, r.Stdout, r.Stderr)
	}
	// The trail has the sessions, and the pod an Event.
	trail, err := os.ReadFile(filepath.Join(a.Home, "state", "ctl", "sessions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Env, Verb, Namespace, Pod, Container string
		ExitCode                             int
	}
	if err := json.Unmarshal([]byte(strings.SplitN(string(trail), "\n", 2)[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Env != "qa" || rec.Verb != "exec" || rec.Namespace != a.NS || !strings.HasPrefix(rec.Pod, "web-") || rec.Container != "web" || rec.ExitCode != 3 {
		t.Fatalf("trail record = %+v", rec)
	}
	evs, err := a.SB.Client.CoreV1().Events(a.NS).List(context.Background(), metav1.ListOptions{FieldSelector: "reason=CtlSession"})
	if err != nil || len(evs.Items) == 0 {
		t.Fatalf("no CtlSession event: %v", err)
	}
	if e := evs.Items[0]; e.InvolvedObject.Kind != "Pod" || !strings.Contains(e.Message, "ctl exec by") {
		t.Fatalf("event = %s %s", e.InvolvedObject.Name, e.Message)
	}
}

func TestKubeResolutionErrors(t *testing.T) {
	a := deployApp(t, false)
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(a.Dir, "ctl.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, cfg, want string }{
		{"missing namespace", "environments:\n  qa:\n    target: kubernetes\n    namespace: no-such-ns\n", `namespace "no-such-ns" does not exist`},
		{"no pods for component", "environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.NS + "\n    component: beat\n", `no pod of component "beat"`},
		{"selector matching two components", "environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.NS + "\n    components:\n      web: app.kubernetes.io/part-of=myapp\n", `matches pods of several components: web, worker`},
	}
	for _, tt := range tests {
		write(tt.cfg)
		r := a.Run(t, "", "exec", "qa", "--", "true")
		if r.Code != 255 || !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("%s: exit %d stderr %q, want %q", tt.name, r.Code, r.Stderr, tt.want)
		}
	}
	// No ready pod: a pod that never becomes ready (its node does not exist).
	_, err := a.SB.Client.CoreV1().Pods(a.NS).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "beat-0", Labels: map[string]string{"app.kubernetes.io/component": "beat"}},
		Spec:       corev1.PodSpec{NodeName: "no-such-node", Containers: []corev1.Container{{Name: "beat", Image: "x"}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	write("environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.NS + "\n    component: beat\n")
	r := a.Run(t, "", "exec", "qa", "--", "true")
	if r.Code != 255 || !strings.Contains(r.Stderr, `no ready pod for component "beat"`) || !strings.Contains(r.Stderr, "beat-0 Pending") {
		t.Errorf("no ready pod: exit %d stderr %q", r.Code, r.Stderr)
	}
	r = a.Run(t, "", "exec", "qq", "--", "true")
	if r.Code != 255 || !strings.Contains(r.Stderr, `(did you mean "qa"?)`) {
		t.Errorf("unknown env: exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestKubeRBACNamesTheMissingPermission(t *testing.T) {
	a := deployApp(t, false)
	viewerKC := a.SB.RestrictedKubeconfig(t, a.NS, "viewer", []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"get", "list"}}})
	a.Kubeconfig = viewerKC
	var r sandboxtest.Result
	for i := 0; i < 50; i++ { // RBAC changes reach the authorizer's cache within a moment
		r = a.Run(t, "", "exec", "qa", "--", "true")
		if strings.Contains(r.Stderr, "pods/exec") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.Code != 255 || !strings.Contains(r.Stderr, `may not create pods/exec in namespace "`+a.NS+`"`) {
		t.Fatalf("exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestKubeUnreachableAPI(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	body := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:%d\", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: x}\ncontexts:\n- name: down\n  context: {cluster: c, user: u}\ncurrent-context: down\n", port)
	if err := os.WriteFile(kc, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  qa:\n    target: kubernetes\n    namespace: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := ctl(t, dir, []string{"KUBECONFIG=" + kc}, "exec", "qa", "--", "true")
	want := fmt.Sprintf(`cannot reach the Kubernetes API of context "down" at https://127.0.0.1:%d`, port)
	if r.code != 255 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestTmuxKubeShell(t *testing.T) {
	a := deployApp(t, false)
	script := filepath.Join(t.TempDir(), "run.sh")
	sttyBefore, sttyAfter := filepath.Join(a.Dir, "stty.before"), filepath.Join(a.Dir, "stty.after")
	body := fmt.Sprintf("#!/bin/sh\nstty -a > %s\n%s shell qa\ncode=$?\nstty -a > %s\nexit $code\n", sttyBefore, testenv.Ctl(t), sttyAfter)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	env := kubeTmuxEnv(a)
	m := testenv.StartTmux(t, a.Dir, env, 100, 30, "/bin/sh", script)
	m.WaitForText("pod$")
	m.Type("echo $((6*7))")
	m.WaitFor("42", func(s string) bool { return regexp.MustCompile(`(?m)^42\s*$`).MatchString(s) })
	m.Type("tput cols")
	m.WaitFor("100 columns", func(s string) bool { return regexp.MustCompile(`(?m)^100\s*$`).MatchString(s) })
	m.Resize(132, 30)
	time.Sleep(300 * time.Millisecond)
	m.Type("tput cols")
	m.WaitFor("132 columns after resize", func(s string) bool { return regexp.MustCompile(`(?m)^132\s*$`).MatchString(s) })
	m.Type("exit 3")
	if code := m.ExitCode(); code != 3 {
		t.Fatalf("ctl exited %d, want 3\n%s", code, m.Screen())
	}
	before, _ := os.ReadFile(sttyBefore)
	after, _ := os.ReadFile(sttyAfter)
	// The size may differ (we resized); the modes must not.
	strip := regexp.MustCompile(`rows \d+; columns \d+;`)
	if strip.ReplaceAllString(string(before), "") != strip.ReplaceAllString(string(after), "") {
		t.Fatalf("terminal modes changed:\nbefore %s\nafter  %s", before, after)
	}
}

func TestTmuxKubePyShell(t *testing.T) {
	a := deployApp(t, false)
	if r := a.Run(t, "", "manage", "qa", "--", "migrate", "--noinput"); r.Code != 0 {
		t.Fatalf("migrate: %s %s", r.Stdout, r.Stderr)
	}
	m := testenv.StartTmux(t, a.Dir, kubeTmuxEnv(a), 120, 40, testenv.Ctl(t), "pyshell", "qa")
	m.WaitForText(">>>")
	m.Type(`from inventory.models import Widget; print("answer", Widget.objects.get(name="sprocket").quantity)`)
	m.WaitForText("answer 42")
	m.Type("exit()")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("ctl exited %d", code)
	}
}

func listening(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
	if err == nil {
		c.Close()
		return true
	}
	return false
}

func TestKubeDBShell(t *testing.T) {
	testenv.RequireTool(t, "psql")
	a := deployApp(t, false)
	password := a.Password()
	r := a.Run(t, "", "dbshell", "qa", "--", "-XAtc", "select 40 + 2")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != "42" || strings.Contains(r.Stdout+r.Stderr, password) {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	// Interactive: the password is in no argv and in no temp file but
	// those that hold it by design or are other tests', during the
	// session or after it; the tunnel dies with ctl.
	roots, skip := testenv.TempRoots(), testenv.OthersSecretHolders(t)
	m := testenv.StartTmux(t, a.Dir, kubeTmuxEnv(a), 120, 30, testenv.Ctl(t), "dbshell", "qa")
	screen := m.WaitForText("=>")
	port := 0
	if mm := regexp.MustCompile(`127\.0\.0\.1:(\d+)/`).FindStringSubmatch(screen); mm != nil {
		port, _ = strconv.Atoi(mm[1])
	}
	if port == 0 || !listening(port) {
		t.Fatalf("no tunnel port on the screen or not listening:\n%s", screen)
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	m.Type(`\q`)
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	if listening(port) {
		t.Fatalf("port %d still open after ctl exited", port)
	}

	// SIGTERM to ctl ends psql and the tunnel.
	cmd := a.Command(t, "dbshell", "qa", "--", "-Xc", "select pg_sleep(60)")
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var psqlPID int
	for i := 0; i < 200 && psqlPID == 0; i++ {
		time.Sleep(50 * time.Millisecond)
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(cmd.Process.Pid), "psql").Output()
		psqlPID, _ = strconv.Atoi(strings.TrimSpace(string(out)))
	}
	if psqlPID == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("psql never started: %s", errb.String())
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	if syscall.Kill(psqlPID, 0) == nil {
		t.Fatalf("psql %d survived SIGTERM to ctl", psqlPID)
	}
}

func TestKubeProductionGuard(t *testing.T) {
	testenv.RequireTool(t, "psql")
	a := deployApp(t, true)
	r := a.Run(t, "", "exec", "qa", "--", "true")
	if r.Code != 255 || !strings.Contains(r.Stderr, "refusing to run without a terminal; pass --yes") {
		t.Fatalf("no --yes: exit %d stderr %q", r.Code, r.Stderr)
	}
	r = a.Run(t, "", "exec", "qa", "--yes", "--", "true")
	if r.Code != 0 || !strings.Contains(r.Stderr, "PRODUCTION") {
		t.Fatalf("--yes: exit %d stderr %q", r.Code, r.Stderr)
	}
	table := "ctl_guard_" + strings.ReplaceAll(a.NS, "-", "_")
	r = a.Run(t, "", "dbshell", "qa", "--yes", "--", "-Xv", "ON_ERROR_STOP=1", "-c", "create table "+table+" (x int)")
	if r.Code == 0 || !strings.Contains(r.Stderr, "read-only transaction") {
		t.Fatalf("protected dbshell wrote without --write: exit %d stderr %q", r.Code, r.Stderr)
	}
	r = a.Run(t, "", "dbshell", "qa", "--yes", "--write", "--", "-Xv", "ON_ERROR_STOP=1", "-c", "create table "+table+" (x int); insert into "+table+" values (1); drop table "+table)
	if r.Code != 0 {
		t.Fatalf("--write: exit %d stderr %q", r.Code, r.Stderr)
	}
	// On a terminal the guard asks for the environment's name.
	m := testenv.StartTmux(t, a.Dir, kubeTmuxEnv(a), 100, 30, testenv.Ctl(t), "exec", "qa", "--", "echo", "ran-it")
	m.WaitForText("Type the environment name (qa)")
	m.Type("qa")
	m.WaitForText("ran-it")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m = testenv.StartTmux(t, a.Dir, kubeTmuxEnv(a), 100, 30, testenv.Ctl(t), "exec", "qa", "--", "echo", "ran-it")
	m.WaitForText("Type the environment name (qa)")
	m.Type("prod")
	if code := m.ExitCode(); code != 255 || strings.Contains(m.Screen(), "ran-it") {
		t.Fatalf("a wrong name ran the command: exit %d\n%s", code, m.Screen())
	}
}

func TestKubeDiscovery(t *testing.T) {
	a := deployApp(t, false)
	cfg := "app: myapp\ndiscover:\n  - from: namespaces\n    selector: ctl-sandbox/test=TestKubeDiscovery\n    name: \"cust-{namespace}\"\n"
	if err := os.WriteFile(filepath.Join(a.Dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := a.Run(t, "", "env", "list")
	if r.Code != 0 || !strings.Contains(r.Stdout, "cust-"+a.NS+"\tkubernetes\t(current context)/"+a.NS) {
		t.Fatalf("env list: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = a.Run(t, "", "exec", "cust-"+a.NS, "--", "sh", "-c", "echo $APP_ENV")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != a.NS {
		t.Fatalf("exec on a discovered env: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = a.Run(t, "", "exec", "cust-no-such-ns", "--", "true")
	if r.Code != 255 || !strings.Contains(r.Stderr, `unknown environment "cust-no-such-ns"`) {
		t.Fatalf("unknown discovered env: exit %d stderr %q", r.Code, r.Stderr)
	}
}
