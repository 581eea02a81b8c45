package main

// The pods' "containers": with --kubeconfig, fakekubelet watches the pods
// of its node and, for each container a rules.Container matches, runs the
// rule's command on this host the way a kubelet runs a container: init
// containers one after the other to success, then the others; stdout and
// stderr recorded line by line, with the time and the stream, in a CRI
// log file per instance (what containerd writes and the kubelet serves);
// a container that exits restarted by the pod's restartPolicy with a
// back-off, its restartCount and lastState reported in the pod's status;
// everything killed when the pod is deleted.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"

	"github.com/ctlops/ctl/internal/sandbox/rules"
)

// instance is one run of a container: its log file and whether it ended.
type instance struct {
	path     string
	started  time.Time
	mu       sync.Mutex
	done     bool
	exitCode int
	reason   string
	finished time.Time
	changed  chan struct{} // closed (and replaced) when the file grew or the instance ended
}

func newInstance(path string) *instance {
	return &instance{path: path, started: time.Now(), changed: make(chan struct{})}
}

// wait returns a channel closed at the next change, and whether the
// instance has ended.
func (in *instance) wait() (<-chan struct{}, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.changed, in.done
}

func (in *instance) notify(end bool, code int, reason string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if end {
		in.done, in.exitCode, in.reason, in.finished = true, code, reason, time.Now()
	}
	close(in.changed)
	in.changed = make(chan struct{})
}

// container is one container of one pod and its instances so far.
type container struct {
	mu        sync.Mutex
	instances []*instance
	// running: a rule gave it a command (containers without one run
	// nothing and keep KWOK's status).
	running bool
}

func (c *container) current() *instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.instances) == 0 {
		return nil
	}
	return c.instances[len(c.instances)-1]
}

func (c *container) previous() *instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.instances) < 2 {
		return nil
	}
	return c.instances[len(c.instances)-2]
}

// runtime runs the pods' containers.
type runtime struct {
	client    kubernetes.Interface
	rulesFile string
	logDir    string
	procs     *procTable

	mu   sync.Mutex
	pods map[types.UID]*podRun
	// byName finds a pod's containers for containerLogs: ns/pod/container.
	byName map[string]*container

	rulesMu      sync.Mutex
	rulesChanged chan struct{} // closed when the rules file changes
}

type podRun struct {
	cancel context.CancelFunc
	done   chan struct{}
	keys   []string
}

func newRuntime(client kubernetes.Interface, rulesFile, logDir string, procs *procTable) *runtime {
	return &runtime{client: client, rulesFile: rulesFile, logDir: logDir, procs: procs,
		pods: map[types.UID]*podRun{}, byName: map[string]*container{}, rulesChanged: make(chan struct{})}
}

func (rt *runtime) lookup(ns, pod, name string) *container {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.byName[ns+"/"+pod+"/"+name]
}

// rulesChange is closed at the next change of the rules file.
func (rt *runtime) rulesChange() <-chan struct{} {
	rt.rulesMu.Lock()
	defer rt.rulesMu.Unlock()
	return rt.rulesChanged
}

// watchRules closes rulesChanged whenever the rules file's mtime or size
// changes (looked at every 500ms).
func (rt *runtime) watchRules(ctx context.Context) {
	var last os.FileInfo
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		st, err := os.Stat(rt.rulesFile)
		if err != nil {
			continue
		}
		if last != nil && (!st.ModTime().Equal(last.ModTime()) || st.Size() != last.Size()) {
			rt.rulesMu.Lock()
			close(rt.rulesChanged)
			rt.rulesChanged = make(chan struct{})
			rt.rulesMu.Unlock()
		}
		last = st
	}
}

