// Command bench-logs measures `ctl logs -f` on the sandbox, side by side
// with stern (scripts/tools.sh stern) on the same pods, in one run:
//
//   - throughput: -pods pods whose container writes "seq=N" lines as fast
//     as it can (scripts/sandbox/app-log.sh fast); both tools follow them
//     for -for; lines per second delivered, and every stream checked for
//     lost or reordered lines (consecutive sequence numbers);
//   - first line: -ready pods created one after the other while both
//     follow; from the pod becoming Ready (as a watch sees it) to its first
//     line on each tool's output; median and max;
//   - RSS: each tool following -rss-pods pods writing a line a second,
//     sampled after -settle.
//
// Pods are created bound to the KWOK node (no Deployment), in a namespace
// of their own, deleted at the end.
//
//	go run ./scripts/bench-logs -ctl bin/ctl -stern $(scripts/tools.sh stern)
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/rules"
)

var (
	ctlBin   = flag.String("ctl", "bin/ctl", "the ctl binary")
	sternBin = flag.String("stern", "", "the stern binary (scripts/tools.sh stern)")
	pods     = flag.Int("pods", 20, "pods writing as fast as they can")
	dur      = flag.Duration("for", 20*time.Second, "how long the throughput run follows")
	ready    = flag.Int("ready", 10, "first-line samples")
	rssPods  = flag.Int("rss-pods", 50, "pods followed for the RSS figure")
	settle   = flag.Duration("settle", 15*time.Second, "following time before RSS is sampled")
	nodeName = flag.String("node", "kwok-node-0", "the KWOK node")
	only     = flag.String("only", "throughput,ready,rss", "which measurements")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-logs:", err)
		os.Exit(1)
	}
}

type bench struct {
	sb     *sandbox.Sandbox
	ns     string
	script string
	dir    string // where ctl runs (ctl.yaml)
}

