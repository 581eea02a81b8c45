package kube

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// SecretValues resolves SECRET_KEY (and DJANGO_SECRET_KEY) as the app
// container's process gets it — literal env, secretKeyRef, configMapKeyRef,
// envFrom Secret/ConfigMap with env overriding envFrom — and the database
// password, through the API only.
func TestSecretValues(t *testing.T) {
	withEnv := func(env []corev1.EnvVar, from []corev1.EnvFromSource) *corev1.Pod {
		p := pod("web-1", "web", true, time.Hour)
		p.Spec.Containers[0].Env, p.Spec.Containers[0].EnvFrom = env, from
		return p
	}
	secretRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	fromSecret := func(name, prefix string) corev1.EnvFromSource {
		return corev1.EnvFromSource{Prefix: prefix, SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}}
	}
	fromCM := func(name string) corev1.EnvFromSource {
		return corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}}
	}
	dbURL := corev1.EnvVar{Name: "DATABASE_URL", ValueFrom: secretRef("db", "url")}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "qa"}, Data: map[string]string{"SECRET_KEY": "cm-key-value", "DEBUG": "0"}}
	tests := []struct {
		name      string
		pod       *corev1.Pod
		dbSecret  string // database.secret
		want      []string
		wantErr   string
		noSecrets bool // the secrets are absent from the API
	}{
		{name: "literal env", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", Value: "literal-key-value"}, dbURL}, nil),
			want: []string{"literal-key-value", "db-pass-value"}},
		{name: "secretKeyRef", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", ValueFrom: secretRef("app", "django-key")}, dbURL}, nil),
			want: []string{"secret-key-value", "db-pass-value"}},
		{name: "envFrom secret, DJANGO_SECRET_KEY", pod: withEnv([]corev1.EnvVar{dbURL}, []corev1.EnvFromSource{fromSecret("appenv", "")}),
			want: []string{"envfrom-key-value", "db-pass-value"}},
		{name: "envFrom secret with prefix", pod: withEnv([]corev1.EnvVar{dbURL}, []corev1.EnvFromSource{fromSecret("app", "DJANGO_")}),
			// app's keys become DJANGO_django-key and DJANGO_SECRET_KEY.
			want: []string{"prefixed-key-value", "db-pass-value"}},
		{name: "envFrom configmap", pod: withEnv([]corev1.EnvVar{dbURL}, []corev1.EnvFromSource{fromCM("cfg")}),
			want: []string{"cm-key-value", "db-pass-value"}},
		{name: "env overrides envFrom", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", ValueFrom: secretRef("app", "django-key")}, dbURL}, []corev1.EnvFromSource{fromCM("cfg")}),
			want: []string{"secret-key-value", "db-pass-value"}},
		{name: "database.secret and SECRET_KEY from the container", dbSecret: "db", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", Value: "literal-key-value"}}, nil),
			want: []string{"literal-key-value", "db-pass-value"}},
		{name: "a database without a password", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", Value: "literal-key-value"}, {Name: "DATABASE_URL", Value: "postgres://app@pg/app"}}, nil),
			want: []string{"literal-key-value"}},
		{name: "nothing to mask", pod: withEnv([]corev1.EnvVar{{Name: "DATABASE_URL", Value: "postgres://app@pg/app"}}, nil)},
		{name: "secrets missing", noSecrets: true, pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", ValueFrom: secretRef("app", "django-key")}, dbURL}, nil),
			wantErr: `SECRET_KEY: secret "app" not found in namespace "qa"`},
		{name: "SECRET_KEY missing, the password resolved", dbSecret: "db", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", ValueFrom: secretRef("nope", "k")}}, nil),
			want: []string{"db-pass-value"}, wantErr: `SECRET_KEY: secret "nope" not found in namespace "qa"`},
		{name: "no database variables: the key, and why no password", pod: withEnv([]corev1.EnvVar{{Name: "SECRET_KEY", Value: "literal-key-value"}}, nil),
			want: []string{"literal-key-value"}, wantErr: "the database password: no DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := []runtime.Object{namespace("qa"), tt.pod, cm}
			if !tt.noSecrets {
				objs = append(objs,
					secret("db", map[string]string{"url": "postgres://app:db-pass-value@pg/app", "password": "db-pass-value", "name": "app"}),
					secret("app", map[string]string{"django-key": "secret-key-value", "SECRET_KEY": "prefixed-key-value"}),
					secret("appenv", map[string]string{"DJANGO_SECRET_KEY": "envfrom-key-value", "DEBUG": "0"}))
			}
			f := newFakeAPI(t, objs...)
			tg, _, _ := target(f, env(func(e *config.Environment) { e.Database.Secret = tt.dbSecret }), targets.Options{})
			got, err := tg.SecretValues(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "value") {
					t.Fatal("the error holds a value")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %d values %v, want %v", len(got), got, want)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, r := range f.requests {
				if !strings.HasPrefix(r, http.MethodGet+" ") || strings.Contains(r, "/exec") || strings.Contains(r, "/portforward") {
					t.Errorf("request %q: SecretValues reads, never execs or forwards", r)
				}
			}
		})
	}
}
