package sandbox_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	"k8s.io/client-go/util/exec"
	"k8s.io/streaming/pkg/httpstream"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

// The two ways a client streams exec and port-forward: SPDY (POST) and
// WebSocket (GET; the API server translates to SPDY toward the kubelet).
// execIn also takes "fallback": WebSocket, then SPDY on an upgrade
// failure, as kubectl does.
var protocols = []string{"spdy", "websocket"}

func TestDeploymentPodsRun(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	createDeployment(t, sb, ns, "web", 2)

	pods := sb.WaitPodsReady(t, ns, "app=web", 2)
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName == "" {
			t.Errorf("pod %s: phase %s on node %q, want Running on a node", p.Name, p.Status.Phase, p.Spec.NodeName)
		}
	}
}

func TestExecExitCodeAndStreams(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	workDir := t.TempDir()
	sb.SetExecRule(t, sandbox.ExecRule{Namespace: ns, PodPrefix: "web-", Container: "web", WorkDir: workDir, Env: []string{"GREETING=hello"}})
	createDeployment(t, sb, ns, "web", 1)
	pod := sb.WaitPodsReady(t, ns, "app=web", 1)[0].Name

	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			_, _, err := execIn(t, sb, proto, ns, pod, "web", []string{"sh", "-c", "exit 3"}, execOpts{})
			var ce exec.CodeExitError
			if !errors.As(err, &ce) || ce.Code != 3 {
				t.Fatalf("exit 3: got %T %v, want exec.CodeExitError{Code: 3}", err, err)
			}

			out, errOut, err := execIn(t, sb, proto, ns, pod, "web",
				[]string{"sh", "-c", `echo "$GREETING from $(pwd) in $HOSTNAME"; echo oops >&2`}, execOpts{})
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("hello from %s in %s\n", workDir, pod); out != want {
				t.Errorf("stdout = %q, want %q", out, want)
			}
			if errOut != "oops\n" {
				t.Errorf("stderr = %q, want %q", errOut, "oops\n")
			}

			_, _, err = execIn(t, sb, proto, ns, pod, "sidecar", []string{"true"}, execOpts{})
			if err == nil || !strings.Contains(err.Error(), "no exec rule") {
				t.Errorf("exec into a container without a rule: got %v, want an error naming the missing rule", err)
			}
		})
	}
}

func TestExecStdinEOF(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	sb.SetExecRule(t, sandbox.ExecRule{Namespace: ns, PodPrefix: "web-", WorkDir: t.TempDir()})
	createDeployment(t, sb, ns, "web", 1)
	pod := sb.WaitPodsReady(t, ns, "app=web", 1)[0].Name

	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			// cat only returns when its stdin is closed.
			out, _, err := execIn(t, sb, proto, ns, pod, "web", []string{"cat"}, execOpts{stdin: strings.NewReader("abc\n")})
			if err != nil {
				t.Fatal(err)
			}
			if out != "abc\n" {
				t.Errorf("cat: stdout = %q, want %q", out, "abc\n")
			}
		})
	}
}

