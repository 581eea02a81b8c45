package kubewatch

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/status"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func i32(i int32) *int32 { return &i }

func deployment(name, comp, version string, desired, ready int32) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Generation: 2,
		CreationTimestamp: metav1.NewTime(now.Add(-48 * time.Hour))}}
	d.Spec.Replicas = i32(desired)
	d.Spec.Template.Labels = map[string]string{componentLabel: comp}
	if version != "" {
		d.Spec.Template.Labels[versionLabel] = version
	}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "nginx", Image: "nginx:1.27"}, {Name: comp, Image: "registry.example/myapp:sha-abc"}}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: desired, UpdatedReplicas: desired, ReadyReplicas: ready, AvailableReplicas: ready}
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue,
		Reason: "NewReplicaSetAvailable", LastUpdateTime: metav1.NewTime(now.Add(-5 * time.Minute))}}
	return d
}

func pod(name, comp string, restarts int32, waiting string, lastFinished time.Time) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{componentLabel: comp},
		CreationTimestamp: metav1.NewTime(now.Add(-10 * time.Minute))}}
	p.Spec.NodeName = "kwok-node-0"
	p.Spec.Containers = []corev1.Container{{Name: comp}}
	p.Status.Phase = corev1.PodRunning
	cs := corev1.ContainerStatus{Name: comp, Ready: waiting == "", RestartCount: restarts}
	if waiting != "" {
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: waiting}
	}
	if !lastFinished.IsZero() {
		cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1, FinishedAt: metav1.NewTime(lastFinished)}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
	return p
}

func TestBuildHealthy(t *testing.T) {
	o := Objects{
		Deployments: []*appsv1.Deployment{deployment("worker", "worker", "1.4.2", 1, 1), deployment("web", "web", "1.4.2", 2, 2)},
		Pods:        []*corev1.Pod{pod("web-1", "web", 0, "", time.Time{}), pod("web-2", "web", 3, "", now.Add(-3*time.Hour)), pod("worker-1", "worker", 0, "", time.Time{})},
	}
	e := Build(EnvSpec{Name: "qa", Namespace: "ns"}, "sbx", o, now)
	if e.Health != status.HealthOK {
		t.Fatalf("health %s, want ok: %+v", e.Health, e)
	}
	if e.Version != "1.4.2" || e.Where != "sbx/ns" {
		t.Errorf("version %q where %q", e.Version, e.Where)
	}
	if len(e.Components) != 2 || e.Components[0].Name != "web" || e.Components[0].Ready != 2 || e.Components[1].Name != "worker" {
		t.Errorf("components %+v (web first)", e.Components)
	}
	if e.Restarts != 0 {
		t.Errorf("restarts %d: a restart 3h ago is not in the last hour", e.Restarts)
	}
	if got := now.Sub(e.RolloutAt); got != 5*time.Minute || e.RolloutProgress {
		t.Errorf("rollout %v ago, in progress %v", got, e.RolloutProgress)
	}
	if e.Migration != nil {
		t.Errorf("migration %+v without a Job", e.Migration)
	}
}

