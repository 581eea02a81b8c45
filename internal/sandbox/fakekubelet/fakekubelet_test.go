package main

// These tests talk to the fake kubelet directly (no API server), with
// client-go's own SPDY clients, so they run everywhere; the sandbox tests
// (internal/sandbox) cover the same through a real API server.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	clientexec "k8s.io/client-go/util/exec"

	"github.com/ctlops/ctl/internal/sandbox/rules"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
)

func newServer(t *testing.T, rs *rules.Rules) (*httptest.Server, *kubelet) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.json")
	if err := rules.Write(path, rs); err != nil {
		t.Fatal(err)
	}
	k := &kubelet{rulesFile: path, procs: newProcTable()}
	srv := httptest.NewServer(k.routes())
	t.Cleanup(srv.Close)
	return srv, k
}

type streams struct {
	stdin io.Reader
	tty   bool
	size  *remotecommand.TerminalSize
}

func execSPDY(t *testing.T, srv *httptest.Server, pod, container string, cmd []string, s streams) (string, string, error) {
	t.Helper()
	q := url.Values{"command": cmd, "output": {"1"}}
	if s.stdin != nil {
		q.Set("input", "1")
	}
	if s.tty {
		q.Set("tty", "1")
	} else {
		q.Set("error", "1")
	}
	u, _ := url.Parse(fmt.Sprintf("%s/exec/ns/%s/%s?%s", srv.URL, pod, container, q.Encode()))
	ex := sandboxtest.SPDYExecutor(t, &rest.Config{Host: srv.URL}, u)
	return sandboxtest.Stream(ex, sandboxtest.ExecOptions{Stdin: s.stdin, TTY: s.tty, Size: s.size, Timeout: 20 * time.Second})
}

func TestExec(t *testing.T) {
	dir := t.TempDir()
	srv, _ := newServer(t, &rules.Rules{Exec: []rules.Exec{
		{Namespace: "ns", PodPrefix: "web-", Container: "web", WorkDir: dir, Env: []string{"GREETING=hi", "PATH=/usr/bin:/bin"}},
	}})

	t.Run("exit code", func(t *testing.T) {
		_, _, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", "exit 3"}, streams{})
		var ce clientexec.CodeExitError
		if !errors.As(err, &ce) || ce.Code != 3 {
			t.Fatalf("got %T %v, want CodeExitError 3", err, err)
		}
	})
	t.Run("signal", func(t *testing.T) {
		_, _, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", "kill -TERM $$"}, streams{})
		var ce clientexec.CodeExitError
		if !errors.As(err, &ce) || ce.Code != 128+15 {
			t.Fatalf("got %T %v, want CodeExitError 143", err, err)
		}
	})
	t.Run("env, dir, stderr", func(t *testing.T) {
		out, errOut, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", `echo "$GREETING $PWD $HOSTNAME $PATH"; echo e >&2`}, streams{})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("hi %s web-1 /usr/bin:/bin\n", dir); out != want || errOut != "e\n" {
			t.Errorf("stdout %q stderr %q, want %q and %q", out, errOut, want, "e\n")
		}
	})
	t.Run("stdin EOF", func(t *testing.T) {
		out, _, err := execSPDY(t, srv, "web-1", "web", []string{"wc", "-c"}, streams{stdin: strings.NewReader("12345")})
		if err != nil || strings.TrimSpace(out) != "5" {
			t.Fatalf("wc -c: %q %v", out, err)
		}
	})
	t.Run("lots of output is drained", func(t *testing.T) {
		out, _, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", "seq 1 100000"}, streams{})
		if err != nil || !strings.HasSuffix(out, "\n99999\n100000\n") {
			t.Fatalf("seq: %d bytes, ends %q, %v", len(out), out[max(0, len(out)-20):], err)
		}
	})
	t.Run("background process holding stdout", func(t *testing.T) {
		start := time.Now()
		out, _, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", "sleep 30 & echo started"}, streams{})
		if err != nil || out != "started\n" {
			t.Fatalf("%q %v", out, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v: the background sleep kept the exec open", d)
		}
	})
	t.Run("tty", func(t *testing.T) {
		out, _, err := execSPDY(t, srv, "web-1", "web", []string{"sh", "-c", "tty; stty size; echo $TERM; exit 4"},
			streams{tty: true, size: &remotecommand.TerminalSize{Width: 120, Height: 40}})
		var ce clientexec.CodeExitError
		if !errors.As(err, &ce) || ce.Code != 4 {
			t.Fatalf("got %T %v, want CodeExitError 4", err, err)
		}
		for _, want := range []string{"/dev/pts/", "40 120", "xterm"} {
			if !strings.Contains(out, want) {
				t.Errorf("output %q lacks %q", out, want)
			}
		}
	})
	t.Run("no rule", func(t *testing.T) {
		_, _, err := execSPDY(t, srv, "worker-1", "worker", []string{"true"}, streams{})
		if err == nil || !strings.Contains(err.Error(), "no exec rule") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("command on fakekubelet's PATH but not the rule's", func(t *testing.T) {
		goBin, err := exec.LookPath("go")
		if err != nil || strings.HasPrefix(goBin, "/usr/bin/") || strings.HasPrefix(goBin, "/bin/") {
			t.Skip("needs go outside /usr/bin and /bin")
		}
		_, _, err = execSPDY(t, srv, "web-1", "web", []string{"go", "version"}, streams{})
		if err == nil || !strings.Contains(err.Error(), "not found in $PATH") {
			t.Fatalf("got %v, want not found in $PATH", err)
		}
	})
	t.Run("missing command", func(t *testing.T) {
		_, _, err := execSPDY(t, srv, "web-1", "web", []string{"no-such-command-xyz"}, streams{})
		var ce clientexec.CodeExitError
		if err == nil || errors.As(err, &ce) {
			t.Fatalf("got %T %v, want an internal error (as containerd gives)", err, err)
		}
	})
}

func TestPortForward(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }() //nolint:errcheck
		}
	}()
	srv, _ := newServer(t, &rules.Rules{PortForward: []rules.PortForward{{Namespace: "ns", PodPrefix: "postgres", Port: 5432, Target: ln.Addr().String()}}})

	u, _ := url.Parse(srv.URL + "/portForward/ns/postgres-0")
	transport, upgrader, err := spdy.RoundTripperFor(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	stop, ready := make(chan struct{}), make(chan struct{})
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{"0:5432"}, stop, ready, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- pf.ForwardPorts() }()
	defer func() {
		close(stop)
		if err := <-done; err != nil {
			t.Logf("port-forward ended: %v", err)
		}
	}()
	<-ready
	ports, _ := pf.GetPorts()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0].Local))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second)) //nolint:errcheck
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
		t.Fatalf("read %q %v", buf, err)
	}
}
