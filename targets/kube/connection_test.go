package kube

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/exitcode"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: not-a-real-token}
contexts:
- name: qa-ctx
  context: {cluster: c, user: u, namespace: shop-qa}
- name: prod-ctx
  context: {cluster: c, user: u}
current-context: qa-ctx
`

// Connect reads the kubeconfig named by the getenv it is given, never the
// process environment's.
func TestConnectReadsThroughGetenv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	if err := os.WriteFile(file, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", filepath.Join(dir, "not-this-one"))
	getenv := func(k string) string { return map[string]string{"KUBECONFIG": file}[k] }

	c, err := Connect(context.Background(), ConnectOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if c.Context != "qa-ctx" || c.Namespace != "shop-qa" || c.Server != "https://127.0.0.1:6443" || c.Timeout != DefaultTimeout {
		t.Errorf("connection %s %s %s %s", c.Context, c.Namespace, c.Server, c.Timeout)
	}
	for name, cl := range map[string]any{"core": c.Core, "apps": c.Apps, "batch": c.Batch, "authorization": c.Authorization, "events": c.Events} {
		if cl == nil {
			t.Errorf("no %s client", name)
		}
	}

	_, err = Connect(context.Background(), ConnectOptions{Getenv: getenv, Context: "prod-cxt"})
	if err == nil || !strings.Contains(err.Error(), `kubeconfig has no context "prod-cxt" (did you mean "prod-ctx"?)`) ||
		exitcode.HintOf(err) != "known contexts: prod-ctx, qa-ctx" {
		t.Errorf("err = %v (hint %q)", err, exitcode.HintOf(err))
	}

	// HOME through getenv too, when KUBECONFIG is unset.
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".kube", "config"), []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	kc, err := LoadKubeconfig(func(k string) string { return map[string]string{"HOME": home}[k] })
	if err != nil || len(kc.Files) != 1 || kc.Config.CurrentContext != "qa-ctx" {
		t.Errorf("LoadKubeconfig: %v, %+v", err, kc)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Connect(ctx, ConnectOptions{Getenv: getenv}); err == nil {
		t.Error("a cancelled context connected")
	}
}

func TestConnectionsSharePerContext(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	if err := os.WriteFile(file, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cs := NewConnections(func(k string) string { return map[string]string{"KUBECONFIG": file}[k] })
	a, err1 := cs.Get(context.Background(), "qa-ctx")
	b, err2 := cs.Get(context.Background(), "qa-ctx")
	p, err3 := cs.Get(context.Background(), "prod-ctx")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if a != b || a == p {
		t.Error("one connection per context, shared")
	}
	if a.WithTimeout(time.Second).Core != a.Core {
		t.Error("WithTimeout does not share the clients")
	}
}

func TestListWatchAndLogs(t *testing.T) {
	f := newFakeAPI(t, pod("web-1", "web", true, time.Hour), pod("worker-1", "worker", true, time.Hour))
	c := f.conn()
	lw := c.ListWatch(c.Core, "pods", "qa", func(o *metav1.ListOptions) { o.LabelSelector = componentLabel + "=web" })
	obj, err := lw.ListWithContext(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	list, ok := obj.(*corev1.PodList)
	if !ok || len(list.Items) != 1 || list.Items[0].Name != "web-1" {
		t.Fatalf("listed %#v", obj)
	}

	lines := int64(5)
	rc, err := c.PodLogs(context.Background(), "qa", "web-1", &corev1.PodLogOptions{TailLines: &lines})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if string(b) != "log of web-1 tail=5\n" {
		t.Errorf("log %q", b)
	}
}