func TestExecTTY(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	sb.SetExecRule(t, sandbox.ExecRule{Namespace: ns, PodPrefix: "web-", WorkDir: t.TempDir()})
	createDeployment(t, sb, ns, "web", 1)
	pod := sb.WaitPodsReady(t, ns, "app=web", 1)[0].Name

	t.Run("size and exit code", func(t *testing.T) {
		out, _, err := execIn(t, sb, "spdy", ns, pod, "web", []string{"sh", "-c", "tty; stty size; exit 5"},
			execOpts{tty: true, size: &remotecommand.TerminalSize{Width: 100, Height: 30}})
		var ce exec.CodeExitError
		if !errors.As(err, &ce) || ce.Code != 5 {
			t.Fatalf("got %T %v, want exec.CodeExitError{Code: 5}", err, err)
		}
		if !strings.Contains(out, "/dev/pts/") || !strings.Contains(out, "30 100") {
			t.Errorf("output %q: want a /dev/pts terminal of 30 rows, 100 columns", out)
		}
	})

	t.Run("ctrl-c interrupts the foreground command", func(t *testing.T) {
		inR, inW := io.Pipe()
		out := &testenv.SyncBuffer{}
		done := make(chan error, 1)
		go func() {
			_, _, err := execIn(t, sb, "websocket", ns, pod, "web", []string{"sh"},
				execOpts{tty: true, stdin: inR, stdout: out, size: &remotecommand.TerminalSize{Width: 80, Height: 24}})
			done <- err
		}()
		// "rea""dy" is only "ready" in the shell's output, not in the echo of what we type.
		typeLine(t, inW, `echo rea""dy; sleep 30`)
		out.WaitFor(t, "ready")
		time.Sleep(300 * time.Millisecond) // sleep has started
		typeLine(t, inW, "\x03")
		typeLine(t, inW, `echo "status=$?"`)
		out.WaitFor(t, "status=130")
		typeLine(t, inW, "exit 7")
		select {
		case err := <-done:
			var ce exec.CodeExitError
			if !errors.As(err, &ce) || ce.Code != 7 {
				t.Fatalf("got %T %v, want exec.CodeExitError{Code: 7}; output %q", err, err, out.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the shell did not exit; output %q", out.String())
		}
	})
}

func TestPortForward(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)

	// Stands in for PostgreSQL: answers each line with "echo: line".
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					fmt.Fprintf(c, "echo: %s\n", sc.Text())
				}
			}()
		}
	}()
	sb.SetPortForwardRule(t, sandbox.PortForwardRule{Namespace: ns, PodPrefix: "postgres", Port: 5432, Target: ln.Addr().String()})
	createPod(t, sb, ns, "postgres", map[string]string{"app": "postgres"})
	sb.WaitPodsReady(t, ns, "app=postgres", 1)

	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			local := forward(t, sb, proto, ns, "postgres", 5432)
			c, err := net.DialTimeout("tcp", local, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second)) //nolint:errcheck
			r := bufio.NewReader(c)
			for _, msg := range []string{"ping", "pong"} {
				fmt.Fprintf(c, "%s\n", msg)
				got, err := r.ReadString('\n')
				if err != nil {
					t.Fatal(err)
				}
				if want := "echo: " + msg + "\n"; got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}
		})
	}
}

func TestRBAC(t *testing.T) {
	t.Parallel()
	sb := sandbox.Require(t)
	ns := sb.Namespace(t, nil)
	ctx := context.Background()

	// A ServiceAccount that may read pods but not exec into them.
	mustCreate(t, func() error {
		_, err := sb.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "viewer"}}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := sb.Client.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}},
		}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := sb.Client.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "viewer-reads-pods"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "viewer", Namespace: ns}},
		}, metav1.CreateOptions{})
		return err
	})
	createPod(t, sb, ns, "web-0", map[string]string{"app": "web"})
	viewerCfg := sb.ServiceAccountConfig(t, ns, "viewer")
	viewer := kubernetes.NewForConfigOrDie(viewerCfg)

	if _, err := viewer.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("viewer lists pods: %v", err)
	}
	viewerSB := *sb
	viewerSB.Config, viewerSB.Client = viewerCfg, viewer
	// How client-go reports the denial differs by protocol: over WebSocket
	// the Status is the Cause of an UpgradeFailureError (which has no
	// Unwrap, so apierrors.IsForbidden(err) is false); SPDY, and so
	// kubectl's WebSocket-then-SPDY fallback, only gives a plain error
	// "unable to upgrade connection: pods "x" is forbidden: ...".
	for _, proto := range []string{"spdy", "fallback"} {
		_, _, err := execIn(t, &viewerSB, proto, ns, "web-0", "web", []string{"true"}, execOpts{})
		if err == nil || !strings.Contains(err.Error(), "is forbidden") || !strings.Contains(err.Error(), `"pods/exec"`) {
			t.Errorf("%s: viewer execs: got %T %v, want a pods/exec forbidden error", proto, err, err)
		}
	}
	_, _, err := execIn(t, &viewerSB, "websocket", ns, "web-0", "web", []string{"true"}, execOpts{})
	var uf *httpstream.UpgradeFailureError
	if !errors.As(err, &uf) || !apierrors.IsForbidden(uf.Cause) {
		t.Errorf("websocket: viewer execs: got %T %v, want an UpgradeFailureError caused by Forbidden", err, err)
	}

	ssar := func(cs kubernetes.Interface, verb, resource, sub string) bool {
		t.Helper()
		r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Verb: verb, Resource: resource, Subresource: sub,
			}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SelfSubjectAccessReview %s %s/%s: %v", verb, resource, sub, err)
		}
		return r.Status.Allowed
	}
	if ssar(viewer, "create", "pods", "exec") {
		t.Error("viewer: may create pods/exec, want denied")
	}
	if !ssar(viewer, "list", "pods", "") {
		t.Error("viewer: may not list pods, want allowed")
	}
	if !ssar(sb.Client, "create", "pods", "exec") {
		t.Error("admin: may not create pods/exec, want allowed")
	}
}

