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

// TestSuppliedSecretsFile: Options.Files (--file PATH=LOCAL) gives the
// deployment's copy of a JSON file read with json.load, in the project
// (even when this machine has no copy) or outside it; its values, nested
// ones included, have the file as source. A YAML file read with
// yaml.safe_load is read as PyYAML would; a copy that is not JSON stays
// unknown.
func TestSuppliedSecretsFile(t *testing.T) {
	dir := writeSettings(t, `import json
import yaml
with open("secrets.json") as f:
    secrets = json.load(f)
with open("/etc/app/db.json") as f:
    DATABASES = {"default": json.load(f)}
with open("hosts.yaml") as f:
    ALLOWED_HOSTS = yaml.safe_load(f)
SECRET_KEY = secrets["SECRET_KEY"]
DEBUG = secrets.get("DEBUG", False)
`)
	files := map[string]SuppliedFile{
		"secrets.json":     {Data: []byte(`{"SECRET_KEY": "dev", "DEBUG": true}`), From: "--file deploy/secrets.json"},
		"/etc/app/db.json": {Data: []byte(`{"ENGINE": "django.db.backends.postgresql", "PASSWORD": "pw"}`), From: "--file deploy/db.json"},
		"hosts.yaml":       {Data: []byte("- example.com\n"), From: "--file deploy/hosts.yaml"},
	}
	res, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SECRET_KEY", "DEBUG"} {
		s := setting(res, name)
		if !s.Known || s.Source.Label() != "file" || s.Source.String() != "file secrets.json from --file deploy/secrets.json" {
			t.Errorf("%s = %+v (%s), want known from the supplied secrets.json", name, s, s.Source)
		}
	}
	if s := setting(res, "ALLOWED_HOSTS"); !s.Known || s.Value != "['example.com']" || s.Source.String() != "file hosts.yaml from --file deploy/hosts.yaml" {
		t.Errorf("ALLOWED_HOSTS from YAML = %+v (%s), want ['example.com'] from the supplied hosts.yaml", s, s.Source)
	}
	for _, id := range []string{"security.W009", "security.W018"} {
		if findID(res, id).ID == "" {
			t.Errorf("no %s: %s", id, ids(res))
		}
	}
	for _, id := range []string{"ctl.S001", "ctl.DB002", "ctl.E001"} {
		if f := findID(res, id); f.ID != "" {
			t.Errorf("unexpected %s: %+v", id, f)
		}
	}
	if s := setting(res, "DATABASES"); !s.Known || !strings.Contains(s.Value, "postgresql") {
		t.Errorf("DATABASES = %+v, want the supplied /etc/app/db.json", s)
	}

	files["secrets.json"] = SuppliedFile{Data: []byte("SECRET_KEY=x\n"), From: "--file deploy/secrets.env"}
	res, err = Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	if s := setting(res, "SECRET_KEY"); s.Known || !strings.Contains(s.Source.Why, "JSONDecodeError") {
		t.Errorf("SECRET_KEY from a copy that is not JSON = %+v, want unknown (JSONDecodeError)", s)
	}
}
