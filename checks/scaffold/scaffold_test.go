package scaffold

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

func TestExampleProject(t *testing.T) {
	proj := testenv.ExampleProject(t)
	f, err := Discover(context.Background(), Options{Cwd: filepath.Join(proj, "inventory"), NoKube: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Dir != proj || !f.HasManage || f.Settings != "mysite.settings" || f.SettingsSource != "manage.py" || f.App != "mysite" ||
		f.Venv != ".venv" || !f.DotEnvExample || f.DotEnv {
		t.Fatalf("%+v", f)
	}
	data := Render(f)
	for _, want := range []string{"app: mysite\n", "  local:\n    target: local\n", "settings mysite.settings (from manage.py)",
		"# env_file: .env   # not there yet: cp .env.example .env"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("lacks %q:\n%s", want, data)
		}
	}
	if string(Render(f)) != string(data) {
		t.Error("Render is not deterministic")
	}
	path := f.Path()
	if err := Write(path, data, false); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: proj})
	if err != nil || cfg.TeamFile != path || cfg.App != "mysite" || strings.Join(cfg.Names(), ",") != "local" {
		t.Fatalf("%v %+v", err, cfg)
	}
	// Never overwritten without force; replaced with it.
	if err := os.WriteFile(path, []byte("version: 1\n# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, data, false); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrite without force: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "version: 1\n# mine\n" {
		t.Fatalf("the file changed: %q", b)
	}
	if err := Write(path, data, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(data) {
		t.Fatal("force did not replace the file")
	}
	left, _ := filepath.Glob(filepath.Join(proj, ".ctl.yaml.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}

func TestNamesNeedQuoting(t *testing.T) {
	f := &Found{Dir: t.TempDir(), App: "shop", Kube: []KubeEnv{{Name: "yes", Context: "arn:aws:eks:eu-west-1:1:cluster/prod", Namespace: "shop-yes", Why: "test"}}}
	data := Render(f)
	if err := Validate(filepath.Join(f.Dir, "ctl.yaml"), data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
}

func TestSandboxNamespacesBecomeEnvironments(t *testing.T) {
	sb := sandbox.Require(t)
	labelled := sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "mysite"})
	t.Setenv("KUBECONFIG", sb.Kubeconfig)
	proj := testenv.ExampleProject(t)
	f, err := Discover(context.Background(), Options{Cwd: proj, Timeout: 5 * time.Second, Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	var found *KubeEnv
	for i := range f.Kube {
		if f.Kube[i].Namespace == labelled {
			found = &f.Kube[i]
		}
	}
	if found == nil || found.Context != "ctl-sandbox" || found.Name != labelled || !strings.Contains(found.Why, "labelled app.kubernetes.io/part-of=mysite") {
		t.Fatalf("%+v", f.Kube)
	}
	data := Render(f)
	if !strings.Contains(string(data), "    target: kubernetes\n    context: ctl-sandbox\n    namespace: "+labelled+"\n") {
		t.Fatalf("%s", data)
	}
	if err := Write(f.Path(), data, false); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Cwd: proj})
	if err != nil || cfg.Env(labelled) == nil || cfg.Env(labelled).Target != config.TargetKubernetes {
		t.Fatalf("%v %v", err, cfg)
	}
}

func TestEnvNames(t *testing.T) {
	for ns, want := range map[string]string{"shop-qa": "qa", "shop_prod": "prod", "staging-shop": "staging", "other": "other"} {
		if got := envName("shop", ns); got != want {
			t.Errorf("%s: %s, want %s", ns, got, want)
		}
	}
	if !isProd("production") || isProd("qa") {
		t.Error("isProd")
	}
}
