package kube

import (
	"context"
	"fmt"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var _ targets.AppEnvReader = (*Target)(nil)

// AppEnv resolves the app container's environment as declared in its
// spec — env (literal, secretKeyRef, configMapKeyRef, fieldRef) and
// envFrom (Secret, ConfigMap, with prefixes) — through the API, no exec.
// As the kubelet does, env overrides envFrom and later envFrom entries
// override earlier ones. A missing optional object or key is skipped; a
// missing required one is an error naming it (the pod could not have
// started with it missing, so it was deleted since).
func (t *Target) AppEnv(ctx context.Context) (*targets.Environ, error) {
	pod, err := t.choosePod(ctx)
	if err != nil {
		return nil, err
	}
	cname, err := t.chooseContainer(pod)
	if err != nil {
		return nil, err
	}
	var spec *corev1.Container
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == cname {
			spec = &pod.Spec.Containers[i]
		}
	}
	if spec == nil {
		return nil, fmt.Errorf("pod %s/%s has no container %q", pod.Namespace, pod.Name, cname)
	}
	r := &envResolver{t: t, ctx: ctx, secrets: map[string]*corev1.Secret{}, cms: map[string]*corev1.ConfigMap{}}
	var vars []targets.EnvVar
	for _, ef := range spec.EnvFrom {
		switch {
		case ef.SecretRef != nil:
			s, err := r.secret(ef.SecretRef.Name, ef.SecretRef.Optional)
			if err != nil {
				return nil, err
			}
			if s == nil {
				continue
			}
			for k, v := range s.Data {
				vars = append(vars, secretVar(ef.Prefix+k, v, r.source(targets.SourceSecret, &s.ObjectMeta, k, "envFrom", ef.Prefix)))
			}
		case ef.ConfigMapRef != nil:
			c, err := r.configMap(ef.ConfigMapRef.Name, ef.ConfigMapRef.Optional)
			if err != nil {
				return nil, err
			}
			if c == nil {
				continue
			}
			for k, v := range c.Data {
				vars = append(vars, targets.EnvVar{Name: ef.Prefix + k, Value: v, Known: true, Source: r.source(targets.SourceConfigMap, &c.ObjectMeta, k, "envFrom", ef.Prefix)})
			}
			for k, v := range c.BinaryData {
				vars = append(vars, secretVar(ef.Prefix+k, v, r.source(targets.SourceConfigMap, &c.ObjectMeta, k, "envFrom", ef.Prefix)))
			}
		}
	}
	// envFrom entries in order, then env: SortVars keeps the last of a name.
	vars = targets.SortVars(vars)
	var direct []targets.EnvVar
	for _, e := range spec.Env {
		switch vf := e.ValueFrom; {
		case vf == nil:
			direct = append(direct, targets.EnvVar{Name: e.Name, Value: e.Value, Known: true, Source: targets.EnvSource{Kind: targets.SourceSpec, Name: cname}})
		case vf.SecretKeyRef != nil:
			src := targets.EnvSource{Kind: targets.SourceSecret, Namespace: t.namespace, Name: vf.SecretKeyRef.Name, Key: vf.SecretKeyRef.Key, Via: "env"}
			s, err := r.secret(vf.SecretKeyRef.Name, vf.SecretKeyRef.Optional)
			if err != nil {
				return nil, err
			}
			if s == nil {
				direct = append(direct, targets.EnvVar{Name: e.Name, Source: src})
				continue
			}
			v, ok := s.Data[vf.SecretKeyRef.Key]
			src = r.source(targets.SourceSecret, &s.ObjectMeta, vf.SecretKeyRef.Key, "env", "")
			if !ok {
				if !optional(vf.SecretKeyRef.Optional) {
					return nil, exitcode.WithHint(fmt.Errorf("%s of %s: secret %q has no key %q", e.Name, where(pod, cname), s.Name, vf.SecretKeyRef.Key), "the pod was started before the key was removed; restart it or restore the key")
				}
				direct = append(direct, targets.EnvVar{Name: e.Name, Source: src})
				continue
			}
			direct = append(direct, secretVar(e.Name, v, src))
		case vf.ConfigMapKeyRef != nil:
			src := targets.EnvSource{Kind: targets.SourceConfigMap, Namespace: t.namespace, Name: vf.ConfigMapKeyRef.Name, Key: vf.ConfigMapKeyRef.Key, Via: "env"}
			c, err := r.configMap(vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Optional)
			if err != nil {
				return nil, err
			}
			if c == nil {
				direct = append(direct, targets.EnvVar{Name: e.Name, Source: src})
				continue
			}
			src = r.source(targets.SourceConfigMap, &c.ObjectMeta, vf.ConfigMapKeyRef.Key, "env", "")
			if v, ok := c.Data[vf.ConfigMapKeyRef.Key]; ok {
				direct = append(direct, targets.EnvVar{Name: e.Name, Value: v, Known: true, Source: src})
			} else if b, ok := c.BinaryData[vf.ConfigMapKeyRef.Key]; ok {
				direct = append(direct, secretVar(e.Name, b, src))
			} else if !optional(vf.ConfigMapKeyRef.Optional) {
				return nil, exitcode.WithHint(fmt.Errorf("%s of %s: configmap %q has no key %q", e.Name, where(pod, cname), c.Name, vf.ConfigMapKeyRef.Key), "the pod was started before the key was removed; restart it or restore the key")
			} else {
				direct = append(direct, targets.EnvVar{Name: e.Name, Source: src})
			}
		case vf.FieldRef != nil:
			direct = append(direct, targets.EnvVar{Name: e.Name, Source: targets.EnvSource{Kind: targets.SourceField, Name: vf.FieldRef.FieldPath}})
		case vf.ResourceFieldRef != nil:
			direct = append(direct, targets.EnvVar{Name: e.Name, Source: targets.EnvSource{Kind: targets.SourceField, Name: vf.ResourceFieldRef.Resource}})
		}
	}
	// env entries override envFrom and each other (the last wins).
	return &targets.Environ{Vars: targets.SortVars(append(vars, direct...)), Where: where(pod, cname)}, nil
}

