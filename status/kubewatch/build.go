package kubewatch

import (
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ctlops/ctl/status"
)

const (
	componentLabel = "app.kubernetes.io/component"
	versionLabel   = "app.kubernetes.io/version"
)

// EnvSpec is one Kubernetes environment to watch.
type EnvSpec struct {
	Name      string
	Namespace string
	Protected bool
	// Components maps a component name to its pod label selector (ctl.yaml's components:).
	Components map[string]string
}

// Objects are the cached objects of one namespace.
type Objects struct {
	Deployments  []*appsv1.Deployment
	StatefulSets []*appsv1.StatefulSet
	Pods         []*corev1.Pod
	Jobs         []*batchv1.Job
	Events       []*corev1.Event
}

// MaxEvents is how many Warning events a row keeps for the detail pane.
const MaxEvents = 10

// Build computes an environment's row from its namespace's objects (pure:
// tested on fixtures).
func Build(spec EnvSpec, context string, o Objects, now time.Time) status.Env {
	e := status.Env{
		Name: spec.Name, Target: "kubernetes", Where: context + "/" + spec.Namespace,
		Protected: spec.Protected, Context: context, Namespace: spec.Namespace,
	}
	sels := compileSelectors(spec.Components)
	versions := map[string]string{} // component -> version
	var order []string
	for _, d := range o.Deployments {
		comp := componentOf(d.Name, d.Spec.Template.Labels, sels)
		c := status.Component{Name: comp, Kind: "Deployment", Ready: d.Status.ReadyReplicas, Desired: replicas(d.Spec.Replicas)}
		c.Rolling = d.Generation > d.Status.ObservedGeneration || d.Status.UpdatedReplicas < c.Desired ||
			d.Status.Replicas > d.Status.UpdatedReplicas || d.Status.AvailableReplicas < d.Status.UpdatedReplicas
		at := d.CreationTimestamp.Time
		for _, cond := range d.Status.Conditions {
			if cond.Type == appsv1.DeploymentProgressing && cond.LastUpdateTime.After(at) {
				at = cond.LastUpdateTime.Time
			}
		}
		addComponent(&e, c, at)
		versions[comp] = versionOf(comp, d.Labels, d.Spec.Template.Labels, d.Spec.Template.Spec.Containers)
		order = append(order, comp)
	}
	for _, s := range o.StatefulSets {
		comp := componentOf(s.Name, s.Spec.Template.Labels, sels)
		c := status.Component{Name: comp, Kind: "StatefulSet", Ready: s.Status.ReadyReplicas, Desired: replicas(s.Spec.Replicas)}
		c.Rolling = s.Generation > s.Status.ObservedGeneration || (s.Status.UpdateRevision != "" && s.Status.CurrentRevision != s.Status.UpdateRevision)
		addComponent(&e, c, s.CreationTimestamp.Time)
		versions[comp] = versionOf(comp, s.Labels, s.Spec.Template.Labels, s.Spec.Template.Spec.Containers)
		order = append(order, comp)
	}
	sort.SliceStable(e.Components, func(i, j int) bool { return componentRank(e.Components[i].Name) < componentRank(e.Components[j].Name) })
	e.Version = pickVersion(versions, order)

	for _, p := range o.Pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		pod := podRow(p, sels)
		for _, cs := range p.Status.ContainerStatuses {
			if cs.RestartCount == 0 {
				continue
			}
			if lt := cs.LastTerminationState.Terminated; lt == nil || lt.FinishedAt.IsZero() || now.Sub(lt.FinishedAt.Time) <= time.Hour {
				e.Restarts += cs.RestartCount
			}
		}
		e.Pods = append(e.Pods, pod)
	}
	sort.Slice(e.Pods, func(i, j int) bool {
		if e.Pods[i].Component != e.Pods[j].Component {
			return componentRank(e.Pods[i].Component) < componentRank(e.Pods[j].Component)
		}
		return e.Pods[i].Name < e.Pods[j].Name
	})
	e.Migration = migration(o.Jobs, o.Pods)

	for _, ev := range o.Events {
		if ev.Type != corev1.EventTypeWarning {
			continue
		}
		e.Events = append(e.Events, status.Event{Time: eventTime(ev), Type: ev.Type, Object: strings.ToLower(ev.InvolvedObject.Kind) + "/" + ev.InvolvedObject.Name,
			Reason: ev.Reason, Message: ev.Message, Count: ev.Count})
	}
	status.SortEvents(e.Events)
	if len(e.Events) > MaxEvents {
		e.Events = e.Events[:MaxEvents]
	}
	if len(e.Events) > 0 {
		w := e.Events[0]
		e.LastWarning = &w
	}
	if len(e.Components) == 0 {
		e.Note = "no Deployment or StatefulSet in " + spec.Namespace
	}
	e.Health = status.HealthOf(&e)
	return e
}

