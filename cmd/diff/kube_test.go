package diff_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

// TestDiffKubeKube: two namespaces of the sandbox, one running a newer
// image with more replicas and a memory limit.
func TestDiffKubeKube(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
	b := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2})
	patch := []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"myapp:1.5.0","resources":{"limits":{"memory":"256Mi"}}}]}}}}`)
	if _, err := b.SB.Client.AppsV1().Deployments(b.NS).Patch(context.Background(), "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	b.SB.WaitPodsReady(t, b.NS, "app.kubernetes.io/component=web", 2)
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    namespace: %s\n  staging:\n    target: kubernetes\n    namespace: %s\n", a.NS, b.NS)
	if err := os.WriteFile(filepath.Join(a.Project, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Ctl(t), "diff", "qa", "staging", "--all", "--json", "--skip", "migrations")
	cmd.Dir, cmd.Env = a.Project, a.Env()
	stdout, stderr, code := testenv.Run(t, cmd, "")
	if code != 1 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	var d doc
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status   string
		expected bool
	}{
		"image/deployment/web/web":     {"different", false},
		"resources/deployment/web/web": {"different", false},
		"replicas/deployment/web":      {"different", true},
		"env/DATABASE_URL":             {"same", false}, // the namespace normalised away, if in it
		"env/DJANGO_SETTINGS_MODULE":   {"same", false},
	}
	seen := 0
	for _, it := range d.Items {
		w, ok := want[it.Kind+"/"+it.Key]
		if !ok {
			continue
		}
		seen++
		if it.Status != w.status || it.Expected != w.expected {
			t.Errorf("%s/%s: %s expected=%v, want %s expected=%v", it.Kind, it.Key, it.Status, it.Expected, w.status, w.expected)
		}
		if it.Kind == "image" && (it.A.Value != "myapp:1.4.2" || it.B.Value != "myapp:1.5.0") {
			t.Errorf("images: %q %q", it.A.Value, it.B.Value)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of %d items found: %s", seen, len(want), stdout)
	}
}