// ---- helpers ----------------------------------------------------------------

func createDeployment(t *testing.T, sb *sandbox.Sandbox, ns, name string, replicas int32) {
	t.Helper()
	labels := map[string]string{"app": name}
	mustCreate(t, func() error {
		_, err := sb.Client.AppsV1().Deployments(ns).Create(context.Background(), &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec: appsv1.DeploymentSpec{
				Replicas: &replicas,
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec:       podSpec(),
				},
			},
		}, metav1.CreateOptions{})
		return err
	})
}

func createPod(t *testing.T, sb *sandbox.Sandbox, ns, name string, labels map[string]string) {
	t.Helper()
	mustCreate(t, func() error {
		_, err := sb.Client.CoreV1().Pods(ns).Create(context.Background(), &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec:       podSpec(),
		}, metav1.CreateOptions{})
		return err
	})
}

// podSpec has a "web" container and a "sidecar" that no rule covers.
func podSpec() corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{
		{Name: "web", Image: "registry.example.invalid/web:1"},
		{Name: "sidecar", Image: "registry.example.invalid/sidecar:1"},
	}}
}

func mustCreate(t *testing.T, create func() error) {
	t.Helper()
	if err := create(); err != nil {
		t.Fatal(err)
	}
}

type execOpts struct {
	stdin  io.Reader
	stdout io.Writer // default: captured and returned
	tty    bool
	size   *remotecommand.TerminalSize
}

// execIn runs cmd in a container through the API server, as kubectl exec
// does, and returns its stdout and stderr.
func execIn(t *testing.T, sb *sandbox.Sandbox, proto, ns, pod, container string, cmd []string, o execOpts) (string, string, error) {
	t.Helper()
	req := sb.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: container, Command: cmd,
			Stdin: o.stdin != nil, Stdout: true, Stderr: !o.tty, TTY: o.tty,
		}, scheme.ParameterCodec)
	var (
		ex  remotecommand.Executor
		err error
	)
	switch proto {
	case "spdy":
		ex = sandboxtest.SPDYExecutor(t, sb.Config, req.URL())
	case "websocket":
		ex, err = remotecommand.NewWebSocketExecutor(sb.Config, http.MethodGet, req.URL().String())
	case "fallback": // what kubectl does
		var ws remotecommand.Executor
		if ws, err = remotecommand.NewWebSocketExecutor(sb.Config, http.MethodGet, req.URL().String()); err != nil {
			t.Fatal(err)
		}
		ex, err = remotecommand.NewFallbackExecutor(ws, sandboxtest.SPDYExecutor(t, sb.Config, req.URL()), httpstream.IsUpgradeFailure)
	default:
		t.Fatalf("protocol %q", proto)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sandboxtest.Stream(ex, sandboxtest.ExecOptions{Stdin: o.stdin, Stdout: o.stdout, TTY: o.tty, Size: o.size})
}

// forward starts a port-forward to the pod's port on a free local port,
// stopped when the test ends, and returns "127.0.0.1:PORT".
func forward(t *testing.T, sb *sandbox.Sandbox, proto, ns, pod string, port int) string {
	t.Helper()
	u := sb.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	transport, upgrader, err := spdy.RoundTripperFor(sb.Config)
	if err != nil {
		t.Fatal(err)
	}
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	if proto == "websocket" {
		if dialer, err = portforward.NewSPDYOverWebsocketDialer(u, sb.Config); err != nil {
			t.Fatal(err)
		}
	}
	stop, ready := make(chan struct{}), make(chan struct{})
	var errOut testenv.SyncBuffer
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stop, ready, io.Discard, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- pf.ForwardPorts() }()
	t.Cleanup(func() {
		close(stop)
		if err := <-done; err != nil {
			t.Logf("port-forward ended: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("port-forward: %v %s", err, errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("port-forward not ready: %s", errOut.String())
	}
	ports, err := pf.GetPorts()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", ports[0].Local)
}

func typeLine(t *testing.T, w io.Writer, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\x03") {
		s += "\n"
	}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatalf("typing %q: %v", s, err)
	}
}