func run() error {
	sb, err := sandbox.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	if *sternBin == "" {
		return fmt.Errorf("-stern is required (scripts/tools.sh stern)")
	}
	wd, _ := os.Getwd()
	if abs, err := filepath.Abs(*ctlBin); err == nil {
		*ctlBin = abs // ctl runs in its own directory (ctl.yaml)
	}
	b := &bench{sb: sb, script: filepath.Join(wd, "scripts", "sandbox", "app-log.sh")}
	suffix := make([]byte, 3)
	rand.Read(suffix) //nolint:errcheck
	b.ns = "bench-logs-" + hex.EncodeToString(suffix)
	ctx := context.Background()
	if _, err := sb.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: b.ns}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	defer func() {
		sb.Client.CoreV1().Namespaces().Delete(context.Background(), b.ns, metav1.DeleteOptions{}) //nolint:errcheck
		rules.Update(sb.RulesFile, func(rs *rules.Rules) error {                                   //nolint:errcheck
			out := rs.Containers[:0]
			for _, r := range rs.Containers {
				if r.Namespace != b.ns {
					out = append(out, r)
				}
			}
			rs.Containers = out
			return nil
		})
	}()
	// The default ServiceAccount must exist before pods are admitted.
	for i := 0; i < 100; i++ {
		if _, err := sb.Client.CoreV1().ServiceAccounts(b.ns).Get(ctx, "default", metav1.GetOptions{}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	err = rules.Update(sb.RulesFile, func(rs *rules.Rules) error {
		rs.SetContainer(rules.Container{Namespace: b.ns, PodPrefix: "fast-", Command: []string{"/bin/sh", b.script, "fast"}})
		rs.SetContainer(rules.Container{Namespace: b.ns, PodPrefix: "ready-", Command: []string{"/bin/sh", b.script, "web"}})
		rs.SetContainer(rules.Container{Namespace: b.ns, PodPrefix: "slow-", Command: []string{"/bin/sh", b.script, "worker"}})
		return nil
	})
	if err != nil {
		return err
	}
	b.dir, _ = os.MkdirTemp("", "bench-logs-")
	defer os.RemoveAll(b.dir)
	cfg := fmt.Sprintf("environments:\n  bench:\n    target: kubernetes\n    namespace: %s\n    components:\n      fast: app=fast\n      ready: app=ready\n      slow: app=slow\n", b.ns)
	if err := os.WriteFile(filepath.Join(b.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	fmt.Printf("bench-logs: namespace %s, ctl %s, stern %s\n", b.ns, *ctlBin, *sternBin)
	for _, m := range strings.Split(*only, ",") {
		var err error
		switch m {
		case "throughput":
			err = b.throughput(ctx)
		case "ready":
			err = b.firstLine(ctx)
		case "rss":
			err = b.rss(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
	}
	return nil
}

func (b *bench) createPods(ctx context.Context, prefix string, n int) error {
	for i := range n {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%03d", prefix, i), Labels: map[string]string{"app": prefix}},
			Spec: corev1.PodSpec{NodeName: *nodeName, Containers: []corev1.Container{{Name: "app", Image: prefix}},
				Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}},
		}
		if _, err := b.sb.Client.CoreV1().Pods(b.ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return b.waitReady(ctx, "app="+prefix, n)
}

func isReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func (b *bench) waitReady(ctx context.Context, sel string, n int) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		l, err := b.sb.Client.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err == nil {
			c := 0
			for i := range l.Items {
				if isReady(&l.Items[i]) {
					c++
				}
			}
			if c >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("pods %s not ready", sel)
}

func (b *bench) deletePods(ctx context.Context, sel string) {
	zero := int64(0)
	b.sb.Client.CoreV1().Pods(b.ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{LabelSelector: sel}) //nolint:errcheck
	for i := 0; i < 100; i++ {
		l, err := b.sb.Client.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err == nil && len(l.Items) == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tool is one follower process whose output lines are "POD TEXT".
type tool struct {
	name string
	cmd  *exec.Cmd
	out  io.ReadCloser
	err  bytes.Buffer
}

func (b *bench) start(name, component string, extra ...string) (*tool, error) {
	var cmd *exec.Cmd
	switch name {
	case "ctl":
		cmd = exec.Command(*ctlBin, append([]string{"logs", "bench", component, "-f"}, extra...)...)
		cmd.Dir = b.dir
	case "stern":
		args := []string{"-n", b.ns, "-l", "app=" + component, "--color", "never", "--max-log-requests", "1000",
			"--template", "{{.PodName}} {{.Message}}{{\"\\n\"}}"}
		for i := 0; i+1 < len(extra); i += 2 {
			switch extra[i] {
			case "--tail":
				args = append(args, "--tail", extra[i+1])
			case "--since":
				args = append(args, "--since", extra[i+1])
			}
		}
		cmd = exec.Command(*sternBin, args...)
	}
	env := []string{"KUBECONFIG=" + b.sb.Kubeconfig, "HOME=" + b.dir, "PATH=/usr/bin:/bin", "NO_COLOR=1"}
	cmd.Env = env
	t := &tool{name: name, cmd: cmd}
	cmd.Stderr = &t.err
	var err error
	if t.out, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	return t, cmd.Start()
}

func (t *tool) stop() {
	t.cmd.Process.Signal(syscall.SIGINT) //nolint:errcheck
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }() //nolint:errcheck
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.cmd.Process.Kill() //nolint:errcheck
		<-done
	}
}

// podOf reads "POD TEXT": ctl's prefix ("fast/000 ", padded) or stern's pod name.
func podOf(line []byte) (string, []byte) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return "", line
	}
	pod := string(line[:sp])
	rest := bytes.TrimLeft(line[sp:], " ")
	if i := strings.IndexByte(pod, '/'); i >= 0 { // ctl: component/suffix[:container]
		pod = pod[i+1:]
		if j := strings.IndexByte(pod, ':'); j >= 0 {
			pod = pod[:j]
		}
	}
	pod = strings.TrimPrefix(pod, "fast-")
	return pod, rest
}

type counts struct {
	lines, lost, reordered, other int64
	others                        []string // the first few other lines
}

func count(r io.Reader, stop <-chan struct{}, res *counts, mu *sync.Mutex) {
	br := bufio.NewReaderSize(r, 1<<20)
	next := map[string]int64{}
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			pod, rest := podOf(bytes.TrimRight(line, "\n"))
			n, perr := strconv.ParseInt(string(bytes.TrimPrefix(rest, []byte("seq="))), 10, 64)
			select {
			case <-stop:
			default:
				mu.Lock()
				switch {
				case perr != nil || !bytes.HasPrefix(rest, []byte("seq=")):
					res.other++
					if len(res.others) < 3 {
						res.others = append(res.others, string(line))
					}
				default:
					res.lines++
					if want, ok := next[pod]; ok {
						switch {
						case n > want:
							res.lost += n - want
						case n < want:
							res.reordered++
						}
					}
					next[pod] = n + 1
				}
				mu.Unlock()
			}
		}
		if err != nil && err != bufio.ErrBufferFull { //nolint:errorlint
			return
		}
	}
}

func (b *bench) throughput(ctx context.Context) error {
	fmt.Printf("\nthroughput: %d pods writing as fast as they can, followed for %s by both tools at once (--tail 0)\n", *pods, *dur)
	if err := b.createPods(ctx, "fast", *pods); err != nil {
		return err
	}
	defer b.deletePods(ctx, "app=fast")
	time.Sleep(2 * time.Second) // writing
	type result struct {
		t *tool
		c counts
	}
	var rs []*result
	for _, name := range []string{"ctl", "stern"} {
		t, err := b.start(name, "fast", "--tail", "0")
		if err != nil {
			return err
		}
		rs = append(rs, &result{t: t})
	}
	stop := make(chan struct{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() { defer wg.Done(); count(r.t.out, stop, &r.c, &mu) }()
	}
	time.Sleep(*dur)
	close(stop)
	for _, r := range rs {
		r.t.stop()
	}
	wg.Wait()
	for _, r := range rs {
		fmt.Printf("  %-6s %9.0f lines/s  (%d lines; lost %d, reordered %d, other lines %d)\n", r.t.name,
			float64(r.c.lines)/dur.Seconds(), r.c.lines, r.c.lost, r.c.reordered, r.c.other)
		for _, o := range r.c.others {
			fmt.Printf("    other: %s", o)
		}
	}
	if rs[1].c.lines > 0 {
		fmt.Printf("  ctl/stern: %.2fx (budget >= 1.0x, no line lost or reordered)\n", float64(rs[0].c.lines)/float64(rs[1].c.lines))
	}
	return nil
}

func tailStr(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (b *bench) firstLine(ctx context.Context) error {
	fmt.Printf("\nfirst line: %d pods created one after the other; Ready (watch) -> first line on each tool's output\n", *ready)
	type seen struct {
		mu sync.Mutex
		at map[string]time.Time
	}
	tools := map[string]*seen{}
	var procs []*tool
	for _, name := range []string{"ctl", "stern"} {
		t, err := b.start(name, "ready", "--since", "1h")
		if err != nil {
			return err
		}
		procs = append(procs, t)
		s := &seen{at: map[string]time.Time{}}
		tools[name] = s
		go func() {
			br := bufio.NewReader(t.out)
			for {
				line, err := br.ReadString('\n')
				if line != "" && strings.Contains(line, "Starting gunicorn") {
					pod, _ := podOf([]byte(line))
					s.mu.Lock()
					if _, ok := s.at[pod]; !ok {
						s.at[pod] = time.Now()
					}
					s.mu.Unlock()
				}
				if err != nil {
					return
				}
			}
		}()
	}
	defer func() {
		for _, t := range procs {
			t.stop()
		}
		b.deletePods(ctx, "app=ready")
	}()
	time.Sleep(2 * time.Second) // both watching
	lat := map[string][]time.Duration{}
	// Sample -1 is a warm-up, not counted: right after the throughput run
	// the sandbox is still deleting its pods and their logs.
	for i := -1; i < *ready; i++ {
		name := fmt.Sprintf("ready-%03d", i+1)
		w, err := b.sb.Client.CoreV1().Pods(b.ns).Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			return err
		}
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "ready"}},
			Spec: corev1.PodSpec{NodeName: *nodeName, Containers: []corev1.Container{{Name: "app", Image: "ready"}}}}
		if _, err := b.sb.Client.CoreV1().Pods(b.ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			return err
		}
		var readyAt time.Time
		for ev := range w.ResultChan() {
			if ev.Type == watch.Modified || ev.Type == watch.Added {
				if pp, ok := ev.Object.(*corev1.Pod); ok && isReady(pp) {
					readyAt = time.Now()
					break
				}
			}
		}
		w.Stop()
		short := name // ctl prints "ready/003" for pod "ready-003"
		deadline := time.Now().Add(10 * time.Second)
		for tn, s := range tools {
			var at time.Time
			for time.Now().Before(deadline) {
				s.mu.Lock()
				a1, ok1 := s.at[short]
				a2, ok2 := s.at[strings.TrimPrefix(short, "ready-")]
				s.mu.Unlock()
				if ok1 {
					at = a1
					break
				}
				if ok2 {
					at = a2
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if i < 0 {
				continue
			}
			if at.IsZero() {
				fmt.Printf("  %s: %s: no first line within 10s\n", tn, name)
				lat[tn] = append(lat[tn], 10*time.Second)
				continue
			}
			lat[tn] = append(lat[tn], max(at.Sub(readyAt), 0))
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, tn := range []string{"ctl", "stern"} {
		l := lat[tn]
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		if len(l) == 0 {
			continue
		}
		fmt.Printf("  %-6s median %s  max %s  (n=%d; budget: median <= 1s)\n", tn, l[len(l)/2].Round(time.Millisecond), l[len(l)-1].Round(time.Millisecond), len(l))
	}
	return nil
}

func rssOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

func (b *bench) rss(ctx context.Context) error {
	fmt.Printf("\nRSS: following %d pods (a line a second each) for %s\n", *rssPods, *settle)
	if err := b.createPods(ctx, "slow", *rssPods); err != nil {
		return err
	}
	defer b.deletePods(ctx, "app=slow")
	for _, name := range []string{"ctl", "stern"} {
		t, err := b.start(name, "slow", "--since", "1h")
		if err != nil {
			return err
		}
		var lines int64
		var mu sync.Mutex
		go func() {
			br := bufio.NewReader(t.out)
			for {
				_, err := br.ReadString('\n')
				if err != nil {
					return
				}
				mu.Lock()
				lines++
				mu.Unlock()
			}
		}()
		var peak int64
		end := time.Now().Add(*settle)
		for time.Now().Before(end) {
			peak = max(peak, rssOf(t.cmd.Process.Pid))
			time.Sleep(250 * time.Millisecond)
		}
		last := rssOf(t.cmd.Process.Pid)
		t.stop()
		mu.Lock()
		fmt.Printf("  %-6s RSS %.1f MB (peak %.1f MB), %d lines  (budget: ctl <= 60 MB)\n", name, float64(last)/1e6, float64(peak)/1e6, lines)
		if lines < int64(*rssPods) {
			fmt.Printf("    %s stderr: %s\n", name, tailStr(t.err.String(), 400))
		}
		mu.Unlock()
	}
	return nil
}
