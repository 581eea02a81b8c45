package status_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

// The full-screen view on a real terminal (tmux) against the sandbox:
// rows appear and follow the cluster; enter opens the detail; s suspends
// the view for a shell in the environment's pod and comes back after exit.
func TestTmuxStatusSandbox(t *testing.T) {
	sb := sandbox.Require(t)
	testenv.RequireTool(t, "tmux")
	ns := sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	App(t, sb, ns)
	podDir := t.TempDir() // the "container's" working directory
	home := t.TempDir()
	sb.SetExecRule(t, sandbox.ExecRule{Namespace: ns, PodPrefix: "web-", WorkDir: podDir, Env: []string{"HOME=" + home}})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    namespace: "+ns+"\n    shell: /bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "LANG=C.UTF-8", "KUBECONFIG=" + sb.Kubeconfig}
	m := testenv.StartTmux(t, dir, env, 150, 30, testenv.Ctl(t), "status")
	m.WaitForText("web 2/2 worker 1/1")

	c := sb.Client
	ctx := context.Background()
	s, err := c.AppsV1().Deployments(ns).GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Spec.Replicas = 3
	if _, err := c.AppsV1().Deployments(ns).UpdateScale(ctx, "web", s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	m.WaitForText("web 3/3 worker 1/1")

	_, err = c.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "migrate-1", Labels: map[string]string{"app.kubernetes.io/component": "migrate", "app.kubernetes.io/part-of": "myapp"}},
		Spec: batchv1.JobSpec{ActiveDeadlineSeconds: ptr(int64(1)), BackoffLimit: i32(0),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				NodeSelector: map[string]string{"ctl-test/no-such-node": "true"},
				Containers:   []corev1.Container{{Name: "migrate", Image: "registry.example/myapp:1.4.2"}}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m.WaitForText("Failed (DeadlineExceeded)")

	pods := sb.WaitPodsReady(t, ns, "app.kubernetes.io/component=web", 3)
	p := pods[0]
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", Image: "registry.example/myapp:1.4.2", RestartCount: 4,
		State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: metav1.Now()}}}}
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == corev1.PodReady || p.Status.Conditions[i].Type == corev1.ContainersReady {
			p.Status.Conditions[i].Status = corev1.ConditionFalse
		}
	}
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	m.Keys("j") // past the implicit local environment, to qa
	m.Keys("Enter")
	m.WaitFor("the crash-looping pod in the detail pane", func(s string) bool {
		return strings.Contains(s, p.Name) && strings.Contains(s, "CrashLoopBackOff")
	})
	m.Keys("Escape")
	m.WaitForText("LAST WARNING")

	// s: a shell in a ready web pod; the view is suspended meanwhile.
	m.Keys("s")
	m.Type("echo in-pod:$(pwd)")
	m.WaitForText("in-pod:" + podDir)
	m.Type("exit")
	m.WaitForText("shell qa: exited 0")
	m.WaitForText("web 2/3 worker 1/1")
	m.Keys("q")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("ctl status exited %d; screen:\n%s", code, m.Screen())
	}
}