func where(pod *corev1.Pod, container string) string {
	return fmt.Sprintf("container %s of pod %s/%s", container, pod.Namespace, pod.Name)
}

func optional(b *bool) bool { return b != nil && *b }

// secretVar is a variable from bytes: Known only when they are text the
// process can get as a string.
func secretVar(name string, v []byte, src targets.EnvSource) targets.EnvVar {
	return targets.EnvVar{Name: name, Value: string(v), Known: utf8.Valid(v), Source: src}
}

type envResolver struct {
	t       *Target
	ctx     context.Context
	secrets map[string]*corev1.Secret
	cms     map[string]*corev1.ConfigMap
}

func (r *envResolver) secret(name string, opt *bool) (*corev1.Secret, error) {
	if s, ok := r.secrets[name]; ok {
		return s, nil
	}
	actx, cancel := r.t.conn.APIContext(r.ctx)
	defer cancel()
	s := &corev1.Secret{}
	err := r.t.conn.Core.Get().Namespace(r.t.namespace).Resource("secrets").Name(name).Do(actx).Into(s)
	switch {
	case apierrors.IsNotFound(err) && optional(opt):
		s = nil
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("secret %q not found in namespace %q", name, r.t.namespace)
	case err != nil:
		return nil, r.t.conn.Classify(err, "get", "secrets", r.t.namespace)
	}
	r.secrets[name] = s
	return s, nil
}

func (r *envResolver) configMap(name string, opt *bool) (*corev1.ConfigMap, error) {
	if c, ok := r.cms[name]; ok {
		return c, nil
	}
	actx, cancel := r.t.conn.APIContext(r.ctx)
	defer cancel()
	c := &corev1.ConfigMap{}
	err := r.t.conn.Core.Get().Namespace(r.t.namespace).Resource("configmaps").Name(name).Do(actx).Into(c)
	switch {
	case apierrors.IsNotFound(err) && optional(opt):
		c = nil
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("configmap %q not found in namespace %q", name, r.t.namespace)
	case err != nil:
		return nil, r.t.conn.Classify(err, "get", "configmaps", r.t.namespace)
	}
	r.cms[name] = c
	return c, nil
}

func (r *envResolver) source(kind string, m *metav1.ObjectMeta, key, via, prefix string) targets.EnvSource {
	return targets.EnvSource{Kind: kind, Namespace: m.Namespace, Name: m.Name, Key: key, Via: via, Prefix: prefix,
		ManagedBy: ManagedBy(m), ResourceVersion: m.ResourceVersion}
}

// ManagedBy names what owns an object when an edit made directly to it
// would be reverted: an ExternalSecret or SealedSecret (by owner
// reference or their controllers' marks), a Helm release, Argo CD, or any
// other controlling owner. "" when nothing does.
func ManagedBy(m *metav1.ObjectMeta) string {
	for _, o := range m.OwnerReferences {
		switch o.Kind {
		case "ExternalSecret", "SealedSecret":
			return o.Kind + " " + o.Name
		}
	}
	switch {
	case m.Labels["reconcile.external-secrets.io/managed"] != "" || m.Annotations["reconcile.external-secrets.io/data-hash"] != "":
		return "ExternalSecret " + m.Name
	case m.Annotations["sealedsecrets.bitnami.com/managed"] == "true":
		return "SealedSecret " + m.Name
	}
	for _, o := range m.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			return "owner " + o.Kind + "/" + o.Name
		}
	}
	if rel := m.Annotations["meta.helm.sh/release-name"]; rel != "" {
		return "Helm release " + rel
	}
	if m.Labels["app.kubernetes.io/managed-by"] == "Helm" {
		return "Helm"
	}
	if m.Annotations["argocd.argoproj.io/tracking-id"] != "" {
		return "Argo CD"
	}
	return ""
}
