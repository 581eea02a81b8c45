// Command bench-run measures ctl run and ctl restart on the sandbox, side
// by side with kubectl on the same cluster, in one run:
//
//   - one-off command: `ctl run bench -- true` against `kubectl run --rm -i
//     --restart=Never --image=… -- true`, -n rounds interleaved, the
//     median and max wall time of each (both create a workload, wait for
//     it to run, stream its output, read its exit and delete it);
//   - crash-loop detection: the Deployment's new pods crash at once (the
//     pods have a readiness probe, so a crashing instance is never
//     Ready, as with a real app);
//     `ctl restart` is timed from the first crash (the new pod's
//     lastState.terminated.finishedAt) to ctl's exit with the failure, and
//     `kubectl rollout restart` + `kubectl rollout status` alongside: it
//     waits until the Deployment's progressDeadlineSeconds (-progress)
//     has passed.
//
// Figures, not assertions. Everything lives in a namespace of its own,
// deleted at the end.
//
//	go run ./scripts/bench-run -ctl bin/ctl -kubectl /usr/bin/kubectl
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/rules"
)

var (
	ctlBin     = flag.String("ctl", "bin/ctl", "the ctl binary")
	kubectlBin = flag.String("kubectl", "/usr/bin/kubectl", "the kubectl binary")
	rounds     = flag.Int("n", 10, "rounds of each one-off command")
	progress   = flag.Int("progress", 20, "the Deployment's progressDeadlineSeconds (what kubectl rollout status waits for)")
	only       = flag.String("only", "run,crash", "which measurements")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-run:", err)
		os.Exit(1)
	}
}

type bench struct {
	sb  *sandbox.Sandbox
	ns  string
	dir string // where ctl runs (ctl.yaml)
	env []string
}

func run() error {
	sb, err := sandbox.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(*ctlBin); err == nil {
		*ctlBin = abs
	}
	suffix := make([]byte, 3)
	rand.Read(suffix) //nolint:errcheck
	b := &bench{sb: sb, ns: "bench-run-" + hex.EncodeToString(suffix)}
	ctx := context.Background()
	if _, err := sb.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: b.ns}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	b.dir, _ = os.MkdirTemp("", "bench-run-")
	defer func() {
		sb.Client.CoreV1().Namespaces().Delete(context.Background(), b.ns, metav1.DeleteOptions{}) //nolint:errcheck
		rules.Update(sb.RulesFile, func(rs *rules.Rules) error {                                   //nolint:errcheck
			rs.Exec = keep(rs.Exec, func(r rules.Exec) bool { return r.Namespace != b.ns })
			rs.Containers = keep(rs.Containers, func(r rules.Container) bool { return r.Namespace != b.ns })
			return nil
		})
		os.RemoveAll(b.dir)
	}()
	for i := 0; i < 100; i++ {
		if _, err := sb.Client.CoreV1().ServiceAccounts(b.ns).Get(ctx, "default", metav1.GetOptions{}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Every pod's commands run on this host, in the bench's directory.
	if err := rules.Update(sb.RulesFile, func(rs *rules.Rules) error {
		rs.SetExec(rules.Exec{Namespace: b.ns, WorkDir: b.dir, Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin"}})
		rs.SetContainer(rules.Container{Namespace: b.ns, PodPrefix: "web-", Container: "web", Command: []string{"sleep", "infinity"}})
		return nil
	}); err != nil {
		return err
	}
	labels := map[string]string{"app.kubernetes.io/component": "web", "app.kubernetes.io/part-of": "bench"}
	one, pd := int32(1), int32(*progress)
	if _, err := sb.Client.AppsV1().Deployments(b.ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &one, ProgressDeadlineSeconds: &pd, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "bench:1",
					// fakekubelet: ready a second after it started (nothing probes)
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, InitialDelaySeconds: 1}}}}}},
	}, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := b.waitReady(ctx, 1); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.dir, "ctl.yaml"), []byte(fmt.Sprintf("app: bench\nenvironments:\n  bench:\n    target: kubernetes\n    namespace: %s\n", b.ns)), 0o644); err != nil {
		return err
	}
	b.env = append(os.Environ(), "KUBECONFIG="+sb.Kubeconfig, "XDG_STATE_HOME="+b.dir)
	fmt.Printf("bench-run: namespace %s, ctl %s, kubectl %s\n", b.ns, *ctlBin, *kubectlBin)
	for _, m := range strings.Split(*only, ",") {
		var err error
		switch m {
		case "run":
			err = b.oneOff()
		case "crash":
			err = b.crash(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
	}
	return nil
}

func keep[T any](xs []T, ok func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

func (b *bench) waitReady(ctx context.Context, n int) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		l, err := b.sb.Client.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
		if err != nil {
			return err
		}
		ready := 0
		for _, p := range l.Items {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue && p.DeletionTimestamp == nil {
					ready++
				}
			}
		}
		if ready >= n {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the web pod never became ready")
}

func (b *bench) cmd(bin string, args ...string) *exec.Cmd {
	c := exec.Command(bin, args...)
	c.Dir, c.Env = b.dir, b.env
	return c
}

func timeIt(c *exec.Cmd) (time.Duration, error) {
	start := time.Now()
	out, err := c.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s: %w\n%s", strings.Join(c.Args, " "), err, out)
	}
	return d, nil
}

