package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ctlops/ctl/targets"
)

var (
	_ targets.EnvWriter    = (*Target)(nil)
	_ targets.EnvConsumers = (*Target)(nil)
)

// maxMerges bounds the re-read/merge loop of a write under contention.
const maxMerges = 5

// WriteAppEnv writes changes to the Secrets and ConfigMaps they come from,
// one Update per object with optimistic concurrency: the first Update
// carries the resourceVersion read when the environment was read (so a
// change made meanwhile is a 409 Conflict, never overwritten); on a
// conflict the object is read again and the changes are merged per key —
// a key someone else changed to a value other than ours is an
// *targets.EnvConflictError and nothing is written to that object.
func (t *Target) WriteAppEnv(ctx context.Context, changes []targets.EnvChange) (*targets.EnvWriteResult, error) {
	type objKey struct{ kind, name string }
	groups := map[objKey][]targets.EnvChange{}
	var order []objKey
	for _, c := range changes {
		k := objKey{c.Source.Kind, c.Source.Name}
		if c.Source.Kind != targets.SourceSecret && c.Source.Kind != targets.SourceConfigMap {
			return nil, fmt.Errorf("%s: defined in %s, which ctl does not write", c.Key, c.Source)
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	res := &targets.EnvWriteResult{}
	for _, k := range order {
		n, err := t.writeObject(ctx, k.kind, k.name, groups[k])
		res.Retries += n
		if err != nil {
			return res, err
		}
		res.Written = append(res.Written, fmt.Sprintf("%s %s/%s", k.kind, t.namespace, k.name))
	}
	return res, nil
}

func (t *Target) writeObject(ctx context.Context, kind, name string, cs []targets.EnvChange) (int, error) {
	resource := "secrets"
	if kind == targets.SourceConfigMap {
		resource = "configmaps"
	}
	startRV := ""
	for _, c := range cs {
		if c.Source.ResourceVersion != "" {
			startRV = c.Source.ResourceVersion
		}
	}
	where := fmt.Sprintf("%s %s/%s", kind, t.namespace, name)
	for attempt := 0; ; attempt++ {
		actx, cancel := t.conn.APIContext(ctx)
		var obj interface {
			runtime.Object
			metav1.Object
		}
		var meta *metav1.ObjectMeta
		var sec *corev1.Secret
		var cm *corev1.ConfigMap
		if kind == targets.SourceSecret {
			sec = &corev1.Secret{}
			obj, meta = sec, &sec.ObjectMeta
		} else {
			cm = &corev1.ConfigMap{}
			obj, meta = cm, &cm.ObjectMeta
		}
		err := t.conn.Core.Get().Namespace(t.namespace).Resource(resource).Name(name).Do(actx).Into(obj)
		cancel()
		if apierrors.IsNotFound(err) {
			return attempt, fmt.Errorf("%s not found: nothing was written to it", where)
		}
		if err != nil {
			return attempt, t.conn.Classify(err, "get", resource, t.namespace)
		}
		if m := ManagedBy(meta); m != "" {
			return attempt, fmt.Errorf("%s is managed by %s: a change made here would be reverted; nothing was written", where, m)
		}
		var conflicts []string
		for _, c := range cs {
			cur, ok := objValue(sec, cm, c.Source.Key)
			switch {
			case c.Delete && !ok, !c.Delete && ok && cur == c.New: // already as wanted
			case ok == c.HadOld && cur == c.Old: // unchanged since read
			default:
				conflicts = append(conflicts, c.Key)
			}
		}
		if len(conflicts) > 0 {
			return attempt, &targets.EnvConflictError{Where: where, Keys: conflicts}
		}
		for _, c := range cs {
			setObjValue(sec, cm, c.Source.Key, c.New, c.Delete)
		}
		if attempt == 0 && startRV != "" {
			obj.SetResourceVersion(startRV)
		}
		actx, cancel = t.conn.APIContext(ctx)
		err = t.conn.Core.Put().Namespace(t.namespace).Resource(resource).Name(name).Body(obj).Do(actx).Error()
		cancel()
		if apierrors.IsConflict(err) && attempt < maxMerges {
			continue
		}
		if err != nil {
			return attempt, t.conn.Classify(err, "update", resource, t.namespace)
		}
		return attempt, nil
	}
}

func objValue(sec *corev1.Secret, cm *corev1.ConfigMap, key string) (string, bool) {
	if sec != nil {
		v, ok := sec.Data[key]
		return string(v), ok
	}
	if v, ok := cm.Data[key]; ok {
		return v, true
	}
	v, ok := cm.BinaryData[key]
	return string(v), ok
}

func setObjValue(sec *corev1.Secret, cm *corev1.ConfigMap, key, val string, del bool) {
	if sec != nil {
		if del {
			delete(sec.Data, key)
			return
		}
		if sec.Data == nil {
			sec.Data = map[string][]byte{}
		}
		sec.Data[key] = []byte(val)
		return
	}
	if del {
		delete(cm.Data, key)
		delete(cm.BinaryData, key)
		return
	}
	if _, bin := cm.BinaryData[key]; bin {
		cm.BinaryData[key] = []byte(val)
		return
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data[key] = val
}

// Workload is a Deployment, StatefulSet or DaemonSet, as RestartWorkloads
// takes it.
type Workload struct {
	Kind string // deployment, statefulset, daemonset
	Name string
}

func (w Workload) String() string { return w.Kind + "/" + w.Name }

// ParseWorkload reads "deployment/web".
func ParseWorkload(s string) (Workload, error) {
	k, n, ok := strings.Cut(s, "/")
	switch k {
	case "deployment", "statefulset", "daemonset":
	default:
		ok = false
	}
	if !ok || n == "" {
		return Workload{}, fmt.Errorf("%q: expected deployment/NAME, statefulset/NAME or daemonset/NAME", s)
	}
	return Workload{k, n}, nil
}

// Consumers lists the workloads of the namespace whose pod template takes
// a changed key from its object: by envFrom (any key), or by a
// secretKeyRef/configMapKeyRef of that key.
func (t *Target) Consumers(ctx context.Context, changes []targets.EnvChange) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	check := func(kind, name string, spec *corev1.PodSpec) {
		w := Workload{kind, name}.String()
		if seen[w] {
			return
		}
		for _, c := range changes {
			if podSpecUses(spec, c.Source.Kind, c.Source.Name, c.Source.Key) {
				seen[w] = true
				out = append(out, w)
				return
			}
		}
	}
	list := func(resource string, into runtime.Object) error {
		actx, cancel := t.conn.APIContext(ctx)
		defer cancel()
		if err := t.conn.Apps.Get().Namespace(t.namespace).Resource(resource).Do(actx).Into(into); err != nil {
			return t.conn.Classify(err, "list", resource, t.namespace)
		}
		return nil
	}
	var deps appsv1.DeploymentList
	var sts appsv1.StatefulSetList
	var dss appsv1.DaemonSetList
	if err := list("deployments", &deps); err != nil {
		return nil, err
	}
	for i := range deps.Items {
		check("deployment", deps.Items[i].Name, &deps.Items[i].Spec.Template.Spec)
	}
	if err := list("statefulsets", &sts); err != nil {
		return nil, err
	}
	for i := range sts.Items {
		check("statefulset", sts.Items[i].Name, &sts.Items[i].Spec.Template.Spec)
	}
	if err := list("daemonsets", &dss); err != nil {
		return nil, err
	}
	for i := range dss.Items {
		check("daemonset", dss.Items[i].Name, &dss.Items[i].Spec.Template.Spec)
	}
	sort.Strings(out)
	return out, nil
}

func podSpecUses(spec *corev1.PodSpec, kind, name, key string) bool {
	cs := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	for _, c := range cs {
		for _, ef := range c.EnvFrom {
			if kind == targets.SourceSecret && ef.SecretRef != nil && ef.SecretRef.Name == name ||
				kind == targets.SourceConfigMap && ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == name {
				return true
			}
		}
		for _, e := range c.Env {
			vf := e.ValueFrom
			if vf == nil {
				continue
			}
			if kind == targets.SourceSecret && vf.SecretKeyRef != nil && vf.SecretKeyRef.Name == name && vf.SecretKeyRef.Key == key ||
				kind == targets.SourceConfigMap && vf.ConfigMapKeyRef != nil && vf.ConfigMapKeyRef.Name == name && vf.ConfigMapKeyRef.Key == key {
				return true
			}
		}
	}
	return false
}

// RestartConsumers rolls the named workloads and watches them as ctl
// restart does (Restart with RestartRequest.Workloads).
func (t *Target) RestartConsumers(ctx context.Context, workloads []string) error {
	_, err := t.Restart(ctx, targets.RestartRequest{Workloads: workloads, Timeout: 10 * time.Minute})
	return err
}

// RestartWorkloads rolls each workload as `kubectl rollout restart` does:
// a strategic-merge patch setting the pod template's
// kubectl.kubernetes.io/restartedAt annotation to at, through the apps
// REST client. It does not wait for the rollout.
func RestartWorkloads(ctx context.Context, conn *Connection, namespace string, ws []Workload, at time.Time) error {
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{"kubectl.kubernetes.io/restartedAt": at.UTC().Format(time.RFC3339)}}}}})
	if err != nil {
		return err
	}
	for _, w := range ws {
		actx, cancel := conn.APIContext(ctx)
		err := conn.Apps.Patch(types.StrategicMergePatchType).Namespace(namespace).Resource(w.Kind + "s").Name(w.Name).Body(patch).Do(actx).Error()
		cancel()
		if err != nil {
			return fmt.Errorf("restarting %s: %w", w, conn.Classify(err, "patch", w.Kind+"s", namespace))
		}
	}
	return nil
}
