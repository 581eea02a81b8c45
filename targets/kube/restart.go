package kube

// `ctl restart` on Kubernetes: each component's workload (found through
// its pods' owners) restarted the way `kubectl rollout restart` does
// (the restartedAt annotation on the pod template, a strategic merge
// patch), or, when an operator owns it (an ownerReference to a kind
// outside apps, which would undo a template change), its pods deleted one
// at a time, each replacement waited for. The rollout is watched through
// its pods and fails fast on CrashLoopBackOff, image pull errors, failed
// scheduling or ProgressDeadlineExceeded, with the new pods' events and
// last log lines.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/ctlops/ctl/targets"
)

var _ targets.Restarter = (*Target)(nil)

// workload is one thing to restart.
type workload struct {
	component string
	kind      string // Deployment, StatefulSet, DaemonSet
	name      string
	operator  string // "Kind/name" of the non-apps owner, when operator-owned
	selector  string
	desired   int
}

func (w workload) String() string { return strings.ToLower(w.kind) + "/" + w.name }

func (w workload) method() string {
	if w.operator != "" {
		return "pod-by-pod"
	}
	return "restartedAt"
}

func (w workload) resource() string { return strings.ToLower(w.kind) + "s" }

// restartSelectors are the components' selectors: the named ones, else
// every configured one, else the app's pods.
func (t *Target) restartSelectors(comps []string) []logSelector {
	return t.logSelectors(targets.LogRequest{Components: comps})
}

// workloads finds the components' workloads through their pods' owners.
func (t *Target) workloads(ctx context.Context, comps []string) ([]workload, error) {
	c := t.conn
	var out []workload
	seen := map[string]bool{}
	for _, sel := range t.restartSelectors(comps) {
		actx, cancel := c.APIContext(ctx)
		list := &corev1.PodList{}
		err := c.Core.Get().Namespace(t.namespace).Resource("pods").
			VersionedParams(&metav1.ListOptions{LabelSelector: sel.selector}, ParameterCodec()).Do(actx).Into(list)
		cancel()
		if err != nil {
			return nil, c.Classify(err, "list", "pods", t.namespace)
		}
		found := 0
		for i := range list.Items {
			w, ok, err := t.ownerWorkload(ctx, &list.Items[i])
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			found++
			if seen[w.String()] {
				continue
			}
			seen[w.String()] = true
			w.component = sel.component
			if w.component == "" {
				w.component = list.Items[i].Labels[componentLabel]
			}
			out = append(out, w)
		}
		if found == 0 && sel.component != "" {
			return nil, &PodError{Msg: fmt.Sprintf("no workload of component %q in namespace %q (selector %s)", sel.component, t.namespace, sel.selector),
				hint: "kubectl get deployments -n " + t.namespace + " --show-labels"}
		}
	}
	if len(out) == 0 {
		return nil, &PodError{Msg: fmt.Sprintf("nothing to restart in namespace %q", t.namespace)}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].component < out[j].component })
	return out, nil
}

// namedWorkloads splits names ("deployment/web") into the app's
// workloads (watched while they restart) and the others.
func (t *Target) namedWorkloads(ctx context.Context, names []string) ([]workload, []Workload, error) {
	all, err := t.workloads(ctx, nil)
	var pe *PodError
	if err != nil && !errors.As(err, &pe) {
		return nil, nil, err
	}
	byName := map[string]workload{}
	for _, w := range all {
		byName[w.String()] = w
	}
	var ws []workload
	var others []Workload
	for _, n := range names {
		if w, ok := byName[n]; ok {
			ws = append(ws, w)
			continue
		}
		w, err := ParseWorkload(n)
		if err != nil {
			return nil, nil, err
		}
		others = append(others, w)
	}
	return ws, others, nil
}