func stats(ds []time.Duration) (time.Duration, time.Duration) {
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2], s[len(s)-1]
}

func (b *bench) oneOff() error {
	var ctlT, kT []time.Duration
	for i := range *rounds {
		d, err := timeIt(b.cmd(*ctlBin, "run", "bench", "--", "true"))
		if err != nil {
			return err
		}
		ctlT = append(ctlT, d)
		d, err = timeIt(b.cmd(*kubectlBin, "-n", b.ns, "run", fmt.Sprintf("bench-kubectl-%d", i), "--rm", "-i", "--restart=Never", "--image=bench:1", "--", "true"))
		if err != nil {
			return err
		}
		kT = append(kT, d)
	}
	cm, cx := stats(ctlT)
	km, kx := stats(kT)
	fmt.Printf("one-off `true` (n=%d, interleaved):\n", *rounds)
	fmt.Printf("  ctl run             median %-8s max %s\n", cm.Round(time.Millisecond), cx.Round(time.Millisecond))
	fmt.Printf("  kubectl run --rm -i median %-8s max %s\n", km.Round(time.Millisecond), kx.Round(time.Millisecond))
	fmt.Printf("  ratio ctl/kubectl   %.2f× (budget: ≤ 1.0×)\n", float64(cm)/float64(km))
	return nil
}

// crash makes the new pods crash and times both tools' verdicts.
func (b *bench) crash(ctx context.Context) error {
	if err := rules.Update(b.sb.RulesFile, func(rs *rules.Rules) error {
		rs.SetContainer(rules.Container{Namespace: b.ns, PodPrefix: "web-", Container: "web", Command: []string{"sh", "-c", "echo boom >&2; exit 3"}})
		return nil
	}); err != nil {
		return err
	}
	time.Sleep(time.Second) // fakekubelet looks at the rules file every 500ms
	start := time.Now()
	c := b.cmd(*ctlBin, "restart", "bench", "web", "--timeout", "5m")
	out, err := c.CombinedOutput()
	ctlEnd := time.Since(start)
	if err == nil || !strings.Contains(string(out), "CrashLoopBackOff") {
		return fmt.Errorf("ctl restart did not report the crash loop: %v\n%s", err, out)
	}
	first, err := b.firstCrash(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("crash-looping restart (new pods exit 3 at once; progressDeadlineSeconds %d):\n", *progress)
	fmt.Printf("  ctl restart             failed (CrashLoopBackOff) %s after the first crash (±1 s: finishedAt has whole seconds; %s after it started)\n",
		(start.Add(ctlEnd).Sub(first)).Round(time.Millisecond), ctlEnd.Round(time.Millisecond))

	// kubectl: a fresh restart of the same Deployment, then rollout status.
	if _, err := timeIt(b.cmd(*kubectlBin, "-n", b.ns, "rollout", "restart", "deployment/web")); err != nil {
		return err
	}
	kstart := time.Now()
	kout, kerr := b.cmd(*kubectlBin, "-n", b.ns, "rollout", "status", "deployment/web", "--timeout", "5m").CombinedOutput()
	kEnd := time.Since(kstart)
	verdict := "succeeded?!"
	if kerr != nil {
		verdict = "failed: " + strings.TrimSpace(lastLine(string(kout)))
	}
	fmt.Printf("  kubectl rollout status  %s after %s (it waits for the progress deadline)\n", verdict, kEnd.Round(time.Millisecond))
	fmt.Printf("  (budget: ctl ≤ 10 s after the first crash)\n")
	return nil
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}

// firstCrash is the earliest termination of a crashing new pod.
func (b *bench) firstCrash(ctx context.Context) (time.Time, error) {
	l, err := b.sb.Client.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
	if err != nil {
		return time.Time{}, err
	}
	var first time.Time
	for _, p := range l.Items {
		for _, cs := range p.Status.ContainerStatuses {
			for _, st := range []*corev1.ContainerStateTerminated{cs.LastTerminationState.Terminated, cs.State.Terminated} {
				if st != nil && st.ExitCode == 3 && (first.IsZero() || st.FinishedAt.Before(&metav1.Time{Time: first})) {
					first = st.FinishedAt.Time
				}
			}
		}
	}
	if first.IsZero() {
		return first, fmt.Errorf("no crashed pod found")
	}
	return first, nil
}
