package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsFileStaysUnknown: a JSON or YAML secrets file in the project
// read with `with open(...)` and json.load / yaml.safe_load is the
// developer's copy: what the settings take from it is unknown (ctl.X001
// naming the file), never this machine's values, with or without a
// deployment environment.
func TestSecretsFileStaysUnknown(t *testing.T) {
	dir := writeSettings(t, `import json
import os
import yaml
BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(BASE_DIR, "secrets.json")) as f:
    secrets = json.load(f)
with open(os.path.join(BASE_DIR, "secrets.yaml")) as f:
    ysecrets = yaml.safe_load(f)
SECRET_KEY = secrets["SECRET_KEY"]
DEBUG = secrets.get("DEBUG", False)
ALLOWED_HOSTS = ysecrets["HOSTS"]
`)
	for name, body := range map[string]string{
		"secrets.json": `{"SECRET_KEY": "dev", "DEBUG": true}`,
		"secrets.yaml": "HOSTS: ['*']\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, env := range []map[string]string{nil, {"SECRET_KEY": "x", "DEBUG": "False"}} {
		res, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		for name, file := range map[string]string{"SECRET_KEY": "json.load(secrets.json)", "DEBUG": "json.load(secrets.json)", "ALLOWED_HOSTS": "yaml.safe_load(secrets.yaml)"} {
			s := setting(res, name)
			if s.Known || !strings.Contains(s.Source.Why, file) {
				t.Errorf("env %v: %s = %+v, want unknown naming %s", env, name, s, file)
			}
			if !hasX001(res, name) {
				t.Errorf("env %v: no ctl.X001 for %s", env, name)
			}
		}
		for _, id := range []string{"security.W009", "security.W018", "ctl.S001"} {
			if f := findID(res, id); f.ID != "" {
				t.Errorf("env %v: %s from this machine's secrets file: %+v", env, id, f)
			}
		}
	}
}
