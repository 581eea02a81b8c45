package doctor

// Against the sandbox control plane (real kube-apiserver, RBAC and the
// fake kubelet's port-forward), and an API address on loopback that
// accepts connections and never answers.

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

// sandboxApp is a namespace with a ready web pod, a postgres pod and
// Service whose port-forward reaches the rig's Postgres, and the Secret
// with the credentials.
func sandboxApp(t testing.TB) (*sandbox.Sandbox, string) {
	t.Helper()
	sb := sandbox.Require(t)
	dsn := testenv.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	ns := sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	ctx := context.Background()
	c := sb.Client
	pw, _ := u.User.Password()
	inCluster := fmt.Sprintf("postgres://%s:%s@postgres:5432%s", u.User.Username(), pw, u.Path)
	if _, err := c.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "myapp-db"},
		StringData: map[string]string{"url": inCluster}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	web := map[string]string{"app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "web"}
	pg := map[string]string{"app": "postgres"}
	for _, p := range []*corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Labels: web}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "myapp:1"}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "postgres-0", Labels: pg}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "postgres", Image: "postgres:15",
			Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}}}}},
	} {
		if _, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres"},
		Spec: corev1.ServiceSpec{Selector: pg, Ports: []corev1.ServicePort{{Port: 5432}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sb.SetPortForwardRule(t, sandbox.PortForwardRule{Namespace: ns, PodPrefix: "postgres", Port: 5432, Target: "127.0.0.1:" + u.Port()})
	sb.WaitPodsReady(t, ns, "app.kubernetes.io/component=web", 1)
	sb.WaitPodsReady(t, ns, "app=postgres", 1)
	return sb, ns
}

func kubeProject(t *testing.T, kubeconfig, ns string) Deps {
	t.Helper()
	d := project(t, fmt.Sprintf("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    namespace: %s\n    database:\n      secret: myapp-db\n", ns))
	t.Setenv("KUBECONFIG", kubeconfig)
	return d
}

func byID(res []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range res {
		m[r.Check.ID] = r
	}
	return m
}

func TestSandboxEnvironmentPasses(t *testing.T) {
	sb, ns := sandboxApp(t)
	d := kubeProject(t, sb.Kubeconfig, ns)
	res := byID(run(t, d, []string{"qa"}, "kube.api", "kube.namespace", "kube.pods", "kube.rbac", "env.database", "workstation.clock-skew", "config.contexts"))
	for _, id := range []string{"kube.api", "kube.namespace", "kube.pods", "kube.rbac", "env.database", "workstation.clock-skew", "config.contexts"} {
		if r := res[id]; r.Status != Pass {
			t.Errorf("%s: %s %s (hint %s)", id, r.Status, r.Message, r.Hint)
		}
	}
	if m := res["kube.pods"].Message; m != "web: pod web-0 is ready" {
		t.Errorf("pods: %q", m)
	}
	if m := res["env.database"].Message; !strings.Contains(m, "PostgreSQL") || !strings.Contains(m, "on 127.0.0.1:") {
		t.Errorf("database: %q", m)
	}
}

func TestSandboxServiceAccountWithoutExec(t *testing.T) {
	sb, ns := sandboxApp(t)
	viewerKC := sb.RestrictedKubeconfig(t, ns, "viewer", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "namespaces", "services", "secrets"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create"}},
		{APIGroups: []string{""}, Resources: []string{"pods/portforward"}, Verbs: []string{"get", "create"}},
	})
	// A kubeconfig for the ServiceAccount, with a token from the TokenRequest API.
	kc := viewerKC
	d := kubeProject(t, kc, ns)
	var r Result
	for i := 0; i < 50; i++ { // RBAC changes reach the authorizer's cache within a moment
		r = byID(run(t, d, []string{"qa"}, "kube.api", "kube.rbac"))["kube.rbac"]
		if r.Status == Fail && !strings.Contains(r.Message, "list pods") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := fmt.Sprintf("in namespace %s (context sandbox) you may not: create pods/exec (for shell, pyshell, exec and manage)", ns)
	if r.Status != Fail || !strings.HasPrefix(r.Message, want) {
		t.Fatalf("got %s %q\nwant %q", r.Status, r.Message, want)
	}
	if r.Hint != "ask for a Role granting them; check with: kubectl auth can-i create pods/exec -n "+ns {
		t.Errorf("hint %q", r.Hint)
	}
	// What it may do still works: the database through the tunnel.
	if db := byID(run(t, d, []string{"qa"}, "kube.api", "env.database"))["env.database"]; db.Status != Pass {
		t.Errorf("database: %+v", db)
	}
}

// blackHole accepts TCP connections on loopback and never answers.
func blackHole(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func unreachableKubeconfig(t testing.TB, addr string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	body := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://%s\", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: x}\ncontexts:\n- name: down\n  context: {cluster: c, user: u}\ncurrent-context: down\n", addr)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUnreachableAPIIsBoundedByTheTimeout(t *testing.T) {
	kc := unreachableKubeconfig(t, blackHole(t))
	d := kubeProject(t, kc, "x")
	d.Timeout = 300 * time.Millisecond
	res := run(t, d, []string{"qa"}, "kube.api", "kube.namespace", "kube.pods", "kube.rbac", "env.database", "workstation.clock-skew")
	m := byID(res)
	api := m["kube.api"]
	if api.Status != Fail || !api.TimedOut && !strings.Contains(api.Message, "no answer within") {
		t.Fatalf("api: %+v", api)
	}
	if !strings.Contains(api.Message, `context "down"`) && !api.TimedOut {
		t.Errorf("api message %q", api.Message)
	}
	for _, id := range []string{"kube.namespace", "kube.pods", "kube.rbac", "env.database", "workstation.clock-skew"} {
		if m[id].Status != Skip {
			t.Errorf("%s: %+v", id, m[id])
		}
	}
}
