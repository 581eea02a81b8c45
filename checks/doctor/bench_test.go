package doctor

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/klog/v2"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

// BenchmarkDoctorTenEnvironments runs the whole doctor (workstation,
// configuration and ten environments) where nine environments are on the
// sandbox (API, namespace, pods, RBAC, database through a port-forward)
// and one points at a loopback address that accepts and never answers.
// The budget: wall time ≤ the slowest check + 0.5 s. It reports
// wall-ms, slowest-ms and overhead-ms (the worst iteration's wall −
// slowest); make bench-doctor prints them.
func BenchmarkDoctorTenEnvironments(b *testing.B) {
	sb, ns := sandboxApp(b)
	down := unreachableKubeconfig(b, blackHole(b))
	timeout := 3 * time.Second

	dir := b.TempDir()
	var cfg strings.Builder
	cfg.WriteString("app: myapp\nenvironments:\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&cfg, "  qa%d:\n    target: kubernetes\n    context: ctl-sandbox\n    namespace: %s\n    database:\n      secret: myapp-db\n", i, ns)
	}
	cfg.WriteString("  gone:\n    target: kubernetes\n    context: down\n    namespace: x\n")
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Setenv("KUBECONFIG", sb.Kubeconfig+string(os.PathListSeparator)+down)
	b.Setenv("HOME", b.TempDir())
	c, err := config.Load(config.LoadOptions{Cwd: dir})
	if err != nil {
		b.Fatal(err)
	}
	kubeEnvs := 0
	for _, e := range c.Environments {
		if e.Target == config.TargetKubernetes {
			kubeEnvs++
		}
	}
	if kubeEnvs != 10 {
		b.Fatalf("%d kubernetes environments", kubeEnvs)
	}
	d := Deps{Cwd: dir, Config: c, Timeout: timeout, Target: func(env *config.Environment) (targets.Target, error) {
		return targets.NewDrivers(nil, local.Driver{}, ssh.Driver{}).New(context.Background(), env, targets.Deps{Cwd: dir, Getenv: os.Getenv, Environ: os.Environ, LookPath: exec.LookPath})
	}}

	var worstOver, sumWall, sumSlow time.Duration
	var checks int
	klog.LogToStderr(false) // port-forwards closing, as ctl doctor does
	klog.SetOutput(io.Discard)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res := Run(context.Background(), Build(d, nil), timeout, Observer{})
		wall := time.Since(start)
		var slowest time.Duration
		for _, r := range res {
			slowest = max(slowest, r.Duration)
			if strings.HasPrefix(r.Check.Env, "qa") && r.Status == Fail {
				b.Errorf("%s %s: %s", r.Check.Env, r.Check.ID, r.Message)
			}
		}
		checks = len(res)
		sumWall += wall
		sumSlow += slowest
		worstOver = max(worstOver, wall-slowest)
	}
	b.StopTimer()
	n := time.Duration(b.N)
	b.ReportMetric(float64((sumWall/n).Microseconds())/1000, "wall-ms")
	b.ReportMetric(float64((sumSlow/n).Microseconds())/1000, "slowest-ms")
	b.ReportMetric(float64(worstOver.Microseconds())/1000, "overhead-ms")
	b.ReportMetric(float64(checks), "checks")
	verdict := "within"
	if worstOver > 500*time.Millisecond {
		verdict = "OVER"
	}
	b.Logf("%d checks, 10 environments (1 unreachable, --timeout %s): wall %s, slowest check %s, worst overhead %s: %s the 0.5 s budget",
		checks, timeout, (sumWall / n).Round(time.Millisecond), (sumSlow / n).Round(time.Millisecond), worstOver.Round(time.Millisecond), verdict)
}