// watch follows the node's pods until ctx ends.
func (rt *runtime) watch(ctx context.Context, node string) {
	go rt.watchRules(ctx)
	f := informers.NewSharedInformerFactoryWithOptions(rt.client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", node).String()
	}))
	inf := f.Core().V1().Pods().Informer()
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { rt.sync(ctx, o) },
		UpdateFunc: func(_, o any) { rt.sync(ctx, o) },
		DeleteFunc: func(o any) {
			if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
				o = d.Obj
			}
			if p, ok := o.(*corev1.Pod); ok {
				rt.stop(p.UID)
			}
		},
	})
	if err != nil {
		log.Printf("pods: %v", err)
		return
	}
	f.Start(ctx.Done())
	<-ctx.Done()
	f.Shutdown()
	rt.stopAll()
}

func (rt *runtime) sync(ctx context.Context, o any) {
	p, ok := o.(*corev1.Pod)
	if !ok {
		return
	}
	if p.DeletionTimestamp != nil {
		rt.stop(p.UID)
		return
	}
	rt.mu.Lock()
	if _, running := rt.pods[p.UID]; running {
		rt.mu.Unlock()
		// KWOK writes the container statuses wholesale (without the IDs a
		// runtime gives): put back what the kubelet would report.
		if rt.statusStale(p) {
			go rt.reportStatus(ctx, p)
		}
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	pr := &podRun{cancel: cancel, done: make(chan struct{})}
	rt.pods[p.UID] = pr
	all := append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...)
	for _, c := range all {
		key := p.Namespace + "/" + p.Name + "/" + c.Name
		rt.byName[key] = &container{}
		pr.keys = append(pr.keys, key)
	}
	rt.mu.Unlock()
	go func() {
		defer close(pr.done)
		rt.runPod(pctx, p.DeepCopy())
	}()
}

func (rt *runtime) stop(uid types.UID) {
	rt.mu.Lock()
	pr, ok := rt.pods[uid]
	if ok {
		delete(rt.pods, uid)
	}
	rt.mu.Unlock()
	if !ok {
		return
	}
	pr.cancel()
	<-pr.done
	// The kubelet removes a deleted pod's logs; containerLogs then says
	// the pod is gone.
	time.AfterFunc(2*time.Second, func() {
		rt.mu.Lock()
		for _, k := range pr.keys {
			delete(rt.byName, k)
		}
		rt.mu.Unlock()
	})
}

func (rt *runtime) stopAll() {
	rt.mu.Lock()
	uids := make([]types.UID, 0, len(rt.pods))
	for uid := range rt.pods {
		uids = append(uids, uid)
	}
	rt.mu.Unlock()
	for _, uid := range uids {
		rt.stop(uid)
	}
}

func (rt *runtime) runPod(ctx context.Context, p *corev1.Pod) {
	dir := filepath.Join(rt.logDir, p.Namespace+"_"+p.Name+"_"+string(p.UID))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Printf("pod %s/%s: %v", p.Namespace, p.Name, err)
		return
	}
	defer os.RemoveAll(dir) //nolint:errcheck // best effort, like the kubelet's GC
	for _, c := range p.Spec.InitContainers {
		if !rt.runContainer(ctx, p, c, dir, true) {
			return
		}
	}
	var wg sync.WaitGroup
	for _, c := range p.Spec.Containers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt.runContainer(ctx, p, c, dir, false)
		}()
	}
	wg.Wait()
}

