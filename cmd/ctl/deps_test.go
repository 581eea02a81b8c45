package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestNoClientset: ctl talks to Kubernetes through kube.Connection's REST
// clients; the all-groups clientset and the informer factories would
// register every API group at start-up and double the binary.
func TestNoClientset(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/ctl")
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"k8s.io/client-go/kubernetes", "k8s.io/client-go/informers"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("ctl links %s", dep)
			}
		}
	}
}
