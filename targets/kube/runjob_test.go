package kube

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func runFixture() (*appsv1.Deployment, *corev1.Pod) {
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}}}
	uid := int64(1000)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "myapp-web", Namespace: "prod"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{
				Labels: map[string]string{"app.kubernetes.io/component": "web", "app.kubernetes.io/part-of": "myapp"},
				Annotations: map[string]string{
					"sidecar.istio.io/inject": "true", "linkerd.io/inject": "enabled", restartedAtAnn: "2026-01-01T00:00:00Z",
					"prometheus.io/scrape": "true",
				},
			},
			Spec: corev1.PodSpec{
				ServiceAccountName: "myapp",
				SecurityContext:    &corev1.PodSecurityContext{RunAsUser: &uid},
				Volumes:            []corev1.Volume{{Name: "media"}},
				NodeName:           "node-1",
				Containers: []corev1.Container{
					{Name: "nginx", Image: "nginx:1.27"},
					{
						Name: "web", Image: "registry.example.com:5000/myapp:1.4.2", Command: []string{"gunicorn"}, Args: []string{"mysite.wsgi"},
						Env:            []corev1.EnvVar{{Name: "DJANGO_SETTINGS_MODULE", Value: "mysite.settings"}},
						EnvFrom:        []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-env"}}}},
						VolumeMounts:   []corev1.VolumeMount{{Name: "media", MountPath: "/media"}},
						Ports:          []corev1.ContainerPort{{ContainerPort: 8000}},
						LivenessProbe:  probe,
						ReadinessProbe: probe,
						StartupProbe:   probe,
						Lifecycle:      &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"sleep", "5"}}}},
					},
				},
			},
		}},
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "myapp-web-7f9c-abcde", Namespace: "prod"},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{
			{Name: "nginx", ImageID: "docker.io/library/nginx@sha256:1111"},
			{Name: "web", ImageID: "registry.example.com:5000/myapp@sha256:abcd"},
		}},
	}
	return dep, pod
}

func TestBuildRunJob(t *testing.T) {
	dep, pod := runFixture()
	job := BuildRunJob(dep, pod, RunJobSpec{
		Name: "myapp-web-run-x7k2p", Namespace: "prod", Container: "web", Component: "web",
		Argv: []string{"python", "manage.py", "migrate"}, Command: "python manage.py migrate",
		TTY: true, Deadline: 90 * time.Second, Verb: "run", User: "ada lovelace", Session: "abc123",
	})
	if job.Name != "myapp-web-run-x7k2p" || job.Namespace != "prod" {
		t.Fatalf("name %s/%s", job.Namespace, job.Name)
	}
	s := job.Spec
	if *s.BackoffLimit != 0 || *s.ActiveDeadlineSeconds != 90 || *s.TTLSecondsAfterFinished != DefaultRunTTL {
		t.Errorf("backoffLimit %d, deadline %d, ttl %d", *s.BackoffLimit, *s.ActiveDeadlineSeconds, *s.TTLSecondsAfterFinished)
	}
	ps := s.Template.Spec
	if ps.RestartPolicy != corev1.RestartPolicyNever || ps.NodeName != "" {
		t.Errorf("restartPolicy %q, nodeName %q", ps.RestartPolicy, ps.NodeName)
	}
	if ps.ServiceAccountName != "myapp" || ps.SecurityContext == nil || *ps.SecurityContext.RunAsUser != 1000 || len(ps.Volumes) != 1 {
		t.Errorf("service account, security context or volumes lost: %+v", ps)
	}
	if len(ps.Containers) != 1 {
		t.Fatalf("containers: %d, want only the app's", len(ps.Containers))
	}
	c := ps.Containers[0]
	if c.Name != "web" || c.Image != "registry.example.com:5000/myapp@sha256:abcd" {
		t.Errorf("container %s image %s: want web pinned to the running digest", c.Name, c.Image)
	}
	if len(c.Command) != 3 || c.Command[2] != "migrate" || c.Args != nil {
		t.Errorf("command %q args %q", c.Command, c.Args)
	}
	if c.LivenessProbe != nil || c.ReadinessProbe != nil || c.StartupProbe != nil || c.Ports != nil || c.Lifecycle != nil {
		t.Errorf("probes, ports or lifecycle kept: %+v", c)
	}
	if len(c.Env) != 1 || len(c.EnvFrom) != 1 || len(c.VolumeMounts) != 1 {
		t.Errorf("env, envFrom or mounts lost: %+v", c)
	}
	if !c.Stdin || !c.StdinOnce || !c.TTY {
		t.Errorf("stdin %v once %v tty %v", c.Stdin, c.StdinOnce, c.TTY)
	}
	ann := s.Template.Annotations
	for _, k := range []string{"sidecar.istio.io/inject", "linkerd.io/inject", restartedAtAnn} {
		if _, ok := ann[k]; ok {
			t.Errorf("annotation %s kept", k)
		}
	}
	if ann["prometheus.io/scrape"] != "true" || ann[defaultContainer] != "web" {
		t.Errorf("annotations: %v", ann)
	}
	l := s.Template.Labels
	if _, ok := l["app.kubernetes.io/component"]; ok {
		t.Errorf("the pod keeps the app's labels (a Service would send it traffic): %v", l)
	}
	if l[ManagedByLabel] != "ctl" || l[UserLabel] != "ada_lovelace" || l[SessionLabel] != "abc123" || l[RunLabel] != job.Name || job.Labels[VerbLabel] != "run" {
		t.Errorf("labels: pod %v, job %v", l, job.Labels)
	}
	if job.Annotations[CommandAnn] != "python manage.py migrate" {
		t.Errorf("command annotation %q", job.Annotations[CommandAnn])
	}
	// The Deployment is not changed.
	if len(dep.Spec.Template.Spec.Containers) != 2 || dep.Spec.Template.Spec.Containers[1].LivenessProbe == nil {
		t.Error("BuildRunJob modified the Deployment")
	}
}

