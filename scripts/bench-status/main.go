// Command bench-status measures `ctl status` at scale on the sandbox: it
// creates N namespaces (environments, found by a discover: pattern) × 3
// Deployments × 2 pods, then reports
//
//   - first complete frame: from starting `ctl status` on a terminal (a
//     pty) to the first frame drawn with every environment known;
//   - RSS of that process once settled (and its peak);
//   - idle CPU over -idle seconds with nothing changing;
//   - change visible: from scaling one Deployment to the `ctl status
//     --watch` line that shows it (median and max of -changes samples);
//
// and deletes everything it created. Budgets: first frame ≤ 2 s, RSS ≤
// 150 MB, change ≤ 1 s, idle CPU ≈ 0. The Deployments are paused and the
// pods are created bound to the KWOK node (which makes them Ready), so the
// controllers and scheduler of the shared sandbox stay out of it.
//
//	go run ./scripts/bench-status -ctl bin/ctl -n 1000
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ctlops/ctl/internal/sandbox"
)

var (
	n        = flag.Int("n", 1000, "environments (namespaces)")
	ctlBin   = flag.String("ctl", "bin/ctl", "the ctl binary")
	idle     = flag.Duration("idle", 10*time.Second, "idle CPU measurement window")
	changes  = flag.Int("changes", 5, "change-visible samples")
	workers  = flag.Int("workers", 16, "concurrent API writes while setting up")
	keep     = flag.Bool("keep", false, "keep the namespaces (debugging)")
	nodeName = flag.String("node", "kwok-node-0", "the KWOK node pods are bound to")
	settle   = flag.Duration("settle", 10*time.Second, "pause between set-up and measuring")
)

