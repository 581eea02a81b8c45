package run_test

import (
	"context"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
)

// A user who may read the app but not start Jobs, patch Deployments or
// hold Leases: each verb says which permission is missing.
func TestRBACNamesTheMissingPermission(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
	ctx := context.Background()
	c := a.SB.Client
	readerKC := a.SB.RestrictedKubeconfig(t, a.NS, "reader", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"apps"}, Resources: []string{"replicasets", "deployments"}, Verbs: []string{"get", "list", "watch"}},
	})
	// One who may create and delete Jobs but not watch them: ctl run
	// says so instead of waiting forever, and deletes its Job.
	starterKC := a.SB.RestrictedKubeconfig(t, a.NS, "starter", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"apps"}, Resources: []string{"replicasets", "deployments"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: []string{"create", "delete"}},
	})
	a.Kubeconfig = starterKC
	var r sandboxtest.Result
	for i := 0; i < 50; i++ {
		r = a.Run(t, "", "run", "qa", "--", "true")
		if strings.Contains(r.Stderr, "may not") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.Code != 255 || !strings.Contains(r.Stderr, `may not list jobs.batch in namespace "`+a.NS+`"`) {
		t.Fatalf("run without list on jobs: exit %d\n%s", r.Code, r.Stderr)
	}
	if js, err := c.BatchV1().Jobs(a.NS).List(ctx, metav1.ListOptions{}); err != nil || len(js.Items) != 0 {
		t.Fatalf("the Job was left behind: %v %d", err, len(js.Items))
	}

	a.Kubeconfig = readerKC
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"run", "qa", "--", "true"}, "may not create jobs.batch", 255},
		{[]string{"restart", "qa", "web"}, "may not patch deployments.apps", 1},
		{[]string{"migrate", "qa"}, "may not create leases.coordination.k8s.io", 255},
	} {
		for i := 0; i < 50; i++ { // RBAC changes reach the authorizer's cache within a moment
			r = a.Run(t, "", tc.args...)
			if strings.Contains(r.Stderr, "may not") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want+` in namespace "`+a.NS+`"`) {
			t.Errorf("ctl %s: exit %d, want %d and %q:\n%s", strings.Join(tc.args, " "), r.Code, tc.code, tc.want, r.Stderr)
		}
	}
}
