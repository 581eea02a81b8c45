package kube

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/targets"
)

func TestEnviron(t *testing.T) {
	yes := true
	p := pod("web-1", "web", true, time.Hour)
	ref := func(name string) corev1.LocalObjectReference { return corev1.LocalObjectReference{Name: name} }
	p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: ref("cfg")}},
		{Prefix: "APP_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: ref("app")}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: ref("gone"), Optional: &yes}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: ref("ext")}}, // overrides cfg's DEBUG
	}
	p.Spec.Containers[0].Env = []corev1.EnvVar{
		{Name: "MODE", Value: "first"},
		{Name: "MODE", Value: "spec"}, // the last of a name wins
		{Name: "APP_TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: ref("app"), Key: "TOKEN"}}}, // same value, env source
		{Name: "OPT", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: ref("cfg"), Key: "nope", Optional: &yes}}},
		{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "qa", ResourceVersion: "7",
		Annotations: map[string]string{"meta.helm.sh/release-name": "web"}}, Data: map[string]string{"DEBUG": "1", "HOST": "qa.example"}}
	app := secret("app", map[string]string{"TOKEN": "t0k3n"})
	app.Data["BLOB"] = []byte{0xff, 0xfe}
	ext := secret("ext", map[string]string{"DEBUG": "0"})
	ext.OwnerReferences = []metav1.OwnerReference{{Kind: "ExternalSecret", Name: "ext-src", Controller: &yes}}
	f := newFakeAPI(t, namespace("qa"), p, cm, app, ext)
	tg, _, _ := target(f, env(nil), targets.Options{})
	e, err := tg.AppEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range e.Vars {
		s := v.Name + "=" + v.Value
		if !v.Known {
			s = v.Name + "?"
		}
		s += " <" + v.Source.String()
		if v.Source.Via != "" {
			s += " via " + v.Source.Via + v.Source.Prefix
		}
		if v.Source.ManagedBy != "" {
			s += " managed by " + v.Source.ManagedBy
		}
		got = append(got, s+">")
	}
	want := []string{
		"APP_BLOB? <secret app/BLOB via envFromAPP_>",
		"APP_TOKEN=t0k3n <secret app/TOKEN via env>",
		"DEBUG=0 <secret ext/DEBUG via envFrom managed by ExternalSecret ext-src>",
		"HOST=qa.example <configmap cfg/HOST via envFrom managed by Helm release web>",
		"MODE=spec <the container spec>",
		"OPT? <configmap cfg/nope via env managed by Helm release web>",
		"POD_IP? <a pod field (status.podIP)>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e.Where != "container web of pod qa/web-1" {
		t.Errorf("where %q", e.Where)
	}
	if v, _ := e.Lookup("HOST"); v.Source.ResourceVersion != "7" {
		t.Errorf("resourceVersion %q", v.Source.ResourceVersion)
	}
	if _, ok := e.Map()["APP_BLOB"]; ok {
		t.Error("binary value in Map")
	}
}

func TestEnvironRequiredSecretMissing(t *testing.T) {
	p := pod("web-1", "web", true, time.Hour)
	p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}}}}
	tg, _, _ := target(newFakeAPI(t, namespace("qa"), p), env(nil), targets.Options{})
	if _, err := tg.AppEnv(context.Background()); err == nil || err.Error() != `secret "gone" not found in namespace "qa"` {
		t.Fatalf("err = %v", err)
	}
}
