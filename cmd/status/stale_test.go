package status_test

import (
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	statusCmd "github.com/ctlops/ctl/cmd/status"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/status"
)

// proxy forwards TCP to the API server; Stop cuts every connection and
// refuses new ones, Start listens again on the same address.
type proxy struct {
	t       *testing.T
	addr    string
	backend string
	mu      sync.Mutex
	ln      net.Listener
	conns   []net.Conn
}

func (p *proxy) Start() {
	p.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.backend)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(b, c); _ = b.Close() }()
			go func() { _, _ = io.Copy(c, b); _ = c.Close() }()
		}
	}()
}

func (p *proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.ln.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

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
	p := &proxy{t: t, addr: "127.0.0.1:0", backend: u.Host}
	p.Start()
	t.Cleanup(p.Stop)

	// A kubeconfig whose context "proxied" reaches the API through the proxy.
	kc, err := clientcmd.LoadFromFile(sb.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cur := kc.Contexts[kc.CurrentContext]
	cl := *kc.Clusters[cur.Cluster]
	cl.Server = "https://" + p.addr
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
	p.Start()
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
