package restart_test

// `ctl restart` against the Kubernetes sandbox: the real Deployment and
// ReplicaSet controllers roll the pods; fakekubelet runs their
// "containers" and reports a crash loop as the kubelet does.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

type trailRec struct {
	Verb     string `json:"verb"`
	ExitCode int    `json:"exitCode"`
	Detail   string `json:"detail"`
	Error    string `json:"error"`
}

func webPods(t *testing.T, a *sandboxtest.App) []corev1.Pod {
	t.Helper()
	l, err := a.SB.Client.CoreV1().Pods(a.NS).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range l.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func TestRestartSandboxHealthy(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2, Logs: true, LogInterval: "1"})
	before := map[string]bool{}
	for _, p := range webPods(t, a) {
		before[p.Name] = true
	}
	r := a.Run(t, "", "restart", "qa", "web")
	if r.Code != 0 || !strings.Contains(r.Stderr, "deployment/web") || !strings.Contains(r.Stderr, "2/2 ready") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	pods := webPods(t, a)
	if len(pods) != 2 {
		t.Fatalf("%d web pods after the restart, want 2", len(pods))
	}
	for _, p := range pods {
		if before[p.Name] || p.Annotations["kubectl.kubernetes.io/restartedAt"] == "" {
			t.Errorf("pod %s is not a restarted one (annotations %v)", p.Name, p.Annotations)
		}
	}
	recs := testenv.ReadTrail[trailRec](t, a.Home)
	if last := recs[len(recs)-1]; last.Verb != "restart" || last.ExitCode != 0 || !strings.Contains(last.Detail, "deployment/web 2/2") {
		t.Fatalf("trail: %+v", last)
	}
}

