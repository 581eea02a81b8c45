// Command bench-exec measures `ctl exec qa -- true` against
// `kubectl exec deploy/web -- true` on the sandbox, interleaved in one run
// (budget: ctl's median ≤ kubectl's, ratio ≤ 1.0). It needs a running
// sandbox (CTL_SANDBOX_ENV, as `make bench-exec` provides).
//
//	go run ./scripts/bench-exec -ctl bin/ctl -rounds 30
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/rules"
)

func main() {
	ctlBin := flag.String("ctl", "bin/ctl", "ctl binary")
	rounds := flag.Int("rounds", 30, "interleaved rounds")
	flag.Parse()
	if abs, err := filepath.Abs(*ctlBin); err == nil {
		*ctlBin = abs
	}
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		fail("kubectl not on PATH: nothing to compare with")
	}
	sb, err := sandbox.Load(os.LookupEnv)
	if err != nil {
		fail("no sandbox: %v (make sandbox-up; . STATE/env)", err)
	}
	ctx := context.Background()
	ns, err := sb.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "bench-exec-"}}, metav1.CreateOptions{})
	if err != nil {
		fail("namespace: %v", err)
	}
	defer func() {
		_ = sb.Client.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	}()
	for i := 0; i < 100; i++ { // pods need the namespace's default ServiceAccount
		if _, err := sb.Client.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	labels := map[string]string{"app.kubernetes.io/component": "web"}
	one := int32(1)
	_, err = sb.Client.AppsV1().Deployments(ns.Name).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "x"}}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		fail("deployment: %v", err)
	}
	rule := rules.Exec{Namespace: ns.Name, PodPrefix: "web-", WorkDir: os.TempDir()}
	if err := rules.Update(sb.RulesFile, func(rs *rules.Rules) error { rs.SetExec(rule); return nil }); err != nil {
		fail("rules: %v", err)
	}
	defer func() {
		_ = rules.Update(sb.RulesFile, func(rs *rules.Rules) error { rs.RemoveExec(rule); return nil })
	}()
	dir, _ := os.MkdirTemp("", "bench-exec-")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  qa:\n    target: kubernetes\n    namespace: "+ns.Name+"\n"), 0o644)
	env := append(os.Environ(), "KUBECONFIG="+sb.Kubeconfig, "XDG_STATE_HOME="+dir)

	run := func(argv ...string) (time.Duration, error) {
		c := exec.Command(argv[0], argv[1:]...)
		c.Dir, c.Env = dir, env
		start := time.Now()
		out, err := c.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("%v: %v: %s", argv, err, out)
		}
		return time.Since(start), nil
	}
	subjects := []struct {
		name string
		argv []string
		runs []time.Duration
	}{
		{name: "ctl exec qa -- true", argv: []string{*ctlBin, "exec", "qa", "--", "true"}},
		{name: "kubectl exec deploy/web -- true", argv: []string{kubectl, "exec", "-n", ns.Name, "deploy/web", "--", "true"}},
	}
	deadline := time.Now().Add(60 * time.Second)
	for { // wait for the pod
		if _, err := run(subjects[0].argv...); err == nil {
			break
		} else if time.Now().After(deadline) {
			fail("the pod never answered: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for r := 0; r < *rounds+3; r++ {
		for i := range subjects {
			d, err := run(subjects[i].argv...)
			if err != nil {
				fail("%v", err)
			}
			if r >= 3 {
				subjects[i].runs = append(subjects[i].runs, d)
			}
		}
	}
	fmt.Printf("%-34s %10s %10s %10s   (%d interleaved runs each)\n", "command", "median", "p90", "min", *rounds)
	med := make([]time.Duration, len(subjects))
	for i, s := range subjects {
		sort.Slice(s.runs, func(a, b int) bool { return s.runs[a] < s.runs[b] })
		med[i] = s.runs[len(s.runs)/2]
		fmt.Printf("%-34s %10s %10s %10s\n", s.name, med[i].Round(100*time.Microsecond), s.runs[len(s.runs)*9/10].Round(100*time.Microsecond), s.runs[0].Round(100*time.Microsecond))
	}
	fmt.Printf("ratio ctl/kubectl (median): %.2f (budget ≤ 1.0)\n", float64(med[0])/float64(med[1]))
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench-exec: "+format+"\n", a...)
	os.Exit(1)
}
