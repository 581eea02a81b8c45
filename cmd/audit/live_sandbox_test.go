package audit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sk-" + hex.EncodeToString(b)
}

// TestLiveAuditSandbox audits the kubernetes environment of the sandbox,
// whose DEBUG and SECRET_KEY come from a Secret through envFrom: the
// static layer reads them through the API (no exec) and so reports
// neither W018 nor W009, which the same settings audited with variables
// unset do; Django's own check --deploy runs through the exec and agrees.
func TestLiveAuditSandbox(t *testing.T) {
	key := randomSecret(t)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{SecretKey: key, Debug: "False"})
	r := a.Run(t, "", "audit", "qa", "--root", a.Project, "--json", "--fail-on", "warning")
	if r.Code != 1 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	var doc liveDoc
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	state := map[string]string{}
	for _, l := range doc.Layers {
		state[l.Name] = l.State
		if l.Name == "static" && !strings.Contains(l.Detail, "secret myapp-env") {
			t.Errorf("static layer's environment: %q", l.Detail)
		}
		t.Logf("layer %s: %s in %d ms", l.Name, l.State, l.Millis)
	}
	if state["static"] != "ran" || state["django"] != "ran" || state["http"] != "skipped" {
		t.Fatalf("layers: %v\n%s", state, r.Stdout)
	}
	ids := map[string][]string{}
	for _, f := range doc.Findings {
		ids[f.ID] = f.Layers
	}
	for _, id := range []string{"security.W018", "security.W009"} {
		if l, ok := ids[id]; ok {
			t.Errorf("%s reported by %v although the Secret sets it right", id, l)
		}
	}
	if !slices.Equal(ids["security.W004"], []string{"static", "django"}) {
		t.Errorf("W004 layers %v", ids["security.W004"])
	}
	// Control: the same settings with the variables unset.
	static := a.Run(t, "", "audit", filepath.Join(a.Project, "mysite", "settings.py"), "--root", a.Project)
	if !strings.Contains(static.Stdout, "security.W018") {
		t.Errorf("the static audit without values misses W018:\n%s", static.Stdout)
	}
	text := a.Run(t, "", "audit", "qa", "--root", a.Project, "--show-settings")
	if !strings.Contains(text.Stdout, "SECRET_KEY = <'sk-…' (67 characters, redacted)>  (env var SECRET_KEY from secret myapp-env/SECRET_KEY)") {
		t.Errorf("--show-settings does not show the Secret's key, redacted:\n%s", text.Stdout)
	}
	sarif := a.Run(t, "", "audit", "qa", "--root", a.Project, "--format", "sarif")
	dir := t.TempDir()
	for name, out := range map[string]string{"json": r.Stdout + r.Stderr, "text": text.Stdout + text.Stderr, "sarif": sarif.Stdout + sarif.Stderr} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	testenv.AssertSecretNotInFiles(t, key, []string{dir, a.Home, a.Dir})
	// Django's check ran in the pod: the session trail says so.
	type trailRecord struct {
		Env, Verb, Pod string
		Command        []string
		ExitCode       int
	}
	found := false
	for _, r := range testenv.ReadTrail[trailRecord](t, a.Home) {
		if r.Verb == "audit" && r.Env == "qa" && strings.Contains(strings.Join(r.Command, " "), "check --deploy") && r.Pod != "" && r.ExitCode == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no trail record of the audit's check --deploy: %+v", testenv.ReadTrail[trailRecord](t, a.Home))
	}
}

