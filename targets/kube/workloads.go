package kube

import (
	"context"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/targets"
)

var _ targets.WorkloadDescriber = (*Target)(nil)

// Workloads lists the namespace's Deployments and StatefulSets (those of
// the app when it is named: app.kubernetes.io/part-of), with each
// container's image, the digest a ready pod runs, and its resources.
func (t *Target) Workloads(ctx context.Context) ([]targets.WorkloadInfo, error) {
	sel := ""
	if t.app != "" {
		sel = partOfLabel + "=" + t.app
	}
	opts := &metav1.ListOptions{LabelSelector: sel}
	var deps appsv1.DeploymentList
	var sts appsv1.StatefulSetList
	actx, cancel := t.conn.APIContext(ctx)
	defer cancel()
	if err := t.conn.Apps.Get().Namespace(t.namespace).Resource("deployments").VersionedParams(opts, ParameterCodec()).Do(actx).Into(&deps); err != nil {
		return nil, t.conn.Classify(err, "list", "deployments", t.namespace)
	}
	if err := t.conn.Apps.Get().Namespace(t.namespace).Resource("statefulsets").VersionedParams(opts, ParameterCodec()).Do(actx).Into(&sts); err != nil {
		return nil, t.conn.Classify(err, "list", "statefulsets", t.namespace)
	}
	var pods corev1.PodList
	if err := t.conn.Core.Get().Namespace(t.namespace).Resource("pods").VersionedParams(opts, ParameterCodec()).Do(actx).Into(&pods); err != nil {
		return nil, t.conn.Classify(err, "list", "pods", t.namespace)
	}
	var out []targets.WorkloadInfo
	add := func(kind, name string, replicas *int32, sel *metav1.LabelSelector, spec *corev1.PodSpec) {
		w := targets.WorkloadInfo{Kind: kind, Name: name, Replicas: 1}
		if replicas != nil {
			w.Replicas = *replicas
		}
		for _, c := range spec.Containers {
			ci := targets.ContainerInfo{Name: c.Name, Image: c.Image, Requests: resources(c.Resources.Requests), Limits: resources(c.Resources.Limits)}
			ci.Digest = digestOf(&pods, sel, c.Name)
			w.Containers = append(w.Containers, ci)
		}
		out = append(out, w)
	}
	for i := range deps.Items {
		d := &deps.Items[i]
		add("deployment", d.Name, d.Spec.Replicas, d.Spec.Selector, &d.Spec.Template.Spec)
	}
	for i := range sts.Items {
		s := &sts.Items[i]
		add("statefulset", s.Name, s.Spec.Replicas, s.Spec.Selector, &s.Spec.Template.Spec)
	}
	return out, nil
}

func resources(l corev1.ResourceList) string {
	if len(l) == 0 {
		return ""
	}
	parts := make([]string, 0, len(l))
	for k, v := range l {
		parts = append(parts, string(k)+"="+v.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// digestOf is the imageID a ready pod of the selector reports for the
// container ("" when none does).
func digestOf(pods *corev1.PodList, sel *metav1.LabelSelector, container string) string {
	if sel == nil {
		return ""
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		match := true
		for k, v := range sel.MatchLabels {
			if p.Labels[k] != v {
				match = false
			}
		}
		if !match || !isReady(p) {
			continue
		}
		for _, cs := range p.Status.ContainerStatuses {
			if cs.Name == container && cs.ImageID != "" {
				id := cs.ImageID
				if i := strings.LastIndex(id, "@"); i >= 0 {
					id = id[i+1:]
				}
				return id
			}
		}
	}
	return ""
}