func TestRestartSandboxCrashLoop(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2, Logs: true, LogInterval: "1"})
	// The running pods keep their command; the new ones crash.
	a.SB.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: "web-", Container: "web",
		Command: []string{"/bin/sh", "-c", "echo 'django.core.exceptions.ImproperlyConfigured: boom' >&2; exit 3"}})
	// A deadline far away: the failure must come from the crash loop.
	r := a.Run(t, "", "restart", "qa", "web", "--timeout", "10m", "--json")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	var doc struct {
		OK      bool `json:"ok"`
		Failure struct {
			Reason   string `json:"reason"`
			Message  string `json:"message"`
			Evidence []struct {
				Name string   `json:"Name"`
				Logs []string `json:"Logs"`
			} `json:"evidence"`
		} `json:"failure"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.Stdout)
	}
	if doc.OK || doc.Failure.Reason != "CrashLoopBackOff" || !strings.Contains(doc.Failure.Message, "last exit 3") {
		t.Fatalf("failure: %+v\nstderr:\n%s", doc.Failure, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "ImproperlyConfigured: boom") || !strings.Contains(r.Stderr, "CrashLoopBackOff") {
		t.Fatalf("stderr does not show the new pod's last log lines:\n%s", r.Stderr)
	}
	// What the kubelet reports: after its second crash the new pod
	// waits in CrashLoopBackOff, its restart counted, with the last exit.
	found := false
	for _, p := range webPods(t, a) {
		for _, cs := range p.Status.ContainerStatuses {
			if w := cs.State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" && cs.RestartCount >= 1 &&
				cs.LastTerminationState.Terminated != nil && cs.LastTerminationState.Terminated.ExitCode == 3 {
				found = true
			}
		}
	}
	if !found {
		t.Error("no new pod reports CrashLoopBackOff with exit 3")
	}
}

// A Deployment an operator owns (here: an ownerReference to an object
// outside apps) is restarted pod by pod, its template left alone.
func TestRestartSandboxOperatorOwned(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2, Logs: true, LogInterval: "1"})
	ctx := context.Background()
	c := a.SB.Client
	owner, err := c.CoreV1().ConfigMaps(a.NS).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "myapp-operator"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	a.UpdateDeployment(t, "web", func(dep *appsv1.Deployment) {
		dep.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID, Controller: &yes}}
	})
	before := map[string]bool{}
	for _, p := range webPods(t, a) {
		before[p.Name] = true
	}
	r := a.Run(t, "", "restart", "qa", "web")
	if r.Code != 0 || !strings.Contains(r.Stderr, "owned by ConfigMap/myapp-operator") || !strings.Contains(r.Stderr, "2/2 ready") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	pods := webPods(t, a)
	if len(pods) != 2 {
		t.Fatalf("%d web pods, want 2", len(pods))
	}
	for _, p := range pods {
		if before[p.Name] {
			t.Errorf("pod %s was not replaced", p.Name)
		}
	}
	dep, err := c.AppsV1().Deployments(a.NS).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dep.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"]; ok {
		t.Error("the operator's Deployment template was patched")
	}
}

// On a terminal the progress line is rewritten in place and ends healthy.
func TestRestartSandboxTTY(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2, Logs: true, LogInterval: "1"})
	m := testenv.StartTmux(t, a.Dir, a.Env("TERM=xterm"), 100, 20, testenv.Ctl(t), "restart", "qa")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, m.Screen())
	}
	s := m.Screen()
	if !strings.Contains(s, "will restart:") || !strings.Contains(s, "deployment/web: rolling restart (2 pods") ||
		!strings.Contains(s, "2/2 ready  healthy") || !strings.Contains(s, "✓ qa restarted") {
		t.Fatalf("screen:\n%s", s)
	}
	if strings.Count(s, "deployment/web ") != 1 {
		t.Errorf("the progress line was not rewritten in place:\n%s", s)
	}
}

// New pods that cannot be scheduled stop the restart at once, with the
// scheduler's reason.
func TestRestartSandboxUnschedulable(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 1, Logs: true, LogInterval: "1"})
	// No node has this label: every new pod stays Pending.
	a.UpdateDeployment(t, "web", func(dep *appsv1.Deployment) {
		dep.Spec.Template.Spec.NodeSelector = map[string]string{"ctl-test/no-such-node": "true"}
	})
	r := a.Run(t, "", "restart", "qa", "web", "--timeout", "10m")
	if r.Code != 1 || !strings.Contains(r.Stderr, "restart failed: FailedScheduling") || !strings.Contains(r.Stderr, "node(s) didn't match") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// A release whose image cannot be pulled (its registry does not resolve):
// the restart fails at once with the kubelet's pull error, not at the
// deadline.
func TestRestartSandboxImagePull(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 1, Logs: true, LogInterval: "1"})
	patch := []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"unpullable.invalid/myapp:2"}]}}}}`)
	if _, err := a.SB.Client.AppsV1().Deployments(a.NS).Patch(context.Background(), "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	r := a.Run(t, "", "restart", "qa", "web", "--timeout", "10m")
	if r.Code != 1 || !strings.Contains(r.Stderr, "restart failed: ") || !strings.Contains(r.Stderr, "unpullable.invalid/myapp:2") ||
		!(strings.Contains(r.Stderr, "ErrImagePull") || strings.Contains(r.Stderr, "ImagePullBackOff")) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// New pods that run but never become Ready (a readiness probe that does
// not pass) neither crash nor stay unscheduled: the Deployment's
// progress deadline says the rollout is stuck, and the restart fails
// with it, not at ctl's own --timeout.
func TestRestartSandboxProgressDeadline(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 1, Logs: true, LogInterval: "1"})
	patch := []byte(`{"spec":{"progressDeadlineSeconds":3,"template":{"spec":{"containers":[{"name":"web",` +
		`"readinessProbe":{"initialDelaySeconds":3600,"exec":{"command":["true"]}}}]}}}}`)
	if _, err := a.SB.Client.AppsV1().Deployments(a.NS).Patch(context.Background(), "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	r := a.Run(t, "", "restart", "qa", "web", "--timeout", "10m")
	if r.Code != 1 || !strings.Contains(r.Stderr, "restart failed: ProgressDeadlineExceeded") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// A StatefulSet component (here: celery beat, which must run once) is
// restarted like a Deployment: the restartedAt annotation, its pod
// replaced by the StatefulSet controller, watched until Ready.
func TestRestartSandboxStatefulSet(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 1})
	ctx := context.Background()
	labels := map[string]string{"app.kubernetes.io/name": "myapp", "app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "beat"}
	one := int32(1)
	if _, err := a.SB.Client.AppsV1().StatefulSets(a.NS).Create(ctx, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "beat"},
		Spec: appsv1.StatefulSetSpec{Replicas: &one, ServiceName: "beat", Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "beat", Image: "myapp:1.4.2"}}}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	a.SB.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=beat", 1)
	before, err := a.SB.Client.CoreV1().Pods(a.NS).Get(ctx, "beat-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := a.Run(t, "", "restart", "qa", "beat", "--timeout", "2m")
	if r.Code != 0 || !strings.Contains(r.Stderr, "statefulset/beat") || !strings.Contains(r.Stderr, "1/1 ready") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	after, err := a.SB.Client.CoreV1().Pods(a.NS).Get(ctx, "beat-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after.UID == before.UID || after.Annotations["kubectl.kubernetes.io/restartedAt"] == "" {
		t.Errorf("beat-0 was not replaced by a restarted pod (uid %s → %s, annotations %v)", before.UID, after.UID, after.Annotations)
	}
}

// A DaemonSet component (here: a log shipper on every node) is restarted
// like the others: the restartedAt annotation, its pod replaced by the
// DaemonSet controller, watched until Ready.
func TestRestartSandboxDaemonSet(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 1})
	ctx := context.Background()
	labels := map[string]string{"app.kubernetes.io/name": "myapp", "app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": "shipper"}
	if _, err := a.SB.Client.AppsV1().DaemonSets(a.NS).Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "shipper"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "shipper", Image: "myapp:1.4.2"}}}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	a.SB.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=shipper", 1)
	pods := func() []corev1.Pod {
		l, err := a.SB.Client.CoreV1().Pods(a.NS).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=shipper"})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	before := pods()
	r := a.Run(t, "", "restart", "qa", "shipper", "--timeout", "2m")
	if r.Code != 0 || !strings.Contains(r.Stderr, "daemonset/shipper") || !strings.Contains(r.Stderr, "1/1 ready") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	restarted := 0
	for _, p := range pods() {
		if p.DeletionTimestamp == nil && p.UID != before[0].UID && p.Annotations["kubectl.kubernetes.io/restartedAt"] != "" {
			restarted++
		}
	}
	if restarted != 1 {
		t.Errorf("%d restarted shipper pods, want 1 (replacing %s)", restarted, before[0].Name)
	}
}
