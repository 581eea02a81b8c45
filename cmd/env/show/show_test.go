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