// runContainer runs one container, restarting it as the pod says; it
// returns whether it ended successfully (what init containers need).
func (rt *runtime) runContainer(ctx context.Context, p *corev1.Pod, spec corev1.Container, dir string, initC bool) bool {
	c := rt.lookup(p.Namespace, p.Name, spec.Name)
	if c == nil {
		return false
	}
	find := func() (rules.Container, bool) {
		rs, err := rules.Load(rt.rulesFile)
		if err != nil {
			log.Printf("containers: %v", err)
			return rules.Container{}, false
		}
		return rs.FindContainer(p.Namespace, p.Name, spec.Name)
	}
	rule, ok := find()
	where := fmt.Sprintf("%s/%s[%s]", p.Namespace, p.Name, spec.Name)
	backoff := time.Second
	for n := 0; ; n++ {
		in := newInstance(filepath.Join(dir, fmt.Sprintf("%s.%d.log", spec.Name, n)))
		f, err := os.OpenFile(in.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			log.Printf("container %s: %v", where, err)
			return false
		}
		c.mu.Lock()
		c.instances = append(c.instances, in)
		c.mu.Unlock()
		// No rule (yet): nothing runs, the log stays empty; a rule added
		// later starts the container then (one watcher of the rules file
		// for all of them: the sandbox may hold thousands of pods).
		for !ok {
			select {
			case <-ctx.Done():
				f.Close() //nolint:errcheck,gosec
				in.notify(true, 137, "Killed")
				return false
			case <-rt.rulesChange():
				rule, ok = find()
			}
		}
		c.mu.Lock()
		c.running = true
		c.mu.Unlock()
		go rt.reportStatus(ctx, p) // as a kubelet: start, then report
		code, reason := rt.runOnce(ctx, p, rule, in, f)
		f.Close() //nolint:errcheck,gosec
		in.notify(true, code, reason)
		log.Printf("container %s instance %d: exit %d (%s)", where, n, code, reason)
		if ctx.Err() != nil {
			return false
		}
		restart := false
		switch p.Spec.RestartPolicy {
		case corev1.RestartPolicyNever:
		case corev1.RestartPolicyOnFailure:
			restart = code != 0
		default:
			restart = !initC || code != 0
		}
		if !restart {
			return code == 0
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// runOnce runs the command with its output recorded in CRI format
// ("<RFC3339Nano> stdout F <line>"), and returns its exit code.
func (rt *runtime) runOnce(ctx context.Context, p *corev1.Pod, rule rules.Container, in *instance, f *os.File) (int, string) {
	env := environ(rules.Exec{Env: rule.Env}, p.Name, false)
	env = append(env, "POD_NAME="+p.Name, "POD_NAMESPACE="+p.Namespace)
	bin, err := lookPathIn(rule.Command[0], env, rule.WorkDir)
	if err != nil {
		writeCRI(f, "stderr", []byte(err.Error()))
		return 127, "ContainerCannotRun"
	}
	cmd := exec.Command(bin, rule.Command[1:]...) //nolint:gosec // the rule's command is the point
	cmd.Args[0] = rule.Command[0]
	cmd.Dir, cmd.Env = rule.WorkDir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 128, "ContainerCannotRun"
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 128, "ContainerCannotRun"
	}
	if err := cmd.Start(); err != nil {
		writeCRI(f, "stderr", []byte(err.Error()))
		return 128, "ContainerCannotRun"
	}
	pgid := cmd.Process.Pid
	rt.procs.add(pgid)
	defer rt.procs.remove(pgid)
	stopKill := context.AfterFunc(ctx, func() { syscall.Kill(-pgid, syscall.SIGKILL) }) //nolint:errcheck,gosec
	defer stopKill()

	var wmu sync.Mutex
	w := bufio.NewWriterSize(f, 64<<10)
	var copies sync.WaitGroup
	for _, s := range []struct {
		name string
		r    io.Reader
	}{{"stdout", stdout}, {"stderr", stderr}} {
		copies.Add(1)
		go func() {
			defer copies.Done()
			br := bufio.NewReaderSize(s.r, 64<<10)
			for {
				line, err := br.ReadSlice('\n')
				if len(line) > 0 {
					wmu.Lock()
					writeCRIBuf(w, s.name, trimNL(line))
					// Flush when the process has nothing more for us right
					// now: batched under load, at once when idle.
					if br.Buffered() == 0 {
						w.Flush() //nolint:errcheck,gosec
						in.notify(false, 0, "")
					}
					wmu.Unlock()
				}
				if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
					return
				}
			}
		}()
	}
	copies.Wait()
	waitErr := cmd.Wait()
	syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck,gosec // an exited container leaves nothing behind
	wmu.Lock()
	w.Flush() //nolint:errcheck,gosec
	wmu.Unlock()
	code, reason := 0, "Completed"
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		code, reason = ee.ExitCode(), "Error"
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
			if ws.Signal() == syscall.SIGKILL && ctx.Err() == nil {
				reason = "OOMKilled" // what a container killed by SIGKILL from inside its cgroup reports
			}
		}
	}
	return code, reason
}