// TestLiveAuditSSH audits an ssh environment: the static layer reads the
// host's env file (DEBUG off, a strong SECRET_KEY) and check --deploy runs
// over ssh in the project on the host.
func TestLiveAuditSSH(t *testing.T) {
	testenv.RequireDjango(t)
	fleet := testenv.StartSSHFleet(t, "web1")
	proj := testenv.ExampleProject(t)
	key := randomSecret(t)
	envFile := filepath.Join(t.TempDir(), "app.env")
	writeTest(t, envFile, "DEBUG=False\nSECRET_KEY="+key+"\nALLOWED_HOSTS=example.com\n")
	dir := t.TempDir()
	writeTest(t, filepath.Join(dir, "ctl.yaml"), "environments:\n  prod:\n    target: ssh\n    ssh_config: "+fleet.Config+
		"\n    hosts: [web1]\n    dir: "+proj+"\n    python: /usr/bin/python3\n    env_file: "+envFile+"\n")
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	out, errOut, code := runCtl(t, dir, []string{"CTL_SSH_CONTROL_DIR=" + mux}, "audit", "prod", "--root", proj, "--json", "--fail-on", "warning")
	if code != 1 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var doc liveDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, l := range doc.Layers {
		if l.Name != "http" && l.State != "ran" {
			t.Errorf("layer %s: %s (%s)", l.Name, l.State, l.Detail)
		}
		if l.Name == "static" && !strings.Contains(l.Detail, "app.env") {
			t.Errorf("static layer's environment: %q", l.Detail)
		}
	}
	ids := map[string][]string{}
	for _, f := range doc.Findings {
		ids[f.ID] = f.Layers
	}
	for _, id := range []string{"security.W018", "security.W009", "ctl.H001"} {
		if l, ok := ids[id]; ok {
			t.Errorf("%s reported by %v although the env file sets it right", id, l)
		}
	}
	if !slices.Equal(ids["security.W004"], []string{"static", "django"}) {
		t.Errorf("W004 layers %v\n%s", ids["security.W004"], out)
	}
	outDir := t.TempDir()
	writeTest(t, filepath.Join(outDir, "out"), out+errOut)
	testenv.AssertSecretNotInFiles(t, key, []string{outDir, dir})
	// Every environment value is scrubbed, whatever its name: the hosts
	// are listed by --show-settings, not their value.
	shown, errShown, _ := runCtl(t, dir, []string{"CTL_SSH_CONTROL_DIR=" + mux}, "audit", "prod", "--root", proj, "--show-settings", "--django=false")
	if !strings.Contains(shown, "ALLOWED_HOSTS = ['<redacted>']") || strings.Contains(shown+errShown, "example.com") {
		t.Errorf("--show-settings with the env file's values:\n%s\n%s", shown, errShown)
	}
}

// TestLiveAuditSandboxNoExec: with RBAC that refuses pods/exec (as
// production often does) but allows Jobs, Django's check --deploy runs in
// a one-off Job from the release instead, says so, and agrees.
func TestLiveAuditSandboxNoExec(t *testing.T) {
	key := randomSecret(t)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{SecretKey: key, Debug: "False"})
	ctx := context.Background()
	c := a.SB.Client
	kc := a.SB.RestrictedKubeconfig(t, a.NS, "auditor", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "secrets", "configmaps", "namespaces"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"apps"}, Resources: []string{"replicasets", "deployments"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: []string{"create", "get", "list", "watch", "delete"}},
	})
	a.Kubeconfig = kc
	var r sandboxtest.Result
	var doc liveDoc
	detail := ""
	for i := 0; i < 50; i++ { // RBAC changes reach the authorizer's cache within a moment
		r = a.Run(t, "", "audit", "qa", "--root", a.Project, "--json", "--fail-on", "error")
		doc = liveDoc{}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
			t.Fatalf("%v\nstdout: %s\nstderr: %s", err, r.Stdout, r.Stderr)
		}
		for _, l := range doc.Layers {
			if l.Name == "django" {
				detail = l.State + ": " + l.Detail
			}
		}
		if strings.Contains(detail, "one-off Job") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasPrefix(detail, "ran: ") || !strings.Contains(detail, "check --deploy") || !strings.Contains(detail, "(exec refused)") {
		t.Fatalf("django layer %q (exit %d)\n%s", detail, r.Code, r.Stderr)
	}
	ids := map[string][]string{}
	for _, f := range doc.Findings {
		ids[f.ID] = f.Layers
	}
	if !slices.Equal(ids["security.W004"], []string{"static", "django"}) {
		t.Errorf("W004 layers %v: Django's check in the Job does not agree", ids["security.W004"])
	}
	if _, ok := ids["security.W018"]; ok {
		t.Errorf("W018 reported although the Secret sets DEBUG off: %v", ids["security.W018"])
	}
	if js, err := c.BatchV1().Jobs(a.NS).List(ctx, metav1.ListOptions{}); err != nil || len(js.Items) != 0 {
		t.Errorf("the Job was left behind: %v %d", err, len(js.Items))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out"), []byte(r.Stdout+r.Stderr), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.AssertSecretNotInFiles(t, key, []string{dir, a.Home, a.Dir})
}
