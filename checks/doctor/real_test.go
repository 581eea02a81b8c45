package doctor

// Real failures, not mocked ones: files with real modes, a PATH without
// psql, a kubeconfig without the named context, a stopped PostgreSQL.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

// project makes a temp dir with ctl.yaml (when cfg != "") and a
// manage.py, a temp HOME, and loads the configuration as ctl would.
func project(t *testing.T, cfg string) Deps {
	t.Helper()
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	if cfg != "" {
		write(t, filepath.Join(dir, "ctl.yaml"), cfg, 0o644)
	}
	write(t, filepath.Join(dir, "manage.py"), "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n", 0o644)
	return load(t, dir)
}

func load(t *testing.T, dir string) Deps {
	t.Helper()
	c, err := config.Load(config.LoadOptions{Cwd: dir, PersonalFile: config.PersonalPath(os.Getenv)})
	return Deps{Cwd: dir, Config: c, ConfigErr: err, Timeout: 5 * time.Second,
		Target: func(env *config.Environment) (targets.Target, error) {
			return targets.NewDrivers(nil, local.Driver{}, ssh.Driver{}).New(context.Background(), env, targets.Deps{Cwd: dir, Getenv: os.Getenv, Environ: os.Environ, LookPath: exec.LookPath})
		}}
}

func write(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// run builds the checks and runs those with the given IDs.
func run(t *testing.T, d Deps, envs []string, ids ...string) []Result {
	t.Helper()
	checks := Filter(Build(d, envs), ids)
	if len(checks) == 0 {
		t.Fatalf("no check %v was built", ids)
	}
	return Run(context.Background(), checks, d.Timeout, Observer{})
}

func one(t *testing.T, d Deps, envs []string, id string) Result {
	t.Helper()
	res := run(t, d, envs, id)
	return res[0]
}

const kubeconfigBody = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: not-a-secret}
contexts:
- name: staging-cluster
  context: {cluster: c1, user: u1}
