package main_test

// ctl against the real sandbox control plane (scripts/sandbox/up.sh):
// kube-apiserver, etcd, controllers, a KWOK node and the project's fake
// kubelet, whose exec and port-forward reach this machine.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

type kubeApp struct {
	sb      *sandbox.Sandbox
	ns      string
	proj    string
	dsn     string
	pgPort  string
	dir     string // where ctl runs (holds ctl.yaml)
	home    string
	extraKV []string
}

func int32p(i int32) *int32 { return &i }

// deployApp creates a namespace with myapp's web (2 pods) and worker
// Deployments, a postgres Service+Pod and the myapp-db Secret, and points
// the fake kubelet at a copy of the example project and the rig's Postgres.
func deployApp(t *testing.T, protected bool) *kubeApp {
	t.Helper()
	sb := sandbox.Require(t)
	dsn := testenv.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	a := &kubeApp{sb: sb, proj: testenv.ExampleProject(t), dsn: dsn, pgPort: u.Port(), dir: t.TempDir(), home: t.TempDir()}
	a.ns = sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	ctx := context.Background()
	c := sb.Client
	pw, _ := u.User.Password()
	inCluster := fmt.Sprintf("postgres://%s:%s@postgres:5432%s", u.User.Username(), pw, u.Path)
	if _, err := c.CoreV1().Secrets(a.ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "myapp-db"},
		StringData: map[string]string{"url": inCluster, "password": pw},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deploy := func(comp string, replicas int32) {
		labels := map[string]string{"app.kubernetes.io/name": "myapp", "app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": comp}
		containers := []corev1.Container{{Name: comp, Image: "myapp:1.4.2", Env: []corev1.EnvVar{
			{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-db"}, Key: "url"}}},
			{Name: "DJANGO_SETTINGS_MODULE", Value: "mysite.settings"},
		}}}
		ann := map[string]string{}
		if comp == "web" {
			containers = append([]corev1.Container{{Name: "nginx", Image: "nginx"}}, containers...)
			ann["kubectl.kubernetes.io/default-container"] = "web"
		}
		_, err := c.AppsV1().Deployments(a.ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: comp, Labels: labels},
			Spec: appsv1.DeploymentSpec{Replicas: int32p(replicas), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: ann}, Spec: corev1.PodSpec{Containers: containers}}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
	deploy("web", 2)
	deploy("worker", 1)
	pgLabels := map[string]string{"app": "postgres"}
	if _, err := c.CoreV1().Pods(a.ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "postgres-0", Labels: pgLabels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "postgres", Image: "postgres:15", Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(a.ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres"},
		Spec: corev1.ServiceSpec{Selector: pgLabels, Ports: []corev1.ServicePort{{Port: 5432}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	venvPath := filepath.Join(a.proj, ".venv", "bin") + ":/usr/local/bin:/usr/bin:/bin"
	for _, prefix := range []string{"web-", "worker-"} {
		sb.SetExecRule(t, sandbox.ExecRule{Namespace: a.ns, PodPrefix: prefix, WorkDir: a.proj,
			Env: []string{"PATH=" + venvPath, "DATABASE_URL=" + dsn, "HOME=" + a.home, "TERM=xterm-256color", "PS1=pod$ ", "APP_ENV=" + a.ns}})
	}
	sb.SetPortForwardRule(t, sandbox.PortForwardRule{Namespace: a.ns, PodPrefix: "postgres", Port: 5432, Target: "127.0.0.1:" + a.pgPort})
	sb.WaitPodsReady(t, a.ns, "app.kubernetes.io/component=web", 2)
	sb.WaitPodsReady(t, a.ns, "app.kubernetes.io/component=worker", 1)
	sb.WaitPodsReady(t, a.ns, "app=postgres", 1)
	prot := ""
	if protected {
		prot = "\n    protected: true"
	}
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    namespace: %s\n    shell: bash --norc --noprofile%s\n", a.ns, prot)
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *kubeApp) env(extra ...string) []string {
	return append(append(a.sb.Env(), "HOME="+a.home, "XDG_STATE_HOME="+filepath.Join(a.home, "state")), append(a.extraKV, extra...)...)
}

func (a *kubeApp) ctl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = a.dir
	cmd.Env = testenv.CleanEnv(a.env()...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func TestKubeExec(t *testing.T) {
	a := deployApp(t, false)
	r := a.ctl(t, "", "exec", "qa", "--", "sh", "-c", "echo $APP_ENV; exit 3")
	if r.code != 3 || strings.TrimSpace(r.stdout) != a.ns {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Piped stdin reaches the command and its EOF ends it.
	r = a.ctl(t, "abc\n", "exec", "qa", "--", "cat")
	if r.code != 0 || r.stdout != "abc\n" {
		t.Fatalf("cat: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The default container comes from the annotation; -c picks another.
	r = a.ctl(t, "", "exec", "qa", "-c", "nginx", "--", "true")
	if r.code != 0 {
		t.Fatalf("-c nginx: exit %d: %s", r.code, r.stderr)
	}
	r = a.ctl(t, "", "exec", "qa", "-c", "nope", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `has no container "nope" (it has: nginx, web)`) {
		t.Fatalf("-c nope: exit %d: %s", r.code, r.stderr)
	}
	r = a.ctl(t, "", "manage", "qa", "--component", "worker", "--", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "System check identified no issues") {
		t.Fatalf("manage check on worker: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	// The trail has the sessions, and the pod an Event.
	trail, err := os.ReadFile(filepath.Join(a.home, "state", "ctl", "sessions.jsonl"))
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
	if rec.Env != "qa" || rec.Verb != "exec" || rec.Namespace != a.ns || !strings.HasPrefix(rec.Pod, "web-") || rec.Container != "web" || rec.ExitCode != 3 {
		t.Fatalf("trail record = %+v", rec)
	}
	evs, err := a.sb.Client.CoreV1().Events(a.ns).List(context.Background(), metav1.ListOptions{FieldSelector: "reason=CtlSession"})
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
		if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, cfg, want string }{
		{"missing namespace", "environments:\n  qa:\n    target: kubernetes\n    namespace: no-such-ns\n", `namespace "no-such-ns" does not exist`},
		{"no pods for component", "environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.ns + "\n    component: beat\n", `no pod of component "beat"`},
		{"selector matching two components", "environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.ns + "\n    components:\n      web: app.kubernetes.io/part-of=myapp\n", `matches pods of several components: web, worker`},
	}
	for _, tt := range tests {
		write(tt.cfg)
		r := a.ctl(t, "", "exec", "qa", "--", "true")
		if r.code != 255 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d stderr %q, want %q", tt.name, r.code, r.stderr, tt.want)
		}
	}
	// No ready pod: a pod that never becomes ready (its node does not exist).
	_, err := a.sb.Client.CoreV1().Pods(a.ns).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "beat-0", Labels: map[string]string{"app.kubernetes.io/component": "beat"}},
		Spec:       corev1.PodSpec{NodeName: "no-such-node", Containers: []corev1.Container{{Name: "beat", Image: "x"}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	write("environments:\n  qa:\n    target: kubernetes\n    namespace: " + a.ns + "\n    component: beat\n")
	r := a.ctl(t, "", "exec", "qa", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `no ready pod for component "beat"`) || !strings.Contains(r.stderr, "beat-0 Pending") {
		t.Errorf("no ready pod: exit %d stderr %q", r.code, r.stderr)
	}
	r = a.ctl(t, "", "exec", "qq", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `(did you mean "qa"?)`) {
		t.Errorf("unknown env: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestKubeRBACNamesTheMissingPermission(t *testing.T) {
	a := deployApp(t, false)
	ctx := context.Background()
	c := a.sb.Client
	if _, err := c.CoreV1().ServiceAccounts(a.ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "viewer"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RbacV1().Roles(a.ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-viewer"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"get", "list"}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RbacV1().RoleBindings(a.ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "viewer"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "pod-viewer"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "viewer", Namespace: a.ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kc := a.sb.WriteKubeconfig(t, a.sb.ServiceAccountConfig(t, a.ns, "viewer"), a.ns)
	a.extraKV = []string{"KUBECONFIG=" + kc}
	var r result
	for i := 0; i < 50; i++ { // RBAC changes reach the authorizer's cache within a moment
		r = a.ctl(t, "", "exec", "qa", "--", "true")
		if strings.Contains(r.stderr, "pods/exec") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.code != 255 || !strings.Contains(r.stderr, `may not create pods/exec in namespace "`+a.ns+`"`) {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
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
	sttyBefore, sttyAfter := filepath.Join(a.dir, "stty.before"), filepath.Join(a.dir, "stty.after")
	body := fmt.Sprintf("#!/bin/sh\nstty -a > %s\n%s shell qa\ncode=$?\nstty -a > %s\nexit $code\n", sttyBefore, testenv.Ctl(t), sttyAfter)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(tmuxEnv(t), a.env()...)
	m := testenv.StartTmux(t, a.dir, env, 100, 30, "/bin/sh", script)
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
	if r := a.ctl(t, "", "manage", "qa", "--", "migrate", "--noinput"); r.code != 0 {
		t.Fatalf("migrate: %s %s", r.stdout, r.stderr)
	}
	m := testenv.StartTmux(t, a.dir, append(tmuxEnv(t), a.env()...), 120, 40, testenv.Ctl(t), "pyshell", "qa")
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
	u, _ := url.Parse(a.dsn)
	password, _ := u.User.Password()
	r := a.ctl(t, "", "dbshell", "qa", "--", "-XAtc", "select 40 + 2")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "42" || strings.Contains(r.stdout+r.stderr, password) {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// Interactive: the password is in no argv; the tunnel dies with ctl.
	m := testenv.StartTmux(t, a.dir, append(tmuxEnv(t), a.env()...), 120, 30, testenv.Ctl(t), "dbshell", "qa")
	screen := m.WaitForText("=>")
	port := 0
	if mm := regexp.MustCompile(`127\.0\.0\.1:(\d+)/`).FindStringSubmatch(screen); mm != nil {
		port, _ = strconv.Atoi(mm[1])
	}
	if port == 0 || !listening(port) {
		t.Fatalf("no tunnel port on the screen or not listening:\n%s", screen)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), password) {
			t.Errorf("the password is in the argv of %s", p)
		}
	}
	m.Type(`\q`)
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if listening(port) {
		t.Fatalf("port %d still open after ctl exited", port)
	}

	// SIGTERM to ctl ends psql and the tunnel.
	cmd := exec.Command(testenv.Ctl(t), "dbshell", "qa", "--", "-Xc", "select pg_sleep(60)")
	cmd.Dir = a.dir
	cmd.Env = testenv.CleanEnv(a.env()...)
	var errb strings.Builder
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
	r := a.ctl(t, "", "exec", "qa", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, "refusing to run without a terminal; pass --yes") {
		t.Fatalf("no --yes: exit %d stderr %q", r.code, r.stderr)
	}
	r = a.ctl(t, "", "exec", "qa", "--yes", "--", "true")
	if r.code != 0 || !strings.Contains(r.stderr, "PRODUCTION") {
		t.Fatalf("--yes: exit %d stderr %q", r.code, r.stderr)
	}
	table := "ctl_guard_" + strings.ReplaceAll(a.ns, "-", "_")
	r = a.ctl(t, "", "dbshell", "qa", "--yes", "--", "-Xv", "ON_ERROR_STOP=1", "-c", "create table "+table+" (x int)")
	if r.code == 0 || !strings.Contains(r.stderr, "read-only transaction") {
		t.Fatalf("protected dbshell wrote without --write: exit %d stderr %q", r.code, r.stderr)
	}
	r = a.ctl(t, "", "dbshell", "qa", "--yes", "--write", "--", "-Xv", "ON_ERROR_STOP=1", "-c", "create table "+table+" (x int); insert into "+table+" values (1); drop table "+table)
	if r.code != 0 {
		t.Fatalf("--write: exit %d stderr %q", r.code, r.stderr)
	}
	// On a terminal the guard asks for the environment's name.
	m := testenv.StartTmux(t, a.dir, append(tmuxEnv(t), a.env()...), 100, 30, testenv.Ctl(t), "exec", "qa", "--", "echo", "ran-it")
	m.WaitForText("Type the environment name (qa)")
	m.Type("qa")
	m.WaitForText("ran-it")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m = testenv.StartTmux(t, a.dir, append(tmuxEnv(t), a.env()...), 100, 30, testenv.Ctl(t), "exec", "qa", "--", "echo", "ran-it")
	m.WaitForText("Type the environment name (qa)")
	m.Type("prod")
	if code := m.ExitCode(); code != 255 || strings.Contains(m.Screen(), "ran-it") {
		t.Fatalf("a wrong name ran the command: exit %d\n%s", code, m.Screen())
	}
}

func TestKubeDiscovery(t *testing.T) {
	a := deployApp(t, false)
	cfg := "app: myapp\ndiscover:\n  - from: namespaces\n    selector: ctl-sandbox/test=TestKubeDiscovery\n    name: \"cust-{namespace}\"\n"
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := a.ctl(t, "", "env", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "cust-"+a.ns+"\tkubernetes\t(current context)/"+a.ns) {
		t.Fatalf("env list: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = a.ctl(t, "", "exec", "cust-"+a.ns, "--", "sh", "-c", "echo $APP_ENV")
	if r.code != 0 || strings.TrimSpace(r.stdout) != a.ns {
		t.Fatalf("exec on a discovered env: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = a.ctl(t, "", "exec", "cust-no-such-ns", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, `unknown environment "cust-no-such-ns"`) {
		t.Fatalf("unknown discovered env: exit %d stderr %q", r.code, r.stderr)
	}
}
