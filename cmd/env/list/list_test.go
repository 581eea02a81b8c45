package list

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/iostreams"
)

const teamFile = `app: myapp
environments:
  local:
    dir: /srv/app
  qa:
    target: kubernetes
    context: kind-qa
    namespace: myapp-{env}
    description: QA cluster
  prod:
    target: ssh
    user: deploy
    hosts: [web1, web2]
    protected: true
`

func setup(t *testing.T) (string, *config.Config) {
	t.Helper()
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "manage.py"), nil, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(teamFile), 0o644)
	cfg, err := config.Load(config.LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

func run(t *testing.T, tty bool, args ...string) (string, string) {
	t.Helper()
	dir, cfg := setup(t)
	ios, _, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	f := &cmdutil.Factory{IOStreams: ios,
		Config: func() (*config.Config, error) { return cfg, nil },
		Cwd:    func() (string, error) { return dir, nil }}
	cmd := NewCmdList(f, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(out.String(), dir, "DIR"), errOut.String()
}

func TestListPlain(t *testing.T) {
	out, _ := run(t, false)
	want := "local\tlocal\t/srv/app\tfalse\t\n" +
		"qa\tkubernetes\tkind-qa/myapp-qa\tfalse\tQA cluster\n" +
		"prod\tssh\tdeploy@web1,web2\ttrue\t\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}

func TestListTTY(t *testing.T) {
	out, errOut := run(t, true)
	want := "NAME              TARGET      WHERE             DESCRIPTION\n" +
		"local             local       /srv/app\n" +
		"qa                kubernetes  kind-qa/myapp-qa  QA cluster\n" +
		"prod (protected)  ssh         deploy@web1,web2\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(errOut, "ctl.yaml") {
		t.Fatalf("no source line on stderr: %q", errOut)
	}
}

func TestListJSON(t *testing.T) {
	out, _ := run(t, false, "--json")
	var doc struct {
		SchemaVersion int              `json:"schemaVersion"`
		Environments  []map[string]any `json:"environments"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || len(doc.Environments) != 3 {
		t.Fatalf("doc = %+v", doc)
	}
	prod := doc.Environments[2]
	if prod["name"] != "prod" || prod["protected"] != true || prod["location"] != "deploy@web1,web2" {
		t.Fatalf("prod = %v", prod)
	}
	src := prod["source"].(map[string]any)
	if src["kind"] != "team file" || src["line"] != float64(10) {
		t.Fatalf("source = %v", src)
	}

	out, _ = run(t, false, "--json=name,target")
	if !strings.Contains(out, `"name": "qa"`) || strings.Contains(out, "location") {
		t.Fatalf("field selection ignored:\n%s", out)
	}
	out, _ = run(t, false, "--template", "{{range .environments}}{{.name}} {{end}}")
	if out != "local qa prod " {
		t.Fatalf("template: %q", out)
	}
}
