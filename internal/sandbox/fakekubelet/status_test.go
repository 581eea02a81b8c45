package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/rules"
)

func jobPod(name string, c corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, UID: "uid-1",
			OwnerReferences: []metav1.OwnerReference{{Kind: "Job", Name: "j"}}},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{c}},
	}
}

func TestPlan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.json")
	if err := rules.Write(path, &rules.Rules{
		Exec:       []rules.Exec{{Namespace: "ns", PodPrefix: "web-", WorkDir: "/srv/app", Env: []string{"DATABASE_URL=postgres://local", "PATH=/venv/bin:/usr/bin"}}},
		Containers: []rules.Container{{Namespace: "ns", PodPrefix: "web-", Container: "web", Command: []string{"gunicorn"}}},
	}); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(nil, path, t.TempDir(), newProcTable())
	spec := corev1.Container{Name: "web", Command: []string{"python", "manage.py"}, Args: []string{"migrate"},
		Env: []corev1.EnvVar{{Name: "DJANGO_SETTINGS_MODULE", Value: "mysite.settings"}, {Name: "DATABASE_URL", Value: "postgres://in-cluster"},
			{Name: "FROM_SECRET", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "k"}}}}}

	// A Job's pod runs its own command, in the exec rule's directory,
	// the rule's variables over the container's literal ones.
	pl, ok := rt.plan(jobPod("web-run-x-1", spec), spec)
	env := strings.Join(pl.env, " ")
	if !ok || strings.Join(pl.argv, " ") != "python manage.py migrate" || pl.dir != "/srv/app" {
		t.Fatalf("plan %+v %v", pl, ok)
	}
	if !strings.Contains(env, "DJANGO_SETTINGS_MODULE=mysite.settings") || !strings.Contains(env, "DATABASE_URL=postgres://local") ||
		strings.Contains(env, "in-cluster") || strings.Contains(env, "FROM_SECRET") || !strings.Contains(env, "PATH=/venv/bin") {
		t.Errorf("env %q", env)
	}
	// A Deployment's pod runs its container rule.
	dep := jobPod("web-7f9c-1", spec)
	dep.OwnerReferences, dep.Spec.RestartPolicy = []metav1.OwnerReference{{Kind: "ReplicaSet"}}, corev1.RestartPolicyAlways
	if pl, ok := rt.plan(dep, spec); !ok || strings.Join(pl.argv, " ") != "gunicorn" {
		t.Errorf("Deployment pod: %+v %v", pl, ok)
	}
	// A Job's pod nothing covers completes at once; a serving pod waits for a rule.
	other := corev1.Container{Name: "x"}
	if pl, ok := rt.plan(jobPod("other-1", other), other); !ok || len(pl.argv) != 0 {
		t.Errorf("uncovered Job pod: %+v %v", pl, ok)
	}
	dep.Name = "other-2"
	if _, ok := rt.plan(dep, other); ok {
		t.Error("an uncovered serving pod got a plan")
	}
}

// applyStatus reports a container as the kubelet does.
func TestApplyStatus(t *testing.T) {
	rt := newRuntime(nil, filepath.Join(t.TempDir(), "rules.json"), t.TempDir(), newProcTable())
	pod := func() *corev1.Pod {
		p := jobPod("web-run-x-1", corev1.Container{Name: "web"})
		p.Status = corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions:        []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "web", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}}
		return p
	}
	ended := func(code int, reason string) *instance {
		in := newInstance("x")
		in.notify(true, code, reason)
		return in
	}
	c := &container{running: true}
	rt.byName["ns/web-run-x-1/web"] = c

	// A Job's container that exited 7: terminated, the pod Failed.
	c.instances, c.final = []*instance{ended(7, "Error")}, true
	p := pod()
	if !rt.applyStatus(p) {
		t.Fatal("nothing changed")
	}
	st := p.Status.ContainerStatuses[0]
	if p.Status.Phase != corev1.PodFailed || st.State.Terminated == nil || st.State.Terminated.ExitCode != 7 || st.State.Terminated.Reason != "Error" || st.Ready || st.ContainerID == "" {
		t.Fatalf("phase %s, status %+v", p.Status.Phase, st)
	}
	if rt.applyStatus(p) {
		t.Error("a second pass changed something")
	}

	// Exit 0: Succeeded.
	c.instances = []*instance{ended(0, "Completed")}
	p = pod()
	rt.applyStatus(p)
	if p.Status.Phase != corev1.PodSucceeded {
		t.Fatalf("phase %s", p.Status.Phase)
	}

	// A serving container after its second crash: CrashLoopBackOff,
	// restartCount 1, the last exit in lastState, the pod not Ready.
	c.instances, c.final, c.backoff, c.backoffFor = []*instance{ended(3, "Error"), ended(3, "Error")}, false, true, 2*time.Second
	p = pod()
	p.Spec.RestartPolicy = corev1.RestartPolicyAlways
	rt.applyStatus(p)
	st = p.Status.ContainerStatuses[0]
	if st.State.Waiting == nil || st.State.Waiting.Reason != "CrashLoopBackOff" || st.RestartCount != 1 ||
		st.LastTerminationState.Terminated == nil || st.LastTerminationState.Terminated.ExitCode != 3 || st.Ready {
		t.Fatalf("status %+v", st)
	}
	if p.Status.Phase != corev1.PodRunning || p.Status.Conditions[0].Status != corev1.ConditionFalse {
		t.Fatalf("phase %s, conditions %+v", p.Status.Phase, p.Status.Conditions)
	}

	// An image that cannot be pulled: waiting with the pull's reason,
	// never Ready, no container ID, the pod neither Succeeded nor Failed.
	c.instances, c.running, c.final, c.backoff = nil, false, false, false
	c.pull, c.pullMsg = "ImagePullBackOff", "Back-off pulling image"
	p = pod()
	if !rt.applyStatus(p) {
		t.Fatal("nothing changed for an image pull failure")
	}
	st = p.Status.ContainerStatuses[0]
	if st.State.Waiting == nil || st.State.Waiting.Reason != "ImagePullBackOff" || st.Ready || st.ContainerID != "" {
		t.Fatalf("image pull failure: status %+v", st)
	}
	if p.Status.Phase != corev1.PodRunning || p.Status.Conditions[0].Status != corev1.ConditionFalse {
		t.Fatalf("image pull failure: phase %s, conditions %+v", p.Status.Phase, p.Status.Conditions)
	}
}

func TestPullFails(t *testing.T) {
	for image, fails := range map[string]bool{
		"unpullable.invalid/myapp:2": true, "unpullable.invalid:5000/myapp:2": true, "registry.example.invalid/web:1": false,
		"myapp:1.4.2": false, "nginx": false, "library/nginx:1.27": false, "registry.example.com:5000/myapp@sha256:abcd": false,
	} {
		msg, got := pullFails(image)
		if got != fails || (got && !strings.Contains(msg, "no such host")) {
			t.Errorf("%s: %v %q, want %v", image, got, msg, fails)
		}
	}
}