func main() {
	flag.Parse()
	if abs, err := filepath.Abs(*ctlBin); err == nil {
		*ctlBin = abs
	}
	if _, err := os.Stat(*ctlBin); err != nil {
		fail("%v (make build)", err)
	}
	sb, err := sandbox.Load(os.LookupEnv)
	if err != nil {
		fail("no sandbox: %v (make sandbox-up; . STATE/env)", err)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	app := "benchapp-" + id
	c := sb.Client

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	names := make([]string, *n)
	for i := range names {
		names[i] = fmt.Sprintf("ctlbench-%s-%03d", id, i)
	}
	defer func() {
		if *keep {
			return
		}
		t0 := time.Now()
		cleanup(c, names)
		fmt.Printf("cleanup: deleted %d namespaces in %s\n", len(names), time.Since(t0).Round(time.Millisecond))
	}()

	t0 := time.Now()
	if err := setup(ctx, c, names, app, id); err != nil {
		fmt.Fprintln(os.Stderr, "setup:", err)
		return
	}
	fmt.Printf("setup: %d namespaces × 3 Deployments × 2 pods (%d pods) in %s\n", *n, *n*6, time.Since(t0).Round(time.Second))
	if err := waitPodsReady(ctx, c, app, *n*6); err != nil {
		fmt.Fprintln(os.Stderr, "pods:", err)
		return
	}

	dir, err := os.MkdirTemp("", "bench-status-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer os.RemoveAll(dir)
	cfg := fmt.Sprintf("app: %s\ndiscover:\n  - from: namespaces\n    selector: ctl-bench=%s\n    name: \"{namespace}\"\n", app, id)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	env := append(os.Environ(), "KUBECONFIG="+sb.Kubeconfig, "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "TERM=xterm-256color", "NO_COLOR=")

	// Let the sandbox settle (the deployment controller works through 1,500
	// new Deployments for a while on a busy machine) so the figures are
	// ctl's, not the set-up's: idle must mean nothing changes.
	if err := waitDeploymentsObserved(ctx, c, app); err != nil {
		fmt.Fprintln(os.Stderr, "deployments:", err)
		return
	}
	time.Sleep(*settle)
	frame, rss, hwm, cpu, err := measureTUI(ctx, dir, env)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tui:", err)
		return
	}
	lat, watchFirst, watchCPU, idleLines, err := measureChanges(ctx, c, dir, env, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("\nctl status, %d environments (%d pods, %d Deployments), %s\n", *n, *n*6, *n*3, *ctlBin)
	row := func(what, got, budget string, ok bool) {
		mark := "ok"
		if !ok {
			mark = "OVER BUDGET"
		}
		fmt.Printf("  %-38s %-22s budget %-8s %s\n", what, got, budget, mark)
	}
	row("first complete frame (TUI, pty)", frame.Round(time.Millisecond).String(), "≤ 2s", frame <= 2*time.Second)
	row("first complete picture (--watch)", watchFirst.Round(time.Millisecond).String(), "", true)
	row("RSS settled (peak)", fmt.Sprintf("%.1f MB (%.1f MB)", rss, hwm), "≤ 150 MB", hwm <= 150)
	row(fmt.Sprintf("idle CPU over %s (TUI)", *idle), fmt.Sprintf("%.2f%% of a core", cpu), "≈ 0", cpu < 1)
	row(fmt.Sprintf("idle CPU over %s (--watch)", *idle), fmt.Sprintf("%.2f%% of a core", watchCPU), "≈ 0", watchCPU < 1)
	fmt.Printf("  (rows that changed in the cluster during the --watch idle window: %d)\n", idleLines)
	med, worst := lat[len(lat)/2], lat[len(lat)-1]
	row(fmt.Sprintf("change visible (%d samples)", len(lat)), fmt.Sprintf("median %s, max %s", med.Round(time.Millisecond), worst.Round(time.Millisecond)), "≤ 1s", worst <= time.Second)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench-status: "+format+"\n", a...)
	os.Exit(1)
}

func i32(i int32) *int32 { return &i }

// parallel runs fn for 0..count-1 on the workers; the first error wins.
func parallel(ctx context.Context, count int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= count || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func setup(ctx context.Context, c kubernetes.Interface, names []string, app, id string) error {
	return parallel(ctx, len(names), func(i int) error {
		ns := names[i]
		_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
			Labels: map[string]string{"ctl-bench": id, "app.kubernetes.io/part-of": app, "app.kubernetes.io/managed-by": "ctl-bench-status"}}}, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		for _, comp := range []string{"web", "worker", "beat"} {
			labels := map[string]string{"app.kubernetes.io/component": comp, "app.kubernetes.io/part-of": app}
			tl := map[string]string{"app.kubernetes.io/component": comp, "app.kubernetes.io/part-of": app, "app.kubernetes.io/version": "1.4." + strconv.Itoa(i%3)}
			spec := corev1.PodSpec{Containers: []corev1.Container{{Name: comp, Image: "registry.example/myapp:1.4." + strconv.Itoa(i%3)}}}
			_, err := c.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: comp, Labels: labels},
				// Paused and never rolled out: the deployment controller
				// creates no ReplicaSet, the pods below stand alone.
				Spec: appsv1.DeploymentSpec{Replicas: i32(2), Paused: true, Selector: &metav1.LabelSelector{MatchLabels: labels},
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: tl}, Spec: spec}},
			}, metav1.CreateOptions{})
			if err != nil {
				return err
			}
			for k := 0; k < 2; k++ {
				pspec := spec
				pspec.NodeName = *nodeName
				pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", comp, k), Labels: tl}, Spec: pspec}
				// The namespace's default ServiceAccount may not exist yet.
				for attempt := 0; ; attempt++ {
					_, err = c.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
					if err == nil || attempt > 100 || !strings.Contains(err.Error(), "serviceaccount") {
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func waitPodsReady(ctx context.Context, c kubernetes.Interface, app string, want int) error {
	t0 := time.Now()
	for {
		list, err := c.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/part-of=" + app})
		if err != nil {
			return err
		}
		ready := 0
		for _, p := range list.Items {
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		if ready >= want {
			fmt.Printf("pods: %d Ready after %s more\n", ready, time.Since(t0).Round(time.Second))
			return nil
		}
		if time.Since(t0) > 10*time.Minute {
			return fmt.Errorf("%d of %d pods Ready after 10 minutes", ready, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

func waitDeploymentsObserved(ctx context.Context, c kubernetes.Interface, app string) error {
	t0 := time.Now()
	for {
		list, err := c.AppsV1().Deployments("").List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/part-of=" + app})
		if err != nil {
			return err
		}
		pending := 0
		for _, d := range list.Items {
			if d.Status.ObservedGeneration < d.Generation || len(d.Status.Conditions) == 0 {
				pending++
			}
		}
		if pending == 0 {
			fmt.Printf("deployments: all %d observed by the controller after %s more\n", len(list.Items), time.Since(t0).Round(time.Second))
			return nil
		}
		if time.Since(t0) > 10*time.Minute {
			return fmt.Errorf("%d Deployments not observed after 10 minutes", pending)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// measureTUI runs `ctl status` on a pty: first complete frame (from
// the view's trace), then RSS and idle CPU; then quits with q.
func measureTUI(ctx context.Context, dir string, env []string) (frame time.Duration, rssMB, hwmMB, cpuPct float64, err error) {
	trace := filepath.Join(dir, "trace")
	cmd := exec.CommandContext(ctx, *ctlBin, "status")
	cmd.Dir = dir
	cmd.Env = append(env, "CTL_STATUS_TRACE="+trace)
	t0 := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 200, Rows: 50})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer f.Close()
	go func() { _, _ = io.Copy(io.Discard, f) }()
	defer func() {
		_, _ = f.Write([]byte("q"))
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	for {
		b, _ := os.ReadFile(trace)
		if strings.Contains(string(b), "first-complete-frame") {
			frame = time.Since(t0)
			break
		}
		if time.Since(t0) > 60*time.Second {
			return 0, 0, 0, 0, fmt.Errorf("no complete frame after 60 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // settle
	pid := cmd.Process.Pid
	c0 := cpuTicks(pid)
	w0 := time.Now()
	time.Sleep(*idle)
	c1 := cpuTicks(pid)
	cpuPct = float64(c1-c0) / 100 / time.Since(w0).Seconds() * 100 // USER_HZ = 100
	rssMB, hwmMB = memMB(pid, "VmRSS:"), memMB(pid, "VmHWM:")
	return frame, rssMB, hwmMB, cpuPct, nil
}

func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return ut + st
}

func memMB(pid int, key string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key) {
			kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

type line struct {
	Type string `json:"type"`
	Env  *struct {
		Name       string `json:"name"`
		Components []struct {
			Name    string `json:"name"`
			Desired int32  `json:"desired"`
		} `json:"components"`
	} `json:"env"`
}

// measureChanges runs `ctl status --watch` and scales web in some
// namespaces, timing each until its line arrives.
func measureChanges(ctx context.Context, c kubernetes.Interface, dir string, env, names []string) (lat []time.Duration, first time.Duration, cpuPct float64, idleLines int, err error) {
	cmd := exec.CommandContext(ctx, *ctlBin, "status", "--watch")
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, 0, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, 0, 0, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	type seen struct {
		name    string
		desired int32
		at      time.Time
	}
	events := make(chan seen, 10000)
	synced := make(chan time.Time, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var l line
			if json.Unmarshal(sc.Bytes(), &l) != nil {
				continue
			}
			if l.Type == "synced" {
				synced <- time.Now()
			}
			if l.Type == "env" && l.Env != nil {
				for _, comp := range l.Env.Components {
					if comp.Name == "web" {
						events <- seen{l.Env.Name, comp.Desired, time.Now()}
					}
				}
			}
		}
	}()
	select {
	case at := <-synced:
		first = at.Sub(t0)
	case <-time.After(60 * time.Second):
		return nil, 0, 0, 0, fmt.Errorf("--watch: no synced line after 60 s")
	}
	time.Sleep(3 * time.Second) // settle
	for len(events) > 0 {
		<-events
	}
	pid := cmd.Process.Pid
	c0, w0 := cpuTicks(pid), time.Now()
	time.Sleep(*idle)
	cpuPct = float64(cpuTicks(pid)-c0) / 100 / time.Since(w0).Seconds() * 100
	for len(events) > 0 {
		<-events
		idleLines++
	}
	for k := 0; k < *changes; k++ {
		ns := names[(k*97+13)%len(names)]
		want := int32(3 + k)
		s, err := c.AppsV1().Deployments(ns).GetScale(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return nil, 0, 0, 0, err
		}
		s.Spec.Replicas = want
		start := time.Now()
		if _, err := c.AppsV1().Deployments(ns).UpdateScale(ctx, "web", s, metav1.UpdateOptions{}); err != nil {
			return nil, 0, 0, 0, err
		}
		deadline := time.After(30 * time.Second)
	wait:
		for {
			select {
			case e := <-events:
				if e.name == ns && e.desired == want {
					lat = append(lat, e.at.Sub(start))
					break wait
				}
			case <-deadline:
				return nil, 0, 0, 0, fmt.Errorf("change in %s not seen after 30 s", ns)
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return lat, first, cpuPct, idleLines, nil
}

func cleanup(c kubernetes.Interface, names []string) {
	ctx := context.Background()
	bg := metav1.DeletePropagationBackground
	_ = parallel(ctx, len(names), func(i int) error {
		err := c.CoreV1().Namespaces().Delete(ctx, names[i], metav1.DeleteOptions{PropagationPolicy: &bg})
		if err != nil && !strings.Contains(err.Error(), "not found") {
			fmt.Fprintf(os.Stderr, "deleting %s: %v\n", names[i], err)
		}
		return nil
	})
}