func trimNL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

func writeCRIBuf(w *bufio.Writer, stream string, line []byte) {
	// Whole lines only reach the file, as containerd writes them: a
	// reader must never see half a line at the end.
	if need := len(line) + 48; w.Buffered() > 0 && w.Available() < need {
		w.Flush() //nolint:errcheck,gosec
	}
	w.WriteString(time.Now().UTC().Format(time.RFC3339Nano)) //nolint:errcheck,gosec
	w.WriteByte(' ')                                         //nolint:errcheck,gosec
	w.WriteString(stream)                                    //nolint:errcheck,gosec
	w.WriteString(" F ")                                     //nolint:errcheck,gosec
	w.Write(line)                                            //nolint:errcheck,gosec
	w.WriteByte('\n')                                        //nolint:errcheck,gosec
}

func writeCRI(f *os.File, stream string, line []byte) {
	w := bufio.NewWriter(f)
	writeCRIBuf(w, stream, line)
	w.Flush() //nolint:errcheck,gosec
}

// containerID is what the status says of instance n of a container: a
// real runtime's ID changes with every restart (stern relies on it).
func containerID(p *corev1.Pod, name string, n int) string {
	uid := string(p.UID)
	if len(uid) > 8 {
		uid = uid[:8]
	}
	return fmt.Sprintf("fakekubelet://%s-%s-%d", uid, name, n)
}

// statusStale: a container's status does not show its current instance.
func (rt *runtime) statusStale(p *corev1.Pod) bool {
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, st := range list {
			c := rt.lookup(p.Namespace, p.Name, st.Name)
			if c == nil {
				continue
			}
			c.mu.Lock()
			n, running := len(c.instances)-1, c.running
			c.mu.Unlock()
			if running && n >= 0 && st.ContainerID != containerID(p, st.Name, n) {
				return true
			}
		}
	}
	return false
}

// reportStatus puts every container's current instance in the pod's
// status: its ID, restartCount, the last instance's termination, running
// since it started.
func (rt *runtime) reportStatus(ctx context.Context, p *corev1.Pod) {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := rt.client.CoreV1().Pods(p.Namespace).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cur.UID != p.UID || cur.DeletionTimestamp != nil {
			return nil
		}
		changed := false
		for _, list := range [][]corev1.ContainerStatus{cur.Status.InitContainerStatuses, cur.Status.ContainerStatuses} {
			for i := range list {
				st := &list[i]
				c := rt.lookup(p.Namespace, p.Name, st.Name)
				if c == nil {
					continue
				}
				c.mu.Lock()
				n := len(c.instances) - 1
				if !c.running {
					n = -1 // KWOK's status stands for what runs nothing
				}
				var in, prev *instance
				if n >= 0 {
					in = c.instances[n]
				}
				if n >= 1 {
					prev = c.instances[n-1]
				}
				c.mu.Unlock()
				if in == nil || st.ContainerID == containerID(cur, st.Name, n) {
					continue
				}
				changed = true
				st.ContainerID = containerID(cur, st.Name, n)
				if n == 0 {
					continue // KWOK's state stands for the first instance
				}
				st.RestartCount = int32(n) //nolint:gosec // small
				prev.mu.Lock()
				st.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode: int32(prev.exitCode), Reason: prev.reason, //nolint:gosec // exit codes are small
					StartedAt: metav1.NewTime(prev.started), FinishedAt: metav1.NewTime(prev.finished),
					ContainerID: containerID(cur, st.Name, n-1),
				}}
				prev.mu.Unlock()
				st.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(in.started)}}
				st.Ready = true
			}
		}
		if !changed {
			return nil
		}
		_, err = rt.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, cur, metav1.UpdateOptions{})
		return err
	})
	if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
		log.Printf("pod %s/%s: status: %v", p.Namespace, p.Name, err)
	}
}
