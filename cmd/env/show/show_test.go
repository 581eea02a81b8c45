package show

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

func TestShowLocalWithOrigins(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "manage.py"), nil, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  local:\n    python: /usr/bin/python3\n    database:\n      url: postgres://app:hunter2@127.0.0.1/app\n"), 0o644)
	ios, _, out, _ := iostreams.Test()
	f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(nil, local.Driver{}, ssh.Driver{})})
	f.Getenv = func(string) string { return "" }
	f.Cwd = func() (string, error) { return dir, nil }
	cmd := NewCmdShow(f, nil)
	cmd.SetArgs([]string{"local", "--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Fatal("env show printed the database password")
	}
	var doc struct {
		SchemaVersion int     `json:"schemaVersion"`
		Values        []Value `json:"values"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]Value{}
	for _, v := range doc.Values {
		got[v.Key] = v
	}
	if v := got["python"]; v.Value != "/usr/bin/python3" || v.Origin.Kind != "team file" || v.Origin.Line != 3 || v.Origin.Col != 13 {
		t.Fatalf("python = %+v", v)
	}
	if v := got["dir"]; v.Value != dir || v.Origin.Kind != "detected" {
		t.Fatalf("dir = %+v", v)
	}
	if v := got["database.url"]; v.Value != "postgres://app:xxxxx@127.0.0.1/app" {
		t.Fatalf("database.url = %+v", v)
	}
	if v := got["target"]; v.Value != "local" || v.Origin.Kind != "default" {
		t.Fatalf("target = %+v", v)
	}
}

func TestShowReportsUnresolvableLocal(t *testing.T) {
	dir := t.TempDir() // no manage.py anywhere
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(nil, local.Driver{}, ssh.Driver{})})
	f.Getenv = func(string) string { return "" }
	f.Cwd = func() (string, error) { return dir, nil }
	cmd := NewCmdShow(f, nil)
	cmd.SetArgs([]string{"local"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no Django project found") {
		t.Fatalf("problem not shown:\n%s", out)
	}
}

// TestShowKubeNamespaceFromFile: a namespace (and context) written in
// ctl.yaml is shown with that file and line as its origin, not as
// "detected"; what ctl.yaml leaves out is detected, with a note saying from what.
func TestShowKubeNamespaceFromFile(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	_ = os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: x}
contexts:
- name: qa-cluster
  context: {cluster: c, user: u, namespace: from-kubeconfig}
- name: other
  context: {cluster: c, user: u}
current-context: other
`), 0o600)
	getenv := func(k string) string {
		if k == "KUBECONFIG" {
			return kubeconfig
		}
		return ""
	}
	_ = os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  qa:\n    target: kubernetes\n    context: qa-cluster\n    namespace: myapp-{env}\n  dev:\n    target: kubernetes\n"), 0o644)
	values := func(env string) map[string]Value {
		t.Helper()
		ios, _, out, _ := iostreams.Test()
		f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(nil, local.Driver{}, kube.NewDriver(getenv))})
		f.Getenv = getenv
		f.Cwd = func() (string, error) { return dir, nil }
		cmd := NewCmdShow(f, nil)
		cmd.SetArgs([]string{env, "--json"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Values   []Value  `json:"values"`
			Problems []string `json:"problems"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Problems) > 0 {
			t.Fatalf("problems: %v", doc.Problems)
		}
		got := map[string]Value{}
		for _, v := range doc.Values {
			got[v.Key] = v
		}
		return got
	}
	qa := values("qa")
	if v := qa["namespace"]; v.Value != "myapp-qa" || v.Origin.Kind != "team file" || v.Origin.Line != 5 || !strings.HasSuffix(v.Origin.File, "ctl.yaml") {
		t.Errorf("qa namespace = %+v, want myapp-qa from ctl.yaml line 5", v)
	}
	if v := qa["context"]; v.Value != "qa-cluster" || v.Origin.Kind != "team file" || v.Origin.Line != 4 {
		t.Errorf("qa context = %+v, want qa-cluster from ctl.yaml line 4", v)
	}
	dev := values("dev")
	if v := dev["namespace"]; v.Value != "default" || v.Origin.Kind != "detected" || v.Origin.Note == "" {
		t.Errorf("dev namespace = %+v, want default, detected with a note", v)
	}
	if v := dev["context"]; v.Value != "other" || v.Origin.Kind != "detected" {
		t.Errorf("dev context = %+v, want other, detected", v)
	}
}
