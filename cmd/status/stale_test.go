package status_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	statusCmd "github.com/ctlops/ctl/cmd/status"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/status"
)

// A broken connection shows as stale (with the time of the last update)
// and heals by itself when the API server is reachable again.
func TestWatchStaleAndRecover(t *testing.T) {
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	App(t, sb, ns)
	u, err := url.Parse(sb.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	p := sandboxtest.StartRelay(t, u.Host)

	// A kubeconfig whose context "proxied" reaches the API through the proxy.
	kc, err := clientcmd.LoadFromFile(sb.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cur := kc.Contexts[kc.CurrentContext]
	cl := *kc.Clusters[cur.Cluster]
	cl.Server = "https://" + p.Addr
	kc.Clusters["proxied"] = &cl
	ctxCopy := *cur
	ctxCopy.Cluster = "proxied"
	kc.Contexts["proxied"] = &ctxCopy
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", path)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    context: proxied\n    namespace: "+ns+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	lines := watchLines(t, cfg)
	waitEnv(t, lines, "qa", "web 2/2", func(e *status.Env) bool { return component(e, "web").Ready == 2 })

	p.Stop()
	c := waitConn(t, lines, "stale", func(c *status.Conn) bool { return c.Stale })
	if c.Name != "kubernetes:proxied" || c.Since.IsZero() || c.Err == "" {
		t.Errorf("stale connection %+v", c)
	}
	if strings.Contains(c.Err, "BEGIN") {
		t.Errorf("error leaks credentials: %s", c.Err)
	}
	p.Start(t)
	waitConn(t, lines, "recovered", func(c *status.Conn) bool { return !c.Stale })
}

func waitConn(t *testing.T, lines <-chan statusCmd.Line, what string, ok func(c *status.Conn) bool) *status.Conn {
	t.Helper()
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	for {
		select {
		case l, open := <-lines:
			if !open {
				t.Fatalf("--watch ended before the connection was %s", what)
			}
			if l.Type == "connection" && l.Connection != nil && ok(l.Connection) {
				return l.Connection
			}
		case <-timer.C:
			t.Fatalf("no connection line %s after %v", what, deadline)
		}
	}
}