current-context: staging-cluster
`

func TestKubeconfigReadableByOthersIsFixed(t *testing.T) {
	d := project(t, "environments:\n  qa:\n    target: kubernetes\n    context: staging-cluster\n    namespace: x\n")
	kc := filepath.Join(os.Getenv("HOME"), ".kube", "config")
	write(t, kc, kubeconfigBody, 0o644)

	r := one(t, d, nil, "workstation.kubeconfig")
	if r.Status != Fail || !strings.Contains(r.Message, kc+" is 0644") || !r.Fixable() {
		t.Fatalf("%+v", r)
	}
	if want := "chmod 600 " + kc; len(r.Fix.Plan) != 1 || r.Fix.Plan[0] != want {
		t.Fatalf("plan %q, want %q", r.Fix.Plan, want)
	}
	if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(kc)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v after the fix", st.Mode())
	}
	if r := one(t, load(t, d.Cwd), nil, "workstation.kubeconfig"); r.Status != Pass {
		t.Fatalf("re-check: %+v", r)
	}
}

func TestPsqlMissingFromPATH(t *testing.T) {
	d := project(t, "environments:\n  qa:\n    target: kubernetes\n    namespace: x\n")
	empty := t.TempDir()
	t.Setenv("PATH", empty)
	d.LookPath = exec.LookPath
	r := one(t, d, nil, "workstation.psql")
	if r.Status != Fail || r.Message != "psql is not on PATH" || !strings.Contains(r.Hint, "dbshell") {
		t.Fatalf("%+v", r)
	}
	if r.Fix != nil {
		t.Errorf("no package manager on this PATH, yet a fix: %+v", r.Fix)
	}
	// With apt on PATH and not root, the plan names sudo before anything runs.
	d.Installer = DetectInstaller(func(name string) (string, error) {
		if name == "apt-get" || name == "sudo" {
			return "/usr/bin/" + name, nil
		}
		return "", exec.ErrNotFound
	}, 1000)
	r = one(t, d, nil, "workstation.psql")
	if r.Fix == nil || strings.Join(r.Fix.Plan, ";") != "sudo apt-get install -y postgresql-client" || !strings.Contains(r.Fix.Title, "sudo") {
		t.Fatalf("%+v", r.Fix)
	}
	// Only local environments: psql is then a warning, not a failure.
	d2 := project(t, "")
	d2.LookPath = exec.LookPath
	if r := one(t, d2, nil, "workstation.psql"); r.Status != Warn {
		t.Fatalf("%+v", r)
	}
}

func TestInstallerPlans(t *testing.T) {
	tests := []struct {
		in   Installer
		prog string
		want string
	}{
		{Installer{Manager: "apt"}, "psql", "apt-get install -y postgresql-client"},
		{Installer{Manager: "dnf", Sudo: true}, "kubectl", "sudo dnf install -y kubectl"},
		{Installer{Manager: "brew"}, "psql", "brew install libpq;brew link --force libpq"},
	}
	for _, tt := range tests {
		f := tt.in.Fix(tt.prog)
		if f == nil || strings.Join(f.Plan, ";") != tt.want {
			t.Errorf("%+v %s: %+v", tt.in, tt.prog, f)
		}
	}
	if f := (&Installer{}).Fix("psql"); f != nil {
		t.Errorf("no manager, yet %+v", f)
	}
}

func TestConfigNamingAMissingContext(t *testing.T) {
	d := project(t, "environments:\n  qa:\n    target: kubernetes\n    context: staging-clustr\n    namespace: myapp-qa\n")
	kc := filepath.Join(os.Getenv("HOME"), ".kube", "config")
	write(t, kc, kubeconfigBody, 0o600)

	r := one(t, d, nil, "config.contexts")
	if r.Status != Fail || !strings.Contains(r.Message, `environment qa names context "staging-clustr", which the kubeconfig lacks (did you mean "staging-cluster"?)`) {
		t.Fatalf("%+v", r)
	}
	if !r.Fixable() || !strings.Contains(r.Fix.Plan[0], "kubectl config set-context staging-clustr --cluster=c1 --user=u1 --namespace=myapp-qa") {
		t.Fatalf("%+v", r.Fix)
	}
	// The API check says the same, before any network.
	api := one(t, d, nil, "kube.api")
	if api.Status != Fail || !strings.Contains(api.Message, `kubeconfig has no context "staging-clustr"`) {
		t.Fatalf("%+v", api)
	}
	if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(kc); st.Mode().Perm() != 0o600 {
		t.Errorf("the fix changed the kubeconfig's mode to %v", st.Mode())
	}
	if r := one(t, load(t, d.Cwd), nil, "config.contexts"); r.Status != Pass {
		t.Fatalf("re-check: %+v", r)
	}
	b, _ := os.ReadFile(kc)
	if !strings.Contains(string(b), "name: staging-cluster") || !strings.Contains(string(b), "namespace: myapp-qa") {
		t.Fatalf("kubeconfig after the fix:\n%s", b)
	}
}

func TestNoCurrentContextIsSwitched(t *testing.T) {
	d := project(t, "environments:\n  qa:\n    target: kubernetes\n    namespace: x\n")
	kc := filepath.Join(os.Getenv("HOME"), ".kube", "config")
	write(t, kc, strings.Replace(kubeconfigBody, "current-context: staging-cluster\n", "", 1), 0o600)
	r := one(t, d, nil, "config.contexts")
	if r.Status != Fail || !r.Fixable() || !strings.Contains(strings.Join(r.Fix.Plan, "\n"), "kubectl config use-context staging-cluster") {
		t.Fatalf("%+v %+v", r, r.Fix)
	}
	if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
		t.Fatal(err)
	}
	if r := one(t, load(t, d.Cwd), nil, "config.contexts"); r.Status != Pass {
		t.Fatalf("re-check: %+v", r)
	}
}

func TestDotenvCopiedFromExample(t *testing.T) {
	d := project(t, "")
	write(t, filepath.Join(d.Cwd, ".env.example"), "DEBUG=1\n", 0o644)
	r := one(t, d, nil, "config.dotenv")
	if r.Status != Warn || !r.Fixable() {
		t.Fatalf("%+v", r)
	}
	if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(d.Cwd, ".env"))
	st, _ := os.Stat(filepath.Join(d.Cwd, ".env"))
	if err != nil || string(b) != "DEBUG=1\n" || st.Mode().Perm() != 0o600 {
		t.Fatalf("%q %v %v", b, err, st.Mode())
	}
	if r := one(t, d, nil, "config.dotenv"); r.Status != Pass || r.Fix != nil {
		t.Fatalf("re-check: %+v", r)
	}
	// Applying the stale fix again never overwrites the file.
	write(t, filepath.Join(d.Cwd, ".env"), "DEBUG=0\n", 0o600)
	if err := r.Fix.Apply(context.Background(), FixIO{}); err == nil {
		t.Fatal("the fix overwrote .env")
	}
	if b, _ := os.ReadFile(filepath.Join(d.Cwd, ".env")); string(b) != "DEBUG=0\n" {
		t.Fatalf(".env is now %q", b)
	}
}

func TestCompletionInstalledOnceInAMarkedBlock(t *testing.T) {
	d := project(t, "")
	t.Setenv("SHELL", "/bin/bash")
	rc := filepath.Join(os.Getenv("HOME"), ".bashrc")
	write(t, rc, "alias ll='ls -l'", 0o640)
	r := one(t, d, nil, "workstation.completion")
	if r.Status != Warn || !r.Fixable() {
		t.Fatalf("%+v", r)
	}
	for i := 0; i < 2; i++ { // idempotent: a second run replaces the block
		if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(rc)
	if strings.Count(string(b), completionBegin) != 1 || !strings.HasPrefix(string(b), "alias ll='ls -l'\n\n"+completionBegin) ||
		!strings.Contains(string(b), "source <(ctl completion bash)") {
		t.Fatalf("rc:\n%s", b)
	}
	if st, _ := os.Stat(rc); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode())
	}
	if r := one(t, d, nil, "workstation.completion"); r.Status != Pass {
		t.Fatalf("re-check: %+v", r)
	}
	// bash actually loads it.
	bash := testenv.RequireTool(t, "bash")
	ctlDir := t.TempDir()
	write(t, filepath.Join(ctlDir, "ctl"), "#!/bin/sh\necho 'complete -F _ctl_fake ctl'\n", 0o755)
	out, err := exec.Command(bash, "-c", fmt.Sprintf("PATH=%s:$PATH; source %s; complete -p ctl", ctlDir, rc)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "_ctl_fake") {
		t.Fatalf("bash: %v: %s", err, out)
	}
}

func TestConfigFileMissingIsCreatedByInit(t *testing.T) {
	d := project(t, "")
	r := one(t, d, nil, "config.file")
	if r.Status != Warn || !r.Fixable() {
		t.Fatalf("%+v", r)
	}
	if err := r.Fix.Apply(context.Background(), FixIO{}); err != nil {
		t.Fatal(err)
	}
	d2 := load(t, d.Cwd)
	if d2.ConfigErr != nil {
		t.Fatal(d2.ConfigErr)
	}
	if r := one(t, d2, nil, "config.file"); r.Status != Pass || !strings.Contains(r.Message, "ctl.yaml: 1 environment(s): local") {
		t.Fatalf("re-check: %+v", r)
	}
	// A second application refuses to overwrite.
	if err := r.Fix.Apply(context.Background(), FixIO{}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second apply: %v", err)
	}
}

func TestBrokenConfigIsAFinding(t *testing.T) {
	d := project(t, "environments:\n  local:\n    pyhton: x\n")
	r := one(t, d, nil, "config.file")
	if r.Status != Fail || !strings.Contains(r.Message, `unknown key "pyhton"`) || r.Hint == "" {
		t.Fatalf("%+v", r)
	}
}

func TestStoppedPostgres(t *testing.T) {
	dir, err := os.MkdirTemp("", "ctl-doctor-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rig := filepath.Join(testenv.RepoRoot(t), "scripts", "pg-rig.sh")
	t.Cleanup(func() { _ = exec.Command(rig, "stop", dir, "--purge").Run() })
	if out, err := exec.Command(rig, "start", dir).CombinedOutput(); err != nil {
		testenv.Missing(t, "scripts/pg-rig.sh start: %v: %s", err, out)
	}
	envf, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	var dsn string
	for _, l := range strings.Split(string(envf), "\n") {
		if v, ok := strings.CutPrefix(l, "CTL_TEST_PG_DSN="); ok {
			dsn = strings.Trim(v, `'"`)
		}
	}
	d := project(t, "environments:\n  local:\n    database:\n      url_env: DOCTOR_DB_URL\n")
	t.Setenv("DOCTOR_DB_URL", dsn)
	if r := one(t, d, []string{"local"}, "env.database"); r.Status != Pass {
		t.Fatalf("running: %+v", r)
	}
	if out, err := exec.Command(rig, "stop", dir).CombinedOutput(); err != nil {
		t.Fatalf("stop: %v: %s", err, out)
	}
	r := one(t, d, []string{"local"}, "env.database")
	if r.Status != Fail || !strings.Contains(r.Message, "cannot reach the database server at 127.0.0.1:") || !strings.Contains(r.Message, "connection refused") {
		t.Fatalf("stopped: %+v", r)
	}
	if strings.Contains(r.Message+r.Hint, passwordOf(dsn)) {
		t.Fatal("the password leaked into the result")
	}
}

func passwordOf(dsn string) string {
	_, rest, _ := strings.Cut(dsn, "://")
	userinfo, _, _ := strings.Cut(rest, "@")
	_, pw, _ := strings.Cut(userinfo, ":")
	if pw == "" {
		return "\x00never"
	}
	return pw
}