func TestBuildProblems(t *testing.T) {
	web := deployment("web", "web", "", 3, 2)
	web.Status.UpdatedReplicas = 2 // a rollout in progress
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "migrate-42", Namespace: "ns", CreationTimestamp: metav1.NewTime(now.Add(-time.Minute))}}
	job.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}
	old := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "migrate-41", Namespace: "ns", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))}}
	old.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	other := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "backup", Namespace: "ns", CreationTimestamp: metav1.NewTime(now)}}
	jp := pod("migrate-42-abc", "migrate", 0, "", time.Time{})
	jp.Labels["batch.kubernetes.io/job-name"] = "migrate-42"
	o := Objects{
		Deployments: []*appsv1.Deployment{web},
		Pods:        []*corev1.Pod{pod("web-1", "web", 5, "CrashLoopBackOff", now.Add(-30*time.Second)), jp},
		Jobs:        []*batchv1.Job{old, job, other},
		Events: []*corev1.Event{
			{Type: "Warning", Reason: "BackOff", Message: "Back-off restarting failed container", InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-1"}, LastTimestamp: metav1.NewTime(now.Add(-20 * time.Second))},
			{Type: "Warning", Reason: "Old", Message: "older", InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-1"}, LastTimestamp: metav1.NewTime(now.Add(-time.Hour))},
		},
	}
	e := Build(EnvSpec{Name: "qa", Namespace: "ns", Protected: true}, "sbx", o, now)
	if e.Health != status.HealthFail {
		t.Errorf("health %s, want fail", e.Health)
	}
	if e.Version != "sha-abc" {
		t.Errorf("version %q: want the web container's image tag (not nginx's)", e.Version)
	}
	if e.Restarts != 5 {
		t.Errorf("restarts %d, want 5", e.Restarts)
	}
	if !e.RolloutProgress {
		t.Error("rollout not in progress")
	}
	if e.Migration == nil || e.Migration.Job != "migrate-42" || e.Migration.State != "Failed" || e.Migration.Reason != "BackoffLimitExceeded" ||
		len(e.Migration.Pods) != 1 || e.Migration.Pods[0] != "migrate-42-abc" {
		t.Errorf("migration %+v", e.Migration)
	}
	if e.LastWarning == nil || e.LastWarning.Reason != "BackOff" || e.LastWarning.Object != "pod/web-1" {
		t.Errorf("last warning %+v", e.LastWarning)
	}
	if e.Pods[0].Reason != "CrashLoopBackOff" && e.Pods[1].Reason != "CrashLoopBackOff" {
		t.Errorf("pods %+v", e.Pods)
	}
}

func TestBuildConfiguredSelectorsAndEmpty(t *testing.T) {
	d := deployment("django", "", "", 1, 1)
	d.Spec.Template.Labels = map[string]string{"app": "django"}
	e := Build(EnvSpec{Name: "qa", Namespace: "ns", Components: map[string]string{"web": "app=django"}}, "c", Objects{Deployments: []*appsv1.Deployment{d}}, now)
	if e.Components[0].Name != "web" {
		t.Errorf("component %q, want web (from components:)", e.Components[0].Name)
	}
	e = Build(EnvSpec{Name: "qa", Namespace: "ns"}, "c", Objects{}, now)
	if e.Health != status.HealthUnknown || e.Note == "" {
		t.Errorf("empty namespace: health %s note %q", e.Health, e.Note)
	}
}

func TestTrimKeepsWhatRowsNeed(t *testing.T) {
	p := pod("web-1", "web", 2, "CrashLoopBackOff", now)
	p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}
	p.Annotations = map[string]string{"big": "x"}
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "SECRET", Value: "x"}}
	out, _ := Trim(p)
	tp := out.(*corev1.Pod)
	if tp.ManagedFields != nil || tp.Annotations != nil || tp.Spec.Containers[0].Env != nil {
		t.Errorf("not trimmed: %+v", tp)
	}
	a := Build(EnvSpec{Name: "qa", Namespace: "ns"}, "c", Objects{Pods: []*corev1.Pod{p}}, now)
	b := Build(EnvSpec{Name: "qa", Namespace: "ns"}, "c", Objects{Pods: []*corev1.Pod{tp}}, now)
	if a.Restarts != b.Restarts || a.Pods[0] != b.Pods[0] {
		t.Errorf("trimmed pod builds differently:\n%+v\n%+v", a.Pods[0], b.Pods[0])
	}
}

func TestImageTag(t *testing.T) {
	for img, want := range map[string]string{
		"nginx": "latest", "nginx:1.27": "1.27", "localhost:5000/app": "latest", "localhost:5000/app:v2": "v2",
		"app@sha256:0123456789abcdef0123456789": "sha256:0123456789ab",
	} {
		if got := imageTag(img); got != want {
			t.Errorf("imageTag(%q) = %q, want %q", img, got, want)
		}
	}
}