// ownerWorkload walks a pod's controller owners up to the workload.
func (t *Target) ownerWorkload(ctx context.Context, p *corev1.Pod) (workload, bool, error) {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return workload{}, false, nil
	}
	if ref.Kind == "ReplicaSet" {
		rs := &appsv1.ReplicaSet{}
		if err := t.getApps(ctx, "replicasets", ref.Name, rs); err != nil {
			return workload{}, false, err
		}
		ref = metav1.GetControllerOf(rs)
		if ref == nil {
			return workload{}, false, nil
		}
	}
	gv, _ := schema.ParseGroupVersion(ref.APIVersion)
	if gv.Group != "apps" {
		if ref.Kind == "Job" {
			return workload{}, false, nil // a one-off: nothing to restart
		}
		// pods an operator manages directly
		return workload{kind: "Pod-owner", name: ref.Name, operator: ref.Kind + "/" + ref.Name,
			selector: podSelectorOf(p), desired: -1}, true, nil
	}
	w := workload{kind: ref.Kind, name: ref.Name}
	var meta metav1.Object
	var sel *metav1.LabelSelector
	switch ref.Kind {
	case "Deployment":
		d := &appsv1.Deployment{}
		if err := t.getApps(ctx, "deployments", ref.Name, d); err != nil {
			return workload{}, false, err
		}
		meta, sel, w.desired = d, d.Spec.Selector, int(ptrOr(d.Spec.Replicas, 1))
	case "StatefulSet":
		s := &appsv1.StatefulSet{}
		if err := t.getApps(ctx, "statefulsets", ref.Name, s); err != nil {
			return workload{}, false, err
		}
		meta, sel, w.desired = s, s.Spec.Selector, int(ptrOr(s.Spec.Replicas, 1))
	case "DaemonSet":
		s := &appsv1.DaemonSet{}
		if err := t.getApps(ctx, "daemonsets", ref.Name, s); err != nil {
			return workload{}, false, err
		}
		meta, sel, w.desired = s, s.Spec.Selector, int(s.Status.DesiredNumberScheduled)
	default:
		return workload{}, false, nil
	}
	if s, err := metav1.LabelSelectorAsSelector(sel); err == nil {
		w.selector = s.String()
	}
	if o := metav1.GetControllerOf(meta); o != nil {
		if ogv, _ := schema.ParseGroupVersion(o.APIVersion); ogv.Group != "apps" {
			w.operator = o.Kind + "/" + o.Name
		}
	}
	return w, true, nil
}