func addComponent(e *status.Env, c status.Component, at time.Time) {
	e.Components = append(e.Components, c)
	if at.After(e.RolloutAt) {
		e.RolloutAt = at
	}
	if c.Rolling {
		e.RolloutProgress = true
	}
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

type selector struct {
	name string
	sel  labels.Selector
}

func compileSelectors(m map[string]string) []selector {
	var out []selector
	for name, s := range m {
		if sel, err := labels.Parse(s); err == nil {
			out = append(out, selector{name, sel})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// componentOf: a configured selector that matches the pod labels, else the
// component label, else the workload's name.
func componentOf(name string, l map[string]string, sels []selector) string {
	for _, s := range sels {
		if s.sel.Matches(labels.Set(l)) {
			return s.name
		}
	}
	if c := l[componentLabel]; c != "" {
		return c
	}
	return name
}

// componentRank puts web first, then worker, beat, then the others.
func componentRank(c string) string {
	switch c {
	case "web":
		return "0"
	case "worker":
		return "1"
	case "beat":
		return "2"
	}
	return "3" + c
}

func versionOf(comp string, l, tl map[string]string, cs []corev1.Container) string {
	if v := l[versionLabel]; v != "" {
		return v
	}
	if v := tl[versionLabel]; v != "" {
		return v
	}
	if len(cs) == 0 {
		return ""
	}
	img := cs[0].Image
	for _, c := range cs {
		if c.Name == comp {
			img = c.Image
		}
	}
	return imageTag(img)
}

func imageTag(img string) string {
	if i := strings.Index(img, "@"); i >= 0 {
		d := img[i+1:]
		if len(d) > 19 {
			d = d[:19]
		}
		return d
	}
	slash := strings.LastIndex(img, "/")
	if i := strings.LastIndex(img, ":"); i > slash {
		return img[i+1:]
	}
	return "latest"
}

// pickVersion: web's version; when components disagree, all of them.
func pickVersion(versions map[string]string, order []string) string {
	seen := map[string]bool{}
	var vs []string
	first := ""
	if v, ok := versions["web"]; ok {
		first = v
	}
	for _, c := range order {
		if v := versions[c]; v != "" && !seen[v] {
			seen[v] = true
			vs = append(vs, v)
		}
	}
	if len(vs) <= 1 {
		if first != "" {
			return first
		}
		if len(vs) == 1 {
			return vs[0]
		}
		return ""
	}
	sort.Strings(vs)
	return strings.Join(vs, ",")
}

func podRow(p *corev1.Pod, sels []selector) status.Pod {
	ready, total := 0, len(p.Spec.Containers)
	var restarts int32
	reason := p.Status.Reason
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Ready {
			ready++
		}
		restarts += cs.RestartCount
		if cs.State.Waiting != nil && cs.State.Waiting.Reason != "" && cs.State.Waiting.Reason != "ContainerCreating" {
			reason = cs.State.Waiting.Reason
		}
		if cs.State.Terminated != nil && cs.State.Terminated.Reason != "" && reason == "" && p.Status.Phase == corev1.PodRunning {
			reason = cs.State.Terminated.Reason
		}
	}
	comp := ""
	if _, ok := p.Labels[componentLabel]; ok || len(sels) > 0 {
		comp = componentOf("", p.Labels, sels)
	}
	return status.Pod{Name: p.Name, Component: comp, Phase: string(p.Status.Phase), Ready: itoa(ready) + "/" + itoa(total),
		Restarts: restarts, Reason: reason, Node: p.Spec.NodeName, Created: p.CreationTimestamp.Time}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// IsMigrationJob: a Job labelled component migrate/migration(s), or named so.
func IsMigrationJob(j *batchv1.Job) bool {
	c := j.Labels[componentLabel]
	if strings.HasPrefix(c, "migrat") {
		return true
	}
	return strings.HasPrefix(j.Name, "migrat") || strings.Contains(j.Name, "-migrat")
}

func migration(jobs []*batchv1.Job, pods []*corev1.Pod) *status.Migration {
	var newest *batchv1.Job
	for _, j := range jobs {
		if !IsMigrationJob(j) {
			continue
		}
		if newest == nil || j.CreationTimestamp.After(newest.CreationTimestamp.Time) ||
			(j.CreationTimestamp.Equal(&newest.CreationTimestamp) && j.Name > newest.Name) {
			newest = j
		}
	}
	if newest == nil {
		return nil
	}
	m := &status.Migration{Job: newest.Name, State: "Pending"}
	if newest.Status.StartTime != nil {
		m.Started = newest.Status.StartTime.Time
	}
	if newest.Status.CompletionTime != nil {
		m.Finished = newest.Status.CompletionTime.Time
	}
	if newest.Status.Active > 0 {
		m.State = "Running"
	}
	for _, c := range newest.Status.Conditions {
		switch c.Type {
		case batchv1.JobComplete:
			m.State = "Succeeded"
		case batchv1.JobFailed:
			m.State, m.Reason = "Failed", c.Reason
			if m.Finished.IsZero() {
				m.Finished = c.LastTransitionTime.Time
			}
		}
	}
	var jp []*corev1.Pod
	for _, p := range pods {
		if p.Labels["batch.kubernetes.io/job-name"] == newest.Name || p.Labels["job-name"] == newest.Name {
			jp = append(jp, p)
		}
	}
	sort.Slice(jp, func(i, j int) bool { return jp[i].CreationTimestamp.After(jp[j].CreationTimestamp.Time) })
	for _, p := range jp {
		m.Pods = append(m.Pods, p.Name)
	}
	return m
}

func eventTime(e *corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	case !e.FirstTimestamp.IsZero():
		return e.FirstTimestamp.Time
	}
	return e.CreationTimestamp.Time
}
