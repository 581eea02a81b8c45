package kube

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	componentLabel   = "app.kubernetes.io/component"
	partOfLabel      = "app.kubernetes.io/part-of"
	defaultContainer = "kubectl.kubernetes.io/default-container"
)

// DefaultSelector is the selector of a component when none is configured.
func DefaultSelector(app, component string) string {
	s := componentLabel + "=" + component
	if app != "" {
		s += "," + partOfLabel + "=" + app
	}
	return s
}

// PodError explains why no pod could be chosen.
type PodError struct {
	Msg, hint string
}

func (e *PodError) Error() string { return e.Msg }
func (e *PodError) Hint() string  { return e.hint }

func isReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// choosePod lists the component's pods (one API call) and picks the
// newest Ready one, deterministically (creation time, then name).
func (t *Target) choosePod(ctx context.Context) (*corev1.Pod, error) {
	c := t.conn
	if t.opts.Pod != "" {
		actx, cancel := c.APIContext(ctx)
		defer cancel()
		pod := &corev1.Pod{}
		err := c.Core.Get().Namespace(t.namespace).Resource("pods").Name(t.opts.Pod).Do(actx).Into(pod)
		if apierrors.IsNotFound(err) {
			return nil, &PodError{Msg: fmt.Sprintf("pod %q not found in namespace %q (context %q)", t.opts.Pod, t.namespace, c.Context),
				hint: "list them: kubectl get pods -n " + t.namespace}
		}
		if err != nil {
			return nil, c.Classify(err, "get", "pods", t.namespace)
		}
		if !isReady(pod) {
			return nil, &PodError{Msg: fmt.Sprintf("pod %q is not ready (phase %s)", pod.Name, pod.Status.Phase)}
		}
		return pod, nil
	}
	comp, selector := t.component()
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	list := &corev1.PodList{}
	err := c.Core.Get().Namespace(t.namespace).Resource("pods").
		VersionedParams(&metav1.ListOptions{LabelSelector: selector}, ParameterCodec()).Do(actx).Into(list)
	if err != nil {
		return nil, c.Classify(err, "list", "pods", t.namespace)
	}
	if len(list.Items) == 0 {
		return nil, t.noPods(ctx, comp, selector)
	}
	// A selector that matches several components is a configuration mistake.
	comps := map[string]bool{}
	for i := range list.Items {
		if v, ok := list.Items[i].Labels[componentLabel]; ok {
			comps[v] = true
		}
	}
	if len(comps) > 1 {
		names := make([]string, 0, len(comps))
		for k := range comps {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, &PodError{
			Msg:  fmt.Sprintf("the selector of component %q (%s) matches pods of several components: %s", comp, selector, strings.Join(names, ", ")),
			hint: fmt.Sprintf("make it specific in ctl.yaml, e.g. components: {%s: \"%s=%s\"}", comp, componentLabel, comp),
		}
	}
	var ready []*corev1.Pod
	var states []string
	for i := range list.Items {
		p := &list.Items[i]
		if isReady(p) {
			ready = append(ready, p)
		} else {
			states = append(states, fmt.Sprintf("%s %s", p.Name, podState(p)))
		}
	}
	if len(ready) == 0 {
		return nil, &PodError{
			Msg:  fmt.Sprintf("no ready pod for component %q in namespace %q: %s", comp, t.namespace, strings.Join(states, ", ")),
			hint: "kubectl describe pods -n " + t.namespace + " -l " + selector,
		}
	}
	sort.Slice(ready, func(i, j int) bool {
		a, b := ready[i].CreationTimestamp.Time, ready[j].CreationTimestamp.Time
		if !a.Equal(b) {
			return a.After(b)
		}
		return ready[i].Name < ready[j].Name
	})
	return ready[0], nil
}

func podState(p *corev1.Pod) string {
	if p.DeletionTimestamp != nil {
		return "Terminating"
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Waiting != nil && cs.State.Waiting.Reason != "" {
			return cs.State.Waiting.Reason
		}
	}
	if p.Status.Phase == corev1.PodRunning {
		return "Running, not ready"
	}
	return string(p.Status.Phase)
}

func (t *Target) noPods(ctx context.Context, comp, selector string) error {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	err := c.Core.Get().Resource("namespaces").Name(t.namespace).Do(actx).Into(&corev1.Namespace{})
	if apierrors.IsNotFound(err) {
		return &PodError{Msg: fmt.Sprintf("namespace %q does not exist in context %q", t.namespace, c.Context),
			hint: "check namespace: for environment " + t.env.Name + " in ctl.yaml (kubectl get ns)"}
	}
	return &PodError{Msg: fmt.Sprintf("no pod of component %q in namespace %q (selector %s)", comp, t.namespace, selector),
		hint: "set components: in ctl.yaml to your pods' labels (kubectl get pods -n " + t.namespace + " --show-labels)"}
}

// component returns the component name and its label selector.
func (t *Target) component() (string, string) {
	comp := t.opts.Component
	if comp == "" {
		comp = t.env.Component
	}
	if comp == "" {
		comp = "web"
	}
	if sel, ok := t.env.Components[comp]; ok {
		return comp, sel
	}
	return comp, DefaultSelector(t.app, comp)
}

// chooseContainer: --container, then config, then the default-container
// annotation, then the first container.
func (t *Target) chooseContainer(p *corev1.Pod) (string, error) {
	want := t.opts.Container
	if want == "" {
		want = t.env.Container
	}
	if want == "" {
		want = p.Annotations[defaultContainer]
	}
	if want == "" {
		if len(p.Spec.Containers) == 0 {
			return "", &PodError{Msg: fmt.Sprintf("pod %q has no containers", p.Name)}
		}
		return p.Spec.Containers[0].Name, nil
	}
	var names []string
	for _, c := range p.Spec.Containers {
		if c.Name == want {
			return want, nil
		}
		names = append(names, c.Name)
	}
	return "", &PodError{Msg: fmt.Sprintf("pod %q has no container %q (it has: %s)", p.Name, want, strings.Join(names, ", "))}
}
