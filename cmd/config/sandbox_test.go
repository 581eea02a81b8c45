package config_test

// ctl config against the Kubernetes sandbox: the built binary reading and
// writing the app's Secrets and ConfigMaps through the real API server
// (resourceVersion conflicts included), restarting the Deployment, and
// never printing, logging or leaving a value behind.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

func random(t *testing.T, prefix string, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// outputs collects every stdout and stderr of the test's ctl runs, to be
// scanned for values at the end.
type outputs struct{ all []string }

func (o *outputs) run(t *testing.T, a *sandboxtest.App, stdin string, args ...string) sandboxtest.Result {
	t.Helper()
	r := a.Run(t, stdin, args...)
	o.all = append(o.all, r.Stdout, r.Stderr)
	return r
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\nset -e\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigSandbox(t *testing.T) {
	secretKey := random(t, "sk-", 32)
	cmValue := random(t, "cm-", 8)
	extValue := random(t, "ext-", 8)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{
		SecretKey:      secretKey,
		ConfigMap:      map[string]string{"FLAG": cmValue, "ALLOWED_HOSTS": "qa.example.com"},
		ExternalSecret: map[string]string{"EXT_TOKEN": extValue},
	})
	ctx := context.Background()
	c := a.SB.Client
	secrets := []string{secretKey, cmValue, extValue, a.Password()}
	var out outputs
	newValues := func(vs ...string) { secrets = append(secrets, vs...) }

	t.Run("view", func(t *testing.T) {
		r := out.run(t, a, "", "config", "qa")
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		for _, want := range []string{"secret myapp-env/SECRET_KEY", "configmap myapp-config/FLAG",
			"secret myapp-db/url", "managed by ExternalSecret myapp-external", "the container spec"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("no %q in:\n%s", want, r.Stdout)
			}
		}
		r = out.run(t, a, "", "config", "qa", "web", "--json")
		var doc struct {
			SchemaVersion int `json:"schemaVersion"`
			Vars          []struct {
				Name      string `json:"name"`
				Length    int    `json:"length"`
				SHA256    string `json:"sha256"`
				ManagedBy string `json:"managedBy"`
				Source    struct {
					Kind, Name, Key, Via string
				} `json:"source"`
			} `json:"vars"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.SchemaVersion != 1 {
			t.Fatalf("--json: %v (%d): %s", err, r.Code, r.Stdout)
		}
		found := map[string]bool{}
		for _, v := range doc.Vars {
			found[v.Name] = true
			switch v.Name {
			case "SECRET_KEY":
				if v.Length != len(secretKey) || v.Source.Kind != "secret" || v.Source.Via != "envFrom" || len(v.SHA256) != 8 {
					t.Errorf("SECRET_KEY: %+v", v)
				}
			case "EXT_TOKEN":
				if v.ManagedBy != "ExternalSecret myapp-external" {
					t.Errorf("EXT_TOKEN: %+v", v)
				}
			}
		}
		if !found["FLAG"] || !found["DATABASE_URL"] || !found["SECRET_KEY"] {
			t.Errorf("missing variables: %v", found)
		}
	})

	t.Run("get reveal", func(t *testing.T) {
		r := a.Run(t, "", "config", "get", "qa", "FLAG", "--reveal")
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != cmValue {
			t.Fatalf("exit %d, stdout %d bytes: %s", r.Code, len(r.Stdout), r.Stderr)
		}
		out.all = append(out.all, r.Stderr) // stdout holds the value by design
		r = out.run(t, a, "", "config", "get", "qa", "SECRET_KEY")
		if r.Code != 0 || !strings.Contains(r.Stdout, "sha256:") {
			t.Fatalf("exit %d: %s %s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("set secret and configmap keys, a new key", func(t *testing.T) {
		newKey := random(t, "nk-", 32)
		newValues(newKey)
		r := out.run(t, a, newKey+"\n", "config", "set", "qa", "SECRET_KEY=-", "FLAG=on", "BRAND_NEW=1", "--yes", "--json")
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		for _, want := range []string{"~SECRET_KEY", "~FLAG", "+BRAND_NEW", "deployment/web still run with the old values"} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("no %q in stderr:\n%s", want, r.Stderr)
			}
		}
		var doc struct {
			Consumers []string `json:"consumers"`
			Written   []string `json:"written"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || len(doc.Consumers) != 1 || doc.Consumers[0] != "deployment/web" {
			t.Fatalf("json: %v %s", err, r.Stdout)
		}
		s, err := c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-env", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(s.Data["SECRET_KEY"]) != newKey || string(s.Data["BRAND_NEW"]) != "1" {
			t.Errorf("secret myapp-env not updated: keys %d", len(s.Data))
		}
		cm, err := c.CoreV1().ConfigMaps(a.NS).Get(ctx, "myapp-config", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if cm.Data["FLAG"] != "on" || cm.Data["ALLOWED_HOSTS"] != "qa.example.com" {
			t.Errorf("configmap: %v", cm.Data)
		}
		// unset: the key leaves the Secret.
		r = out.run(t, a, "", "config", "unset", "qa", "BRAND_NEW", "--yes")
		if r.Code != 0 || !strings.Contains(r.Stderr, "-BRAND_NEW") {
			t.Fatalf("unset: exit %d: %s", r.Code, r.Stderr)
		}
		s, _ = c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-env", metav1.GetOptions{})
		if _, ok := s.Data["BRAND_NEW"]; ok {
			t.Error("BRAND_NEW still in the secret")
		}
	})

	t.Run("ExternalSecret refused", func(t *testing.T) {
		before, _ := c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-external", metav1.GetOptions{})
		r := out.run(t, a, "", "config", "set", "qa", "EXT_TOKEN=changed", "--yes")
		if r.Code == 0 || !strings.Contains(r.Stderr, "managed by ExternalSecret myapp-external") {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		after, _ := c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-external", metav1.GetOptions{})
		if after.ResourceVersion != before.ResourceVersion {
			t.Error("the ExternalSecret's secret was written")
		}
	})

	t.Run("audit rules warn, no prompt without --yes", func(t *testing.T) {
		r := out.run(t, a, "", "config", "set", "qa", "ALLOWED_HOSTS=*")
		if r.Code == 0 || !strings.Contains(r.Stderr, "ALLOWED_HOSTS would hold") || !strings.Contains(r.Stderr, "--yes") {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		cm, _ := c.CoreV1().ConfigMaps(a.NS).Get(ctx, "myapp-config", metav1.GetOptions{})
		if cm.Data["ALLOWED_HOSTS"] != "qa.example.com" {
			t.Error("written without confirmation")
		}
	})

	t.Run("edit: a concurrent change to another key is merged", func(t *testing.T) {
		mine := random(t, "mine-", 32)
		other := random(t, "other-", 8)
		newValues(mine, other)
		// While "editing", the script changes OTHER through the API (ctl
		// config set from inside the editor), then edits SECRET_KEY.
		ed := writeScript(t, `printf %s "$OTHER_VALUE" | "$CTL" config set qa OTHER=- --yes >/dev/null 2>&1
grep -q '^SECRET_KEY=' "$1"
sed -i "s/^SECRET_KEY=.*/SECRET_KEY=$MINE_VALUE/" "$1"
`)
		cmd := a.Command(t, "config", "edit", "qa", "--yes")
		cmd.Env = append(cmd.Env, "EDITOR="+ed, "CTL="+testenv.Ctl(t), "OTHER_VALUE="+other, "MINE_VALUE="+mine)
		stdout, stderr, code := testenv.Run(t, cmd, "")
		out.all = append(out.all, stdout, stderr)
		if code != 0 || !strings.Contains(stderr, "merged 1 concurrent change") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		s, _ := c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-env", metav1.GetOptions{})
		if string(s.Data["SECRET_KEY"]) != mine || string(s.Data["OTHER"]) != other {
			t.Errorf("after the merge: SECRET_KEY ours %v, OTHER theirs %v", string(s.Data["SECRET_KEY"]) == mine, string(s.Data["OTHER"]) == other)
		}
	})

	t.Run("edit: a concurrent change to the same key re-opens the editor", func(t *testing.T) {
		mine := random(t, "mine-", 32)
		theirs := random(t, "theirs-", 32)
		newValues(mine, theirs)
		count := filepath.Join(t.TempDir(), "count")
		ed := writeScript(t, `echo x >> "$COUNT"
if [ "$(wc -l < "$COUNT")" -eq 1 ]; then
  printf %s "$THEIRS_VALUE" | "$CTL" config set qa SECRET_KEY=- --yes >/dev/null 2>&1
  sed -i "s/^SECRET_KEY=.*/SECRET_KEY=$MINE_VALUE/" "$1"
else
  grep -q "CONFLICT: someone changed SECRET_KEY" "$1"
  grep -q "^SECRET_KEY=$MINE_VALUE\$" "$1"
fi
`)
		cmd := a.Command(t, "config", "edit", "qa", "--yes")
		cmd.Env = append(cmd.Env, "EDITOR="+ed, "CTL="+testenv.Ctl(t), "THEIRS_VALUE="+theirs, "MINE_VALUE="+mine, "COUNT="+count)
		stdout, stderr, code := testenv.Run(t, cmd, "")
		out.all = append(out.all, stdout, stderr)
		if code != 0 || !strings.Contains(stderr, "re-opening the editor") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(count)
		if n := strings.Count(string(b), "x"); n != 2 {
			t.Errorf("the editor ran %d times, want 2", n)
		}
		s, _ := c.CoreV1().Secrets(a.NS).Get(ctx, "myapp-env", metav1.GetOptions{})
		if string(s.Data["SECRET_KEY"]) != mine {
			t.Error("SECRET_KEY is not the value saved in the re-opened editor")
		}
	})

	t.Run("set --restart rolls the deployment", func(t *testing.T) {
		before := a.SB.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=web", 1)
		r := out.run(t, a, "", "config", "set", "qa", "FLAG=restart-me", "--yes", "--restart")
		if r.Code != 0 || !strings.Contains(r.Stderr, "restarted deployment/web") {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		d, err := c.AppsV1().Deployments(a.NS).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] == "" {
			t.Fatal("no restartedAt annotation on the pod template")
		}
		// New pods replace the old one (bounded wait; not a timing check).
		deadline := time.Now().Add(60 * time.Second)
		for {
			pods := a.SB.WaitPodsReady(t, a.NS, "app.kubernetes.io/component=web", 1)
			if len(pods) == 1 && pods[0].Name != before[0].Name {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no new web pod replaced %s", before[0].Name)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	t.Run("redaction", func(t *testing.T) {
		for _, s := range secrets {
			for _, o := range out.all {
				if strings.Contains(o, s) {
					t.Fatalf("a value appeared in ctl's output:\n%s", strings.ReplaceAll(o, s, "<VALUE>"))
				}
			}
		}
		trail, err := os.ReadFile(filepath.Join(a.Home, "state", "ctl", "sessions.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(trail), s) {
				t.Fatal("a value is in the trail")
			}
		}
		for _, verb := range []string{"config get --reveal", "config set", "config unset", "config edit"} {
			if !strings.Contains(string(trail), `"verb":"`+verb+`"`) {
				t.Errorf("no %q record in the trail", verb)
			}
		}
		for _, s := range secrets {
			if s == a.Password() {
				continue // the rig's, held by its own files
			}
			testenv.AssertSecretNotInFiles(t, s, testenv.TempRoots(), testenv.OthersSecretHolders(t)...)
		}
	})
}
