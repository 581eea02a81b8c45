package status_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	statusCmd "github.com/ctlops/ctl/cmd/status"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/status"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
)

// deadline bounds a wait for something that should take well under a
// second; it is generous so a loaded machine does not flap. It is not a
// timing assertion.
const deadline = 60 * time.Second

func i32(i int32) *int32 { return &i }

// App is myapp in a sandbox namespace: web (2) and worker (1) Deployments.
func App(t testing.TB, sb *sandbox.Sandbox, ns string) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []struct {
		name string
		n    int32
	}{{"web", 2}, {"worker", 1}} {
		labels := map[string]string{"app.kubernetes.io/component": d.name, "app.kubernetes.io/part-of": "myapp"}
		tl := map[string]string{"app.kubernetes.io/component": d.name, "app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/version": "1.4.2"}
		_, err := sb.Client.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: d.name, Labels: labels},
			Spec: appsv1.DeploymentSpec{Replicas: i32(d.n), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: tl},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: d.name, Image: "registry.example/myapp:1.4.2"}}}}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func writeConfig(t *testing.T, envs map[string]string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("app: myapp\nenvironments:\n")
	for name, ns := range envs {
		fmt.Fprintf(&b, "  %s:\n    target: kubernetes\n    namespace: %s\n", name, ns)
	}
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// watchLines runs `ctl status --watch` in-process and returns its lines.
func watchLines(t *testing.T, cfg *config.Config) <-chan statusCmd.Line {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	pr, pw := io.Pipe()
	ios.Out = pw
	opts := &statusCmd.Options{IO: ios, Now: time.Now, Watch: true, Timeout: deadline,
		Config: func() (*config.Config, error) { return cfg, nil },
		Kube:   kube.NewConnections(os.Getenv).Get,
		Target: func(context.Context, string, targets.Options) (targets.Target, error) {
			return nil, errors.New("no target in this test")
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- statusCmd.Run(ctx, opts); _ = pw.Close() }()
	t.Cleanup(func() {
		cancel()
		_ = pr.Close()
		if err := <-done; err != nil {
			t.Errorf("status --watch: %v", err)
		}
	})
	lines := make(chan statusCmd.Line, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var l statusCmd.Line
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("not a JSON line: %q: %v", sc.Text(), err)
				return
			}
			if l.SchemaVersion != status.SchemaVersion {
				t.Errorf("schemaVersion %d", l.SchemaVersion)
			}
			lines <- l
		}
	}()
	return lines
}

// waitEnv reads lines until one about env satisfies ok.
func waitEnv(t *testing.T, lines <-chan statusCmd.Line, env, what string, ok func(e *status.Env) bool) *status.Env {
	t.Helper()
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	var last *status.Env
	for {
		select {
		case l, open := <-lines:
			if !open {
				t.Fatalf("--watch ended before %s", what)
			}
			if l.Type == "env" && l.Env != nil && l.Env.Name == env {
				last = l.Env
				if ok(l.Env) {
					return l.Env
				}
			}
		case <-timer.C:
			b, _ := json.Marshal(last)
			t.Fatalf("no --watch line with %s after %v; last row: %s", what, deadline, b)
		}
	}
}

func component(e *status.Env, name string) status.Component {
	for _, c := range e.Components {
		if c.Name == name {
			return c
		}
	}
	return status.Component{}
}

// Scale a Deployment, fail a migration Job, make a pod crash-loop: each
// change arrives as a --watch line.
func TestWatchSandbox(t *testing.T) {
	sb := sandbox.Require(t)
	t.Setenv("KUBECONFIG", sb.Kubeconfig)
	ns := sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	App(t, sb, ns)
	lines := watchLines(t, writeConfig(t, map[string]string{"qa": ns}))
	c := sb.Client
	ctx := context.Background()

	e := waitEnv(t, lines, "qa", "web 2/2 and worker 1/1 ready", func(e *status.Env) bool {
		return component(e, "web").Ready == 2 && component(e, "worker").Ready == 1
	})
	if e.Version != "1.4.2" || e.Health != status.HealthOK || e.Namespace != ns {
		t.Errorf("row %+v", e)
	}

	// Scale web to 3.
	if _, err := c.AppsV1().Deployments(ns).UpdateScale(ctx, "web", scale(t, c, ns, "web", 3), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitEnv(t, lines, "qa", "web 3/3", func(e *status.Env) bool { c := component(e, "web"); return c.Desired == 3 && c.Ready == 3 })

	// A migration Job that cannot succeed: its pod is never scheduled, and
	// the job controller fails it after its active deadline.
	_, err := c.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "migrate-1", Labels: map[string]string{"app.kubernetes.io/component": "migrate", "app.kubernetes.io/part-of": "myapp"}},
		Spec: batchv1.JobSpec{ActiveDeadlineSeconds: ptr(int64(1)), BackoffLimit: i32(0),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				NodeSelector: map[string]string{"ctl-test/no-such-node": "true"},
				Containers:   []corev1.Container{{Name: "migrate", Image: "registry.example/myapp:1.4.2"}}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e = waitEnv(t, lines, "qa", "migration Failed", func(e *status.Env) bool { return e.Migration != nil && e.Migration.State == "Failed" })
	if e.Migration.Job != "migrate-1" || e.Health != status.HealthFail {
		t.Errorf("migration %+v health %s", e.Migration, e.Health)
	}

	// A crash-looping web pod (the fake node runs nothing: its status is
	// set as a kubelet would set it).
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
	if err != nil || len(pods.Items) == 0 {
		t.Fatalf("web pods: %v", err)
	}
	p := pods.Items[0]
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", Image: "registry.example/myapp:1.4.2", RestartCount: 4,
		State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 40s"}},
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: metav1.Now()}}}}
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == corev1.PodReady || p.Status.Conditions[i].Type == corev1.ContainersReady {
			p.Status.Conditions[i].Status = corev1.ConditionFalse
		}
	}
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e = waitEnv(t, lines, "qa", "a CrashLoopBackOff pod with 4 restarts", func(e *status.Env) bool {
		for _, q := range e.Pods {
			if q.Name == p.Name && q.Reason == "CrashLoopBackOff" && q.Restarts == 4 {
				return true
			}
		}
		return false
	})
	if e.Restarts < 4 {
		t.Errorf("restarts in the last hour %d, want ≥ 4", e.Restarts)
	}
}

func ptr[T any](v T) *T { return &v }

func scale(t *testing.T, c kubernetes.Interface, ns, name string, n int32) *autoscalingv1.Scale {
	t.Helper()
	s, err := c.AppsV1().Deployments(ns).GetScale(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Spec.Replicas = n
	return s
}
