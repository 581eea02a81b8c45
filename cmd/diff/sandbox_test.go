package diff_test

// ctl diff between the sandbox's qa (Kubernetes) and an ssh environment
// on a real sshd: variables, migrations (showmigrations through each
// target's exec), the audit's settings, normalisation, drift.ignore, the
// exit code, and no value in any output.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

func random(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

type item struct {
	Kind, Key, Status, Why string
	Expected               bool
	A, B                   *struct{ Value, Where string }
}

type doc struct {
	SchemaVersion int      `json:"schemaVersion"`
	Items         []item   `json:"items"`
	Notes         []string `json:"notes"`
	Summary       map[string]int
}

func TestDiffKubeSSH(t *testing.T) {
	qaKey, vmKey := random(t, "qa-"), random(t, "vm-")
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{SecretKey: qaKey})
	// The qa app's ConfigMap is added by hand: DEBUG off, a URL holding
	// the namespace, a flag drift.ignore expects only in qa.
	fleet := testenv.StartSSHFleet(t, "web1")
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	vmEnv := filepath.Join(t.TempDir(), "vm.env")
	if err := os.WriteFile(vmEnv, []byte(fmt.Sprintf("DATABASE_URL=%s\nDEBUG=False\nSECRET_KEY=%s\nDJANGO_SETTINGS_MODULE=mysite.settings\nEXTRA_VM=1\n", a.DSN, vmKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`app: myapp
drift:
  ignore: [EXTRA_VM]
environments:
  qa:
    target: kubernetes
    namespace: %s
  vm:
    target: ssh
    ssh_config: %s
    hosts: [web1]
    dir: %s
    python: %s
    env_file: %s
`, a.NS, fleet.Config, a.Project, filepath.Join(a.Project, ".venv", "bin", "python"), vmEnv)
	if err := os.WriteFile(filepath.Join(a.Project, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir = a.Project
		cmd.Env = append(a.Env(), "CTL_SSH_CONTROL_DIR="+mux)
		return testenv.Run(t, cmd, "")
	}
	stdout, stderr, code := run("diff", "qa", "vm", "--all", "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (surprising drift): %s\n%s", code, stderr, stdout)
	}
	var d doc
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || d.SchemaVersion != 1 {
		t.Fatalf("json: %v: %s", err, stdout)
	}
	got := map[string]item{}
	for _, it := range d.Items {
		got[it.Kind+"/"+it.Key] = it
	}
	check := func(id, status string, expected bool) {
		t.Helper()
		it, ok := got[id]
		if !ok {
			t.Errorf("no item %s (notes %v)", id, d.Notes)
			return
		}
		if it.Status != status || it.Expected != expected {
			t.Errorf("%s: %s expected=%v (%s), want %s expected=%v", id, it.Status, it.Expected, it.Why, status, expected)
		}
	}
	check("env/DEBUG", "only-b", false)          // drift: qa has no DEBUG
	check("setting/DEBUG", "different", false)   // so the settings' default (True) against vm's False
	check("env/EXTRA_VM", "only-b", true)        // drift.ignore
	check("env/SECRET_KEY", "different", true)   // differs per environment by design
	check("env/DATABASE_URL", "different", true) // likewise
	if w := got["env/EXTRA_VM"].Why; w != `drift.ignore "EXTRA_VM"` {
		t.Errorf("EXTRA_VM: why %q", w)
	}
	if got["env/DJANGO_SETTINGS_MODULE"].Status != "same" {
		t.Errorf("DJANGO_SETTINGS_MODULE: %+v", got["env/DJANGO_SETTINGS_MODULE"])
	}
	migr := 0
	for id, it := range got {
		if strings.HasPrefix(id, "migration/") {
			migr++
			if it.Status != "same" {
				t.Errorf("%s: %s (one database behind both)", id, it.Status)
			}
		}
	}
	if migr == 0 {
		t.Errorf("no migration compared; notes: %v", d.Notes)
	}
	noteImages := false
	for _, n := range d.Notes {
		if strings.Contains(n, "between Kubernetes environments only") {
			noteImages = true
		}
	}
	if !noteImages {
		t.Errorf("no note on images: %v", d.Notes)
	}
	// Human output: surprising drift only, values masked.
	stdout2, stderr2, code := run("diff", "qa", "vm")
	if code != 1 || !strings.Contains(stdout2, "DEBUG") || strings.Contains(stdout2, "DATABASE_URL") || strings.Contains(stdout2, "EXTRA_VM") {
		t.Errorf("exit %d:\n%s\n%s", code, stdout2, stderr2)
	}
	for _, s := range []string{qaKey, vmKey, a.Password()} {
		for _, o := range []string{stdout, stderr, stdout2, stderr2} {
			if strings.Contains(o, s) {
				t.Fatalf("a value in ctl diff's output:\n%s", strings.ReplaceAll(o, s, "<VALUE>"))
			}
		}
	}
	// --reveal shows the values, and is recorded.
	stdout3, _, code := run("diff", "qa", "vm", "--reveal", "--skip", "migrations,settings")
	if code != 1 || !strings.Contains(stdout3, "vm: False") {
		t.Errorf("--reveal: exit %d:\n%s", code, stdout3)
	}
	trail, _ := os.ReadFile(filepath.Join(a.Home, "state", "ctl", "sessions.jsonl"))
	if strings.Count(string(trail), `"verb":"diff --reveal"`) != 2 {
		t.Errorf("trail: %s", trail)
	}
}
