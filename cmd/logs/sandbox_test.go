package logs_test

// `ctl logs` against the Kubernetes sandbox: the built binary, the real
// API server's pods/log path, fakekubelet's containerLogs serving what the
// pods' "containers" (scripts/sandbox/app-log.sh) write.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

type envelope struct {
	SchemaVersion int             `json:"schemaVersion"`
	Env           string          `json:"env"`
	Component     string          `json:"component"`
	Pod           string          `json:"pod"`
	Container     string          `json:"container"`
	TS            string          `json:"ts"`
	Line          *string         `json:"line"`
	JSON          json.RawMessage `json:"json"`
	Marker        string          `json:"marker"`
	Text          string          `json:"text"`
}

func envelopes(t *testing.T, out string) []envelope {
	t.Helper()
	var es []envelope
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var e envelope
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not an envelope: %q: %v", l, err)
		}
		if e.SchemaVersion != 1 || e.Env != "qa" {
			t.Fatalf("envelope without schemaVersion 1 / env qa: %q", l)
		}
		es = append(es, e)
	}
	return es
}

func TestLogsSandbox(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Logs: true, Worker: true, Sidecar: true, LogInterval: "0.2"})
	ctx := context.Background()
	// Let every container write a few lines.
	time.Sleep(1500 * time.Millisecond)

	t.Run("json envelopes", func(t *testing.T) {
		r := a.Run(t, "", "logs", "qa", "--no-follow", "--json")
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		es := envelopes(t, r.Stdout)
		var web, worker, structured, plain bool
		for _, e := range es {
			switch {
			case e.Component == "web" && e.Container == "web" && strings.HasPrefix(e.Pod, "web-"):
				web = true
			case e.Component == "worker" && e.Container == "worker":
				worker = true
			}
			if e.JSON != nil {
				structured = true
			}
			if e.Line != nil {
				plain = true
			}
			if e.TS == "" && e.Marker == "" {
				t.Fatalf("envelope without ts: %+v", e)
			}
		}
		if !web || !worker || !structured || !plain {
			t.Fatalf("web %v worker %v json %v line %v in\n%s", web, worker, structured, plain, r.Stdout)
		}
	})

	t.Run("grep and component", func(t *testing.T) {
		r := a.Run(t, "", "logs", "qa", "worker", "--no-follow", "-g", "task succeeded")
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
		if len(lines) < 2 {
			t.Fatalf("too few lines: %q", r.Stdout)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "worker/") || !strings.Contains(l, "INFO celery.worker task succeeded") {
				t.Fatalf("line %q (want worker's rendered structlog lines only)", l)
			}
		}
		if !strings.Contains(r.Stderr, "logs: worker in ") || !strings.Contains(r.Stderr, "all lines per stream") {
			t.Fatalf("header: %q", r.Stderr)
		}
	})

	t.Run("stream bound said", func(t *testing.T) {
		r := a.Run(t, "", "logs", "qa", "--no-follow", "--json", "--max-streams", "1")
		if r.Code != 0 || !strings.Contains(r.Stdout, `"marker":"limit"`) || !strings.Contains(r.Stdout, "1 streams open") {
			t.Fatalf("exit %d\n%s", r.Code, tail(r.Stdout, 2000))
		}
	})

	t.Run("since and tail", func(t *testing.T) {
		r := a.Run(t, "", "logs", "qa", "worker", "--no-follow")
		if !strings.Contains(r.Stdout, "celery@worker-") {
			t.Fatalf("the worker's first line is missing without --since: %q", r.Stdout)
		}
		time.Sleep(1200 * time.Millisecond)
		r = a.Run(t, "", "logs", "qa", "worker", "--no-follow", "--since", "1s")
		if r.Code != 0 || strings.Contains(r.Stdout, "celery@worker-") || !strings.Contains(r.Stdout, "task succeeded") {
			t.Fatalf("--since 1s: exit %d\n%s", r.Code, r.Stdout)
		}
		r = a.Run(t, "", "logs", "qa", "worker", "--no-follow", "--tail", "3")
		if n := strings.Count(strings.TrimSpace(r.Stdout), "\n") + 1; r.Code != 0 || n != 3 {
			t.Fatalf("--tail 3: %d lines\n%s", n, r.Stdout)
		}
		if !strings.Contains(r.Stderr, "last 3 lines per stream") {
			t.Fatalf("header: %q", r.Stderr)
		}
	})

	t.Run("follow churn restart job", func(t *testing.T) {
		sb := a.SB
		script := sandbox.AppLogScript(t)
		sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "crash-", Container: "setup", Command: []string{"/bin/sh", "-c", "echo init: settings checked"}})
		sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "crash-", Container: "app", Command: []string{"/bin/sh", script, "crash"}})
		sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "migrate-", Command: []string{"/bin/sh", script, "migrate"}})

		cmd := a.Command(t, "logs", "qa", "-f", "--json", "--since", "0")
		var out, errOut testenv.SyncBuffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill() //nolint:errcheck
		waitEnvelope(t, &out, "the worker's lines", func(e envelope) bool { return e.Component == "worker" })

		// Scale up: the new pod is followed from its first line. The pods
		// there before are listed before the scale-up: by the time the new
		// one is Ready, ctl may already have printed its first lines.
		before := map[string]bool{}
		for _, p := range sb.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=web", 1) {
			before[p.Name] = true
		}
		scale(t, a, "web", 2)
		pods := sb.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=web", 2)
		var newPod string
		for _, p := range pods {
			if !before[p.Name] {
				newPod = p.Name
			}
		}
		if newPod == "" {
			t.Fatal("no new web pod")
		}
		waitEnvelope(t, &out, "the new pod's first line", func(e envelope) bool {
			return e.Pod == newPod && e.Line != nil && strings.Contains(*e.Line, "Starting gunicorn")
		})

		// A crash-looping pod: followed again after each restart, with a marker.
		labels := map[string]string{"app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "crash"}
		if _, err := sb.Client.CoreV1().Pods(a.NS).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "crash-1", Labels: labels},
			Spec: corev1.PodSpec{InitContainers: []corev1.Container{{Name: "setup", Image: "crash"}},
				Containers: []corev1.Container{{Name: "app", Image: "crash"}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitEnvelope(t, &out, "the init container's line", func(e envelope) bool {
			return e.Pod == "crash-1" && e.Container == "setup" && e.Line != nil && *e.Line == "init: settings checked"
		})
		waitEnvelope(t, &out, "a restart marker", func(e envelope) bool {
			return e.Marker == "restart" && strings.Contains(e.Text, "crash-1/app restarted: exit 137")
		})
		waitEnvelope(t, &out, "the restarted instance's lines", func(e envelope) bool {
			return e.Pod == "crash-1" && e.Line != nil && strings.Contains(*e.Line, "out of memory") && afterMarker(out.String(), e)
		})

		// --previous: the instance before the last restart.
		r := a.Run(t, "", "logs", "qa", "crash", "-c", "app", "--previous", "--json")
		if es := envelopes(t, r.Stdout); r.Code != 0 || len(es) == 0 || es[0].Pod != "crash-1" || es[0].Line == nil {
			t.Fatalf("--previous: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}

		// A Job's pod: its lines, to the end.
		jl := map[string]string{"app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "migrate"}
		if _, err := sb.Client.BatchV1().Jobs(a.NS).Create(ctx, &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "migrate"},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: jl},
				Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "migrate", Image: "myapp"}}}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitEnvelope(t, &out, "the Job pod's last line", func(e envelope) bool {
			return e.Component == "migrate" && e.Line != nil && strings.Contains(*e.Line, "Applying auth.0001_initial... OK")
		})

		// A deleted pod is dropped without an error.
		if err := sb.Client.CoreV1().Pods(a.NS).Delete(ctx, newPod, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		if strings.Contains(out.String(), `"marker":"error"`) {
			t.Fatalf("an error marker:\n%s", out.String())
		}

		// Ctrl-C ends every stream: exit 130.
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !asExit(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("after Ctrl-C: %v (stderr %s)", err, errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("ctl logs did not end on SIGINT")
		}
	})
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError) //nolint:errorlint // Wait returns it as is
	*ee = e
	return ok
}

