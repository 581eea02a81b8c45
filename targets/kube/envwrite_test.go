package kube

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ctlops/ctl/targets"
)

func versioned(s *corev1.Secret, rv string) *corev1.Secret {
	s.ResourceVersion = rv
	return s
}

func change(key, objKey, old, nv, rv string) targets.EnvChange {
	return targets.EnvChange{Key: key, Old: old, HadOld: true, New: nv,
		Source: targets.EnvSource{Kind: targets.SourceSecret, Name: "app", Namespace: "qa", Key: objKey, Via: "envFrom", ResourceVersion: rv}}
}

func stored(t *testing.T, f *fakeAPI) map[string]string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.objects["secrets/qa/app"].(*corev1.Secret).Data {
		out[k] = string(v)
	}
	return out
}

// A change someone made to another key after ctl read the Secret: the
// Update with the version read is refused (409), ctl reads again, merges
// per key and writes with the new version.
func TestWriteAppEnvMergesAConflict(t *testing.T) {
	f := newFakeAPI(t, namespace("qa"), versioned(secret("app", map[string]string{"TOKEN": "1", "OTHER": "a"}), "5"))
	tg, _, _ := target(f, env(nil), targets.Options{})
	// Read at version 5; meanwhile someone writes OTHER (version 6).
	f.add(versioned(secret("app", map[string]string{"TOKEN": "1", "OTHER": "theirs"}), "6"))
	res, err := tg.WriteAppEnv(context.Background(), []targets.EnvChange{change("APP_TOKEN", "TOKEN", "1", "2", "5")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Retries != 1 || f.puts != 1 {
		t.Errorf("retries %d, successful updates %d; want 1 and 1", res.Retries, f.puts)
	}
	got := stored(t, f)
	if got["TOKEN"] != "2" || got["OTHER"] != "theirs" {
		t.Errorf("after the merge: %v", got)
	}
	if len(res.Written) != 1 || res.Written[0] != "secret qa/app" {
		t.Errorf("written: %v", res.Written)
	}
}

// The same key changed on both sides: nothing is written.
func TestWriteAppEnvSameKeyConflict(t *testing.T) {
	f := newFakeAPI(t, namespace("qa"), versioned(secret("app", map[string]string{"TOKEN": "theirs"}), "6"))
	tg, _, _ := target(f, env(nil), targets.Options{})
	_, err := tg.WriteAppEnv(context.Background(), []targets.EnvChange{change("TOKEN", "TOKEN", "1", "2", "5")})
	var ce *targets.EnvConflictError
	if !errors.As(err, &ce) || strings.Join(ce.Keys, ",") != "TOKEN" {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), "theirs") {
		t.Error("a value in the error")
	}
	if f.puts != 0 || stored(t, f)["TOKEN"] != "theirs" {
		t.Error("written despite the conflict")
	}
	// Already the wanted value (someone made the same change): no conflict.
	if _, err := tg.WriteAppEnv(context.Background(), []targets.EnvChange{change("TOKEN", "TOKEN", "1", "theirs", "5")}); err != nil {
		t.Errorf("same value on both sides: %v", err)
	}
}

// An object that became managed since it was read is refused.
func TestWriteAppEnvManagedAtWriteTime(t *testing.T) {
	s := versioned(secret("app", map[string]string{"TOKEN": "1"}), "5")
	s.Annotations = map[string]string{"reconcile.external-secrets.io/data-hash": "x"}
	f := newFakeAPI(t, namespace("qa"), s)
	tg, _, _ := target(f, env(nil), targets.Options{})
	_, err := tg.WriteAppEnv(context.Background(), []targets.EnvChange{change("TOKEN", "TOKEN", "1", "2", "5")})
	if err == nil || !strings.Contains(err.Error(), "managed by ExternalSecret app") || f.puts != 0 {
		t.Fatalf("err %v, puts %d", err, f.puts)
	}
}

func TestPodSpecUses(t *testing.T) {
	ref := func(n string) corev1.LocalObjectReference { return corev1.LocalObjectReference{Name: n} }
	spec := &corev1.PodSpec{Containers: []corev1.Container{{
		EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: ref("cfg")}}},
		Env:     []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: ref("app"), Key: "TOKEN"}}}},
	}}}
	for _, tt := range []struct {
		kind, name, key string
		want            bool
	}{
		{targets.SourceConfigMap, "cfg", "ANY", true},
		{targets.SourceSecret, "cfg", "ANY", false},
		{targets.SourceSecret, "app", "TOKEN", true},
		{targets.SourceSecret, "app", "OTHER", false},
	} {
		if got := podSpecUses(spec, tt.kind, tt.name, tt.key); got != tt.want {
			t.Errorf("%s %s/%s: %v", tt.kind, tt.name, tt.key, got)
		}
	}
}
