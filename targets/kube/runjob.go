package kube

// The Job of `ctl run`: built from the live Deployment's pod template, a
// pure function so that its rules are tested without a cluster.

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/textutil"
)

// Labels and annotations ctl puts on what it starts.
const (
	ManagedByLabel    = "app.kubernetes.io/managed-by"
	ManagedByCtl      = "ctl"
	RunLabel          = "ctlops.dev/run"     // the Job's name, on the Job and its pod
	VerbLabel         = "ctlops.dev/verb"    // run, migrate
	UserLabel         = "ctlops.dev/user"    // who started it (label-safe)
	SessionLabel      = "ctlops.dev/session" // the ctl invocation
	ComponentAnn      = "ctlops.dev/component"
	CommandAnn        = "ctlops.dev/command" // what runs (redacted by the caller)
	JobNameLabel      = "batch.kubernetes.io/job-name"
	restartedAtAnn    = "kubectl.kubernetes.io/restartedAt"
	DefaultRunTTL     = int32(24 * 60 * 60)
	DefaultRunTimeout = time.Hour
)

// RunJobSpec is what BuildRunJob needs besides the Deployment and pod.
type RunJobSpec struct {
	Name      string // the Job's name
	Namespace string
	Container string // the app container (the others are left out)
	Component string
	Argv      []string
	Command   string // Argv as recorded (redacted)
	// Stdin and TTY: the container gets stdin (stdinOnce) and a TTY.
	Stdin, TTY bool
	Deadline   time.Duration // activeDeadlineSeconds (DefaultRunTimeout when 0)
	TTL        int32         // ttlSecondsAfterFinished (DefaultRunTTL when 0)
	Verb       string        // run, migrate
	User       string
	Session    string
	// Size replaces the app container's requests and limits of these
	// resources (ctl run --size); others stay as the Deployment has them.
	Size corev1.ResourceList
}

// sidecar injectors' annotations: a Job's pod must not get a mesh sidecar
// that never exits.
var sidecarAnn = textutil.Regexp(`(^|/)(inject|sidecar\.istio\.io/.*|.*inject.*)$`)

