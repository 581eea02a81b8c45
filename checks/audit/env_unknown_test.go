package audit

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEnvUnknown: a variable the deployment sets to a value the audit
// could not read (a pod field, a Secret it may not get) is unknown, never
// unset: its default does not apply and the checks that need it are
// skipped with ctl.X001, not passed or failed on the default.
func TestEnvUnknown(t *testing.T) {
	dir := writeSettings(t, `import os
import environ
env = environ.Env(DEBUG=(bool, True))
DEBUG = env("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-abc")
`)
	run := func(unknown map[string]string) (ids []string, env string) {
		t.Helper()
		res, err := Run(context.Background(), Options{Target: filepath.Join(dir, "app", "settings.py"), Cwd: dir, Env: map[string]string{}, EnvUnknown: unknown})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			ids = append(ids, f.ID)
		}
		return ids, res.EnvAssumed
	}
	unset, _ := run(nil)
	for _, id := range []string{"security.W018", "ctl.D001", "security.W009", "ctl.S002"} {
		if !slices.Contains(unset, id) {
			t.Fatalf("control: %s missing with the variables unset: %v", id, unset)
		}
	}
	got, env := run(map[string]string{"DEBUG": "a pod field (metadata.labels)", "SECRET_KEY": "secret app/key"})
	for _, id := range []string{"security.W018", "ctl.D001", "security.W009", "ctl.S002"} {
		if slices.Contains(got, id) {
			t.Errorf("%s reported from a default although the variable is set: %v", id, got)
		}
	}
	if !slices.Contains(got, "ctl.X001") {
		t.Errorf("no ctl.X001 for the unknown settings: %v", got)
	}
	if !strings.Contains(env, "DEBUG") || !strings.Contains(env, "unknown") {
		t.Errorf("EnvAssumed does not name the unknown variables: %q", env)
	}
}