// podSelectorOf selects a bare operator pod's siblings by its labels
// (without the per-pod ones).
func podSelectorOf(p *corev1.Pod) string {
	var parts []string
	for k, v := range p.Labels {
		if k == "pod-template-hash" || k == "controller-revision-hash" || strings.Contains(k, "pod-name") {
			continue
		}
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func ptrOr(p *int32, d int32) int32 {
	if p == nil {
		return d
	}
	return *p
}

func (t *Target) getApps(ctx context.Context, resource, name string, into runtime.Object) error {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	err := c.Apps.Get().Namespace(t.namespace).Resource(resource).Name(name).Do(actx).Into(into)
	if err != nil {
		return c.Classify(err, "get", resource+".apps", t.namespace)
	}
	return nil
}

// RestartPlan implements targets.Restarter.
func (t *Target) RestartPlan(ctx context.Context, r targets.RestartRequest) ([]string, error) {
	ws, err := t.workloads(ctx, r.Components)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range ws {
		if w.operator != "" {
			out = append(out, fmt.Sprintf("%s (owned by %s): delete its pods one at a time, each replacement waited for", w, w.operator))
		} else {
			out = append(out, fmt.Sprintf("%s: rolling restart (%d pods, restartedAt annotation)", w, w.desired))
		}
	}
	return out, nil
}

// Restart implements targets.Restarter.
func (t *Target) Restart(ctx context.Context, r targets.RestartRequest) ([]targets.RestartOutcome, error) {
	if r.At.IsZero() {
		r.At = time.Now()
	}
	var outs []targets.RestartOutcome
	var ws []workload
	var err error
	if len(r.Workloads) > 0 {
		// Named workloads: those the app's pods run are watched; others
		// (a consumer outside the app's selectors) are rolled unwatched.
		var others []Workload
		ws, others, err = t.namedWorkloads(ctx, r.Workloads)
		if err != nil {
			return nil, err
		}
		if err := RestartWorkloads(ctx, t.conn, t.namespace, others, r.At); err != nil {
			return nil, err
		}
		for _, w := range others {
			outs = append(outs, targets.RestartOutcome{Workload: w.String(), Method: "restartedAt (not watched)"})
		}
	} else if ws, err = t.workloads(ctx, r.Components); err != nil {
		return nil, err
	}
	for _, w := range ws {
		start := time.Now()
		var ready int
		if w.operator != "" {
			ready, err = t.restartPodByPod(ctx, w, r)
		} else {
			ready, err = t.restartRollout(ctx, w, r)
		}
		o := targets.RestartOutcome{Component: w.component, Workload: w.String(), Method: w.method(), Ready: ready, Desired: w.desired, Duration: time.Since(start)}
		if err != nil {
			o.Error = err.Error()
			outs = append(outs, o)
			return outs, err
		}
		outs = append(outs, o)
	}
	return outs, nil
}

// restartRollout patches the restartedAt annotation and watches the
// rollout.
func (t *Target) restartRollout(ctx context.Context, w workload, r targets.RestartRequest) (int, error) {
	c := t.conn
	stamp := r.At.UTC().Format(time.RFC3339Nano)
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{%q:%q}}}}}`, restartedAtAnn, stamp)
	actx, cancel := c.APIContext(ctx)
	err := c.Apps.Patch(types.StrategicMergePatchType).Namespace(t.namespace).Resource(w.resource()).Name(w.name).
		Body([]byte(patch)).Do(actx).Error()
	cancel()
	if err != nil {
		return 0, c.Classify(err, "patch", w.resource()+".apps", t.namespace)
	}
	isNew := func(p *corev1.Pod) bool { return p.Annotations[restartedAtAnn] == stamp }
	return t.watchRollout(ctx, w, r, isNew, nil)
}

// restartPodByPod deletes the workload's pods one at a time, each
// replacement waited for.
func (t *Target) restartPodByPod(ctx context.Context, w workload, r targets.RestartRequest) (int, error) {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	list := &corev1.PodList{}
	err := c.Core.Get().Namespace(t.namespace).Resource("pods").
		VersionedParams(&metav1.ListOptions{LabelSelector: w.selector}, ParameterCodec()).Do(actx).Into(list)
	cancel()
	if err != nil {
		return 0, c.Classify(err, "list", "pods", t.namespace)
	}
	var old []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil && !podTerminal(&p) {
			old = append(old, p)
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].Name < old[j].Name })
	if w.desired < 0 {
		w.desired = len(old)
	}
	oldUIDs := map[types.UID]bool{}
	for _, p := range old {
		oldUIDs[p.UID] = true
	}
	ready := 0
	for i, p := range old {
		actx, cancel := c.APIContext(ctx)
		err := c.Core.Delete().Namespace(t.namespace).Resource("pods").Name(p.Name).Do(actx).Error()
		cancel()
		if err != nil && !apierrors.IsNotFound(err) {
			return ready, c.Classify(err, "delete", "pods", t.namespace)
		}
		deleted := map[types.UID]bool{}
		for _, q := range old[:i+1] {
			deleted[q.UID] = true
		}
		isNew := func(p *corev1.Pod) bool { return !oldUIDs[p.UID] }
		ready, err = t.watchRollout(ctx, w, r, isNew, deleted)
		if err != nil {
			return ready, err
		}
	}
	return ready, nil
}

// watchRollout waits until the workload's desired pods are new (isNew)
// and Ready and no old one is left (pod-by-pod: until the deleted ones
// are gone and desired pods are Ready), failing fast.
func (t *Target) watchRollout(ctx context.Context, w workload, r targets.RestartRequest, isNew func(*corev1.Pod) bool, deleted map[types.UID]bool) (int, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	pods := map[types.UID]*corev1.Pod{}
	var progressFailed *appsv1.DeploymentCondition
	var watchErr error
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	fail := func(err error) {
		mu.Lock()
		watchErr = err
		mu.Unlock()
		poke()
	}
	go t.watchLoop(wctx, t.conn.Core, "pods", metav1.ListOptions{LabelSelector: w.selector}, func(ev watch.EventType, o any) {
		p, ok := o.(*corev1.Pod)
		if !ok {
			return
		}
		mu.Lock()
		if ev == watch.Deleted {
			delete(pods, p.UID)
		} else {
			pods[p.UID] = p
		}
		mu.Unlock()
		poke()
	}, fail)
	if w.kind == "Deployment" && w.operator == "" {
		go t.watchLoop(wctx, t.conn.Apps, "deployments", metav1.ListOptions{FieldSelector: "metadata.name=" + w.name}, func(_ watch.EventType, o any) {
			d, ok := o.(*appsv1.Deployment)
			if !ok {
				return
			}
			mu.Lock()
			progressFailed = nil
			for i := range d.Status.Conditions {
				cd := &d.Status.Conditions[i]
				if cd.Type == appsv1.DeploymentProgressing && cd.Status == corev1.ConditionFalse && cd.Reason == "ProgressDeadlineExceeded" {
					progressFailed = cd
				}
			}
			mu.Unlock()
			poke()
		}, fail)
	}
	last := targets.RestartProgress{}
	for {
		mu.Lock()
		var newReady, updated, old int
		var failed *corev1.Pod
		reason, message := "", ""
		var newPods []*corev1.Pod
		for _, p := range pods {
			if p.DeletionTimestamp != nil || podTerminal(p) {
				continue
			}
			if deleted[p.UID] {
				old++
				continue
			}
			if !isNew(p) {
				if deleted == nil {
					old++
				} else if isReady(p) {
					newReady++ // pod-by-pod: the not-yet-deleted ones count
				}
				continue
			}
			updated++
			newPods = append(newPods, p)
			if isReady(p) {
				newReady++
			}
			if rs, msg := podFailure(p); rs != "" && failed == nil {
				failed, reason, message = p, rs, msg
			}
		}
		pf, werr := progressFailed, watchErr
		mu.Unlock()
		if werr != nil {
			return newReady, werr
		}
		prog := targets.RestartProgress{Component: w.component, Workload: w.String(), Method: w.method(), Ready: newReady, Desired: w.desired, Updated: updated, Phase: "rolling"}
		if failed == nil && pf != nil {
			reason, message = pf.Reason, pf.Message
		}
		if reason != "" {
			prog.Phase = "failed"
			if r.Progress != nil {
				r.Progress(prog)
			}
			return newReady, &targets.RestartFailure{Workload: w.String(), Reason: reason, Message: message,
				Evidence: t.evidence(context.WithoutCancel(ctx), newPods)}
		}
		done := newReady >= w.desired && old == 0
		if done {
			prog.Phase = "healthy"
		}
		if r.Progress != nil && prog != last {
			r.Progress(prog)
			last = prog
		}
		if done {
			return newReady, nil
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return newReady, ctx.Err()
			}
			return newReady, &targets.RestartFailure{Workload: w.String(), Reason: "Timeout",
				Message: fmt.Sprintf("%d of %d new pods ready after %s", newReady, w.desired, timeout), Evidence: t.evidence(context.WithoutCancel(ctx), newPods)}
		case <-changed:
		}
	}
}

// podFailure is why a new pod will not become ready on its own, if it
// is one of the failures a rollout should stop at.
func podFailure(p *corev1.Pod) (string, string) {
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, cs := range list {
			if w := cs.State.Waiting; w != nil {
				switch w.Reason {
				case "CrashLoopBackOff":
					msg := fmt.Sprintf("pod %s, container %s restarted %d times", p.Name, cs.Name, cs.RestartCount)
					if lt := cs.LastTerminationState.Terminated; lt != nil {
						msg += fmt.Sprintf(", last exit %d (%s)", lt.ExitCode, lt.Reason)
					}
					return w.Reason, msg
				case "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError":
					return w.Reason, fmt.Sprintf("pod %s, container %s: %s", p.Name, cs.Name, w.Message)
				}
			}
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return "FailedScheduling", fmt.Sprintf("pod %s: %s", p.Name, c.Message)
		}
	}
	return "", ""
}

// evidence gathers the new pods' events and last log lines (the
// previous instance's when the container runs again after a crash).
func (t *Target) evidence(ctx context.Context, pods []*corev1.Pod) []targets.Evidence {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	if len(pods) > 3 {
		pods = pods[:3]
	}
	var out []targets.Evidence
	for _, p := range pods {
		ev := targets.Evidence{Name: "pod " + p.Name}
		actx, cancel := t.conn.APIContext(ctx)
		list := &corev1.EventList{}
		if err := t.conn.Core.Get().Namespace(t.namespace).Resource("events").
			VersionedParams(&metav1.ListOptions{FieldSelector: "involvedObject.name=" + p.Name}, ParameterCodec()).Do(actx).Into(list); err == nil {
			sort.Slice(list.Items, func(i, j int) bool { return eventTime(&list.Items[i]).Before(eventTime(&list.Items[j])) })
			for _, e := range list.Items {
				ev.Events = append(ev.Events, fmt.Sprintf("%s %s: %s", e.Type, e.Reason, strings.TrimSpace(e.Message)))
			}
		}
		cancel()
		for _, cs := range p.Status.ContainerStatuses {
			tail := int64(10)
			// Waiting or terminated, the current log is the last run's;
			// running again, the crash is in the previous one.
			opts := &corev1.PodLogOptions{Container: cs.Name, TailLines: &tail, Previous: cs.RestartCount > 0 && cs.State.Running != nil}
			actx, cancel := t.conn.APIContext(ctx)
			rc, err := t.conn.PodLogs(actx, p.Namespace, p.Name, opts)
			if err == nil {
				sc := bufio.NewScanner(rc)
				for sc.Scan() {
					ev.Logs = append(ev.Logs, cs.Name+": "+sc.Text())
				}
				rc.Close() //nolint:errcheck,gosec
			}
			cancel()
		}
		out = append(out, ev)
	}
	return out
}

func eventTime(e *corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}