// BuildRunJob returns the Job that runs spec.Argv like the Deployment's
// pods: its pod template (from dep, or from pod when dep is nil), image
// pinned to the running pod's digest when the status has one, env,
// envFrom, volumes, service account and security context kept; probes,
// ports, lifecycle hooks, the other containers and sidecar injection left
// out; restartPolicy Never, no retries, a deadline, cleaned up after TTL.
// Only ctl's labels are put on the pod, so that no Service or
// Deployment selector takes it for one of the app's.
func BuildRunJob(dep *appsv1.Deployment, pod *corev1.Pod, spec RunJobSpec) *batchv1.Job {
	var tmpl corev1.PodTemplateSpec
	switch {
	case dep != nil:
		tmpl = *dep.Spec.Template.DeepCopy()
	case pod != nil:
		tmpl = corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: pod.Annotations}, Spec: *pod.Spec.DeepCopy()}
	}
	ps := &tmpl.Spec
	var app *corev1.Container
	for i := range ps.Containers {
		if ps.Containers[i].Name == spec.Container {
			app = ps.Containers[i].DeepCopy()
		}
	}
	if app == nil && len(ps.Containers) > 0 {
		app = ps.Containers[0].DeepCopy()
	}
	if app == nil {
		app = &corev1.Container{Name: spec.Container}
	}
	if img := PinnedImage(app.Image, pod, app.Name); img != "" {
		app.Image = img
	}
	app.Command, app.Args = append([]string{}, spec.Argv...), nil
	app.LivenessProbe, app.ReadinessProbe, app.StartupProbe = nil, nil, nil
	app.Ports, app.Lifecycle = nil, nil
	app.Stdin, app.StdinOnce, app.TTY = spec.Stdin || spec.TTY, spec.Stdin || spec.TTY, spec.TTY
	for name, q := range spec.Size {
		if app.Resources.Requests == nil {
			app.Resources.Requests = corev1.ResourceList{}
		}
		if app.Resources.Limits == nil {
			app.Resources.Limits = corev1.ResourceList{}
		}
		app.Resources.Requests[name], app.Resources.Limits[name] = q, q
	}
	ps.Containers = []corev1.Container{*app}
	for i := range ps.InitContainers {
		c := &ps.InitContainers[i]
		c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil
	}
	ps.RestartPolicy = corev1.RestartPolicyNever
	ps.NodeName, ps.Hostname, ps.Subdomain = "", "", ""
	ps.ActiveDeadlineSeconds = nil

	ann := map[string]string{}
	for k, v := range tmpl.Annotations {
		if k == restartedAtAnn || sidecarAnn().MatchString(k) {
			continue
		}
		ann[k] = v
	}
	ann[defaultContainer] = app.Name
	labels := map[string]string{
		ManagedByLabel: ManagedByCtl, RunLabel: spec.Name, VerbLabel: orDefault(spec.Verb, "run"),
		UserLabel: LabelValue(spec.User), SessionLabel: LabelValue(spec.Session),
	}
	tmpl.ObjectMeta = metav1.ObjectMeta{Labels: labels, Annotations: ann}

	deadline := spec.Deadline
	if deadline <= 0 {
		deadline = DefaultRunTimeout
	}
	secs := int64(deadline / time.Second)
	if secs < 1 {
		secs = 1
	}
	ttl := spec.TTL
	if ttl == 0 {
		ttl = DefaultRunTTL
	}
	zero := int32(0)
	jobLabels := map[string]string{}
	for k, v := range labels {
		jobLabels[k] = v
	}
	return &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: spec.Name, Namespace: spec.Namespace, Labels: jobLabels,
			Annotations: map[string]string{CommandAnn: spec.Command, ComponentAnn: spec.Component}},
		Spec: batchv1.JobSpec{
			BackoffLimit: &zero, ActiveDeadlineSeconds: &secs, TTLSecondsAfterFinished: &ttl,
			Template: tmpl,
		},
	}
}

// PinnedImage is image pinned to the digest the pod's container runs
// (its status's imageID), or "" when the status has none.
func PinnedImage(image string, pod *corev1.Pod, container string) string {
	if pod == nil {
		return ""
	}
	for _, st := range pod.Status.ContainerStatuses {
		if st.Name != container {
			continue
		}
		_, digest, ok := strings.Cut(st.ImageID, "@sha256:")
		if !ok || digest == "" {
			return ""
		}
		repo := image
		if i := strings.Index(repo, "@"); i >= 0 {
			repo = repo[:i]
		}
		// Drop a tag (a colon after the last slash; a registry port has
		// one before it).
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		return repo + "@sha256:" + digest
	}
	return ""
}

var labelUnsafe = textutil.Regexp(`[^A-Za-z0-9._-]+`)

// LabelValue makes s a valid label value (63 characters of [A-Za-z0-9._-],
// alphanumeric at both ends).
func LabelValue(s string) string {
	s = labelUnsafe().ReplaceAllString(s, "_")
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.Trim(s, "._-")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ParseSize reads ctl run --size: "cpu=2,memory=4Gi" (either may be left
// out), each a Kubernetes quantity.
func ParseSize(s string) (corev1.ResourceList, error) {
	out := corev1.ResourceList{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || (k != "cpu" && k != "memory") {
			return nil, fmt.Errorf("--size %q: expected cpu=QUANTITY and/or memory=QUANTITY, comma-separated (e.g. cpu=2,memory=4Gi)", s)
		}
		q, err := resource.ParseQuantity(v)
		if err != nil || q.Sign() <= 0 {
			return nil, fmt.Errorf("--size %q: %s=%q is not a positive quantity (e.g. cpu=500m, memory=512Mi)", s, k, v)
		}
		out[corev1.ResourceName(k)] = q
	}
	return out, nil
}