func TestBuildRunJobWithoutDigestOrDeployment(t *testing.T) {
	_, pod := runFixture()
	pod.Spec = corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "myapp:1.4.2"}}, NodeName: "n"}
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", ImageID: ""}}
	job := BuildRunJob(nil, pod, RunJobSpec{Name: "x", Container: "web", Argv: []string{"true"}})
	c := job.Spec.Template.Spec.Containers[0]
	if c.Image != "myapp:1.4.2" || c.Stdin || c.TTY {
		t.Errorf("image %s stdin %v tty %v", c.Image, c.Stdin, c.TTY)
	}
	if *job.Spec.ActiveDeadlineSeconds != int64(DefaultRunTimeout/time.Second) || job.Spec.Template.Spec.NodeName != "" {
		t.Errorf("deadline %d node %q", *job.Spec.ActiveDeadlineSeconds, job.Spec.Template.Spec.NodeName)
	}
}

func TestPinnedImage(t *testing.T) {
	pod := func(id string) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "web", ImageID: id}}}}
	}
	for _, tc := range []struct{ image, id, want string }{
		{"myapp:1.4.2", "docker-pullable://myapp@sha256:aa", "myapp@sha256:aa"},
		{"localhost:5000/myapp", "localhost:5000/myapp@sha256:bb", "localhost:5000/myapp@sha256:bb"},
		{"myapp@sha256:old", "docker.io/library/myapp@sha256:cc", "myapp@sha256:cc"},
		{"myapp:1", "sha256:dd", ""},
		{"myapp:1", "", ""},
	} {
		if got := PinnedImage(tc.image, pod(tc.id), "web"); got != tc.want {
			t.Errorf("PinnedImage(%q, %q) = %q, want %q", tc.image, tc.id, got, tc.want)
		}
	}
}

// --size replaces the named resources' requests and limits of the app
// container and keeps the others as the Deployment has them.
func TestBuildRunJobSize(t *testing.T) {
	dep, pod := runFixture()
	web := &dep.Spec.Template.Spec.Containers[1]
	web.Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("256Mi"), corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")},
	}
	size, err := ParseSize("cpu=2, memory=4Gi")
	if err != nil {
		t.Fatal(err)
	}
	job := BuildRunJob(dep, pod, RunJobSpec{Name: "x", Container: "web", Argv: []string{"true"}, Size: size})
	r := job.Spec.Template.Spec.Containers[0].Resources
	for _, tc := range []struct {
		list corev1.ResourceList
		name corev1.ResourceName
		want string
	}{
		{r.Requests, corev1.ResourceCPU, "2"}, {r.Limits, corev1.ResourceCPU, "2"},
		{r.Requests, corev1.ResourceMemory, "4Gi"}, {r.Limits, corev1.ResourceMemory, "4Gi"},
		{r.Requests, corev1.ResourceEphemeralStorage, "1Gi"},
	} {
		if q := tc.list[tc.name]; q.String() != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, q.String(), tc.want)
		}
	}
	if q := dep.Spec.Template.Spec.Containers[1].Resources.Requests[corev1.ResourceCPU]; q.String() != "250m" {
		t.Errorf("the Deployment was changed: cpu %s", q.String())
	}
	for _, bad := range []string{"cpu", "gpu=1", "cpu=-1", "memory=lots", "cpu=0"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
	if s, err := ParseSize(""); err != nil || len(s) != 0 {
		t.Errorf("empty: %v %v", s, err)
	}
}