// afterMarker: the line comes after the pod's restart marker.
func afterMarker(out string, e envelope) bool {
	i := strings.Index(out, `"marker":"restart"`)
	return i >= 0 && strings.LastIndex(out, *e.Line) > i
}

func waitEnvelope(t *testing.T, out *testenv.SyncBuffer, what string, ok func(envelope) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range strings.Split(out.String(), "\n") {
			var e envelope
			if json.Unmarshal([]byte(l), &e) == nil && ok(e) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s in\n%s", what, tail(out.String(), 4000))
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func scale(t *testing.T, a *sandboxtest.App, name string, n int32) {
	t.Helper()
	a.UpdateDeployment(t, name, func(d *appsv1.Deployment) { d.Spec.Replicas = &n })
}

// A dropped API connection: a marker, then the stream resumes, no line
// repeated.
func TestLogsSandboxReconnect(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Logs: true, LogInterval: "0.1"})
	relay := a.ProxyAPI(t)
	cmd := a.Command(t, "logs", "qa", "web", "-c", "web", "-f", "--json", "--tail", "0")
	var out, errOut testenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck
	waitEnvelope(t, &out, "a line", func(e envelope) bool { return e.JSON != nil })
	relay.Cut()
	waitEnvelope(t, &out, "a reconnect marker", func(e envelope) bool { return e.Marker == "reconnect" })
	n := strings.Count(out.String(), "\n")
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(out.String(), "\n") < n+10 {
		if time.Now().After(deadline) {
			t.Fatalf("no lines after the reconnection:\n%s", tail(out.String(), 3000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT) //nolint:errcheck
	cmd.Wait()                         //nolint:errcheck
	// Access lines carry "seq": each seen once, in order.
	last := 0
	for _, e := range envelopes(t, out.String()) {
		var rec struct{ Seq int }
		if e.JSON == nil || json.Unmarshal(e.JSON, &rec) != nil || rec.Seq == 0 || !strings.Contains(string(e.JSON), `"method"`) {
			continue
		}
		if rec.Seq <= last {
			t.Fatalf("seq %d after %d: repeated or reordered\n%s", rec.Seq, last, tail(out.String(), 3000))
		}
		last = rec.Seq
	}
}

// On a terminal: the header, a prefix per stream, structured lines
// rendered; Ctrl-C exits 130.
func TestLogsSandboxTTY(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Logs: true, LogInterval: "0.3"})
	// set -m: ctl runs in its own process group, the terminal's foreground
	// one, as from an interactive shell; Ctrl-C reaches it and not the
	// script that records its exit code.
	m := testenv.StartTmux(t, a.Dir, a.Env("TERM=xterm-256color"), 160, 40, "/bin/sh", "-c", `set -m; "$0" logs qa web`, testenv.Ctl(t))
	m.WaitForText("following (Ctrl-C to stop)")
	screen := m.WaitFor("a rendered access line", func(s string) bool {
		return strings.Contains(s, "INFO GET /orders/") && strings.Contains(s, " 200 12ms")
	})
	if !strings.Contains(screen, "web/") {
		t.Fatalf("no stream prefix:\n%s", screen)
	}
	m.WaitFor("a rendered python-json-logger line", func(s string) bool {
		return strings.Contains(s, "WARNING django.request Not Found: /favicon.ico")
	})
	m.Keys("C-c")
	if code := m.ExitCode(); code != 130 {
		t.Fatalf("exit %d after Ctrl-C, want 130", code)
	}
}

// Protected environments: the database password never shows.
func TestLogsSandboxMasksSecrets(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Protected: true})
	sb := a.SB
	pw := a.Password()
	sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "leaky-", Command: []string{"/bin/sh", "-c", `echo "connecting to $DSN"; sleep 600`},
		Env: []string{"DSN=" + a.DSN}})
	labels := map[string]string{"app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "leaky"}
	if _, err := sb.Client.CoreV1().Pods(a.NS).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "leaky-1", Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "leaky"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sb.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=leaky", 1)
	var r sandboxtest.Result
	for range 50 {
		r = a.Run(t, "", "logs", "qa", "leaky", "--no-follow")
		if strings.Contains(r.Stdout, "connecting to") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(r.Stdout, "connecting to") || !strings.Contains(r.Stdout, "****") {
		t.Fatalf("exit %d, stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if strings.Contains(r.Stdout+r.Stderr, pw) {
		t.Fatal("the database password was printed")
	}
}

// Protected environments: the app's SECRET_KEY, as the web container gets
// it (envFrom a Secret), never shows either, in text or --json.
func TestLogsSandboxMasksSecretKey(t *testing.T) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	key := "sk-" + hex.EncodeToString(b)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Protected: true, SecretKey: key})
	sb := a.SB
	sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "leaky-", Command: []string{"/bin/sh", "-c", `echo "settings loaded with SECRET_KEY=$SK and more"; sleep 600`},
		Env: []string{"SK=" + key}})
	labels := map[string]string{"app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "leaky"}
	if _, err := sb.Client.CoreV1().Pods(a.NS).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "leaky-1", Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "leaky"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sb.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=leaky", 1)
	for _, args := range [][]string{{"logs", "qa", "leaky", "--no-follow"}, {"logs", "qa", "leaky", "--no-follow", "--json"}} {
		var r sandboxtest.Result
		for range 50 {
			r = a.Run(t, "", args...)
			if strings.Contains(r.Stdout, "settings loaded") {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if strings.Contains(r.Stdout+r.Stderr, key) {
			t.Fatalf("%v: the SECRET_KEY was printed", args)
		}
		if r.Code != 0 || !strings.Contains(r.Stdout, "SECRET_KEY=**** and more") {
			// The key is not in the output (checked above): it can be shown.
			t.Fatalf("%v: exit %d, stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
}
