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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
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

	// What attach reaches while the instance runs: its stdin (a pipe, or
	// the PTY with tty) and the clients its output goes to.
	io ioState
}

func newInstance(path string) *instance {
	return &instance{path: path, started: time.Now(), changed: make(chan struct{}), io: ioState{ended: make(chan struct{})}}
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
	// final: the current instance ended and the container is not
	// restarted (restartPolicy); backoff: it ended with a failure and
	// waits to be restarted (CrashLoopBackOff).
	final, backoff bool
	// backoffFor is the current back-off's length, for the status message.
	backoffFor time.Duration
	// pull is why its image cannot be pulled (ErrImagePull, then
	// ImagePullBackOff), with pullMsg the message; "" once it could be.
	pull, pullMsg string
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
	dir    string // its containers' logs
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
	// A pod that runs to completion (a Job's) starts once KWOK has
	// moved it out of Pending: its terminal phase must come after that.
	if p.Spec.RestartPolicy != corev1.RestartPolicyAlways && p.Spec.RestartPolicy != "" && p.Status.Phase == corev1.PodPending {
		return
	}
	rt.mu.Lock()
	if _, running := rt.pods[p.UID]; running {
		rt.mu.Unlock()
		// KWOK writes the container statuses wholesale (without the IDs a
		// runtime gives): put back what the kubelet would report.
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && rt.statusStale(p) {
			go rt.reportStatus(ctx, p)
		}
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	pr := &podRun{cancel: cancel, done: make(chan struct{}), dir: rt.podDir(p)}
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
	// A finished pod's logs stay until it is deleted, as the kubelet's.
	os.RemoveAll(pr.dir) //nolint:errcheck,gosec // best effort, like the kubelet's GC
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

func (rt *runtime) podDir(p *corev1.Pod) string {
	return filepath.Join(rt.logDir, p.Namespace+"_"+p.Name+"_"+string(p.UID))
}

func (rt *runtime) runPod(ctx context.Context, p *corev1.Pod) {
	dir := rt.podDir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Printf("pod %s/%s: %v", p.Namespace, p.Name, err)
		return
	}
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
	where := fmt.Sprintf("%s/%s[%s]", p.Namespace, p.Name, spec.Name)
	if msg, fails := pullFails(spec.Image); fails {
		// As the kubelet: the pull fails (ErrImagePull), is retried after a
		// back-off (ImagePullBackOff), and so on; nothing ever runs.
		log.Printf("container %s: %s", where, msg)
		for _, reason := range []string{"ErrImagePull", "ImagePullBackOff"} {
			c.mu.Lock()
			c.pull, c.pullMsg = reason, msg
			c.mu.Unlock()
			go rt.reportStatus(ctx, p)
			select {
			case <-ctx.Done():
				return false
			case <-time.After(time.Second):
			}
		}
		<-ctx.Done()
		return false
	}
	find := func() (plan, bool) { return rt.plan(p, spec) }
	rule, ok := find()
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
		c.running, c.final, c.backoff = true, false, false
		c.mu.Unlock()
		go rt.reportStatus(ctx, p) // as a kubelet: start, then report
		if d, ok := readyAfter(spec); ok {
			// Its readiness probe "passes" once the delay is over.
			go func() {
				select {
				case <-ctx.Done():
				case <-time.After(d):
					rt.reportStatus(ctx, p)
				}
			}()
		}
		code, reason := rt.runOnce(ctx, p, spec, rule, in, f)
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
		c.mu.Lock()
		c.final = !restart
		// As the kubelet: a container that failed for the first time is
		// restarted at once (its status says Terminated until then);
		// from the second failure on it waits out a growing back-off in
		// CrashLoopBackOff. One that succeeded (restartPolicy Always) is
		// restarted at once.
		c.backoff = restart && code != 0 && n >= 1
		c.backoffFor = backoff
		c.mu.Unlock()
		go rt.reportStatus(ctx, p)
		if !restart {
			return code == 0
		}
		wait := time.Duration(0)
		switch {
		case code != 0 && n == 0:
			wait = 200 * time.Millisecond // the kubelet's next sync
		case code != 0:
			wait = backoff
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		if code != 0 && n >= 1 {
			backoff = min(2*backoff, 5*time.Second)
		}
	}
}

// plan is what one container runs: argv in dir with env; an empty argv
// ends at once with exit 0.
type plan struct {
	argv []string
	dir  string
	env  []string
}

// plan decides what a container runs. A Job's pod (or any pod with
// restartPolicy Never/OnFailure) whose container names its command (ctl
// run, a migration Job, kubectl run) runs that command in the exec
// rule's directory and environment, as an exec in the app's pods would;
// otherwise a container rule says; a Job's pod that neither covers
// completes at once, as KWOK's pod-complete stage made it. false: nothing
// (yet).
func (rt *runtime) plan(p *corev1.Pod, spec corev1.Container) (plan, bool) {
	rs, err := rules.Load(rt.rulesFile)
	if err != nil {
		log.Printf("containers: %v", err)
		return plan{}, false
	}
	job := ownedByJob(p)
	// A pod that runs to completion (a Job's, `kubectl run
	// --restart=Never`'s) and names its command runs that command.
	oneOff := job || (p.Spec.RestartPolicy != "" && p.Spec.RestartPolicy != corev1.RestartPolicyAlways)
	if argv := append(append([]string{}, spec.Command...), spec.Args...); oneOff && len(argv) > 0 {
		if r, ok := rs.FindExec(p.Namespace, p.Name, spec.Name); ok {
			// The container's own literal variables, then the rule's (which
			// say how this host reaches what the cluster names).
			base := environ(rules.Exec{}, p.Name, spec.TTY)
			for _, e := range spec.Env {
				if e.ValueFrom == nil {
					base = setEnv(base, e.Name, e.Name+"="+e.Value)
				}
			}
			env := environ(rules.Exec{Env: append(base[3:], r.Env...)}, p.Name, spec.TTY)
			env = append(env, "POD_NAME="+p.Name, "POD_NAMESPACE="+p.Namespace)
			return plan{argv: argv, dir: r.WorkDir, env: env}, true
		}
	}
	if r, ok := rs.FindContainer(p.Namespace, p.Name, spec.Name); ok {
		env := environ(rules.Exec{Env: r.Env}, p.Name, false)
		env = append(env, "POD_NAME="+p.Name, "POD_NAMESPACE="+p.Namespace)
		return plan{argv: r.Command, dir: r.WorkDir, env: env}, true
	}
	if job {
		return plan{}, true
	}
	return plan{}, false
}

func ownedByJob(p *corev1.Pod) bool {
	for _, o := range p.OwnerReferences {
		if o.Kind == "Job" {
			return true
		}
	}
	return false
}

// runOnce runs the command with its output recorded in CRI format
// ("<RFC3339Nano> stdout F <line>") and sent to attached clients, and
// returns its exit code. A container with stdin gets a pipe attach
// writes to; one with tty a PTY (its controlling terminal) instead.
func (rt *runtime) runOnce(ctx context.Context, p *corev1.Pod, spec corev1.Container, pl plan, in *instance, f *os.File) (int, string) {
	if len(pl.argv) == 0 {
		return 0, "Completed"
	}
	bin, err := lookPathIn(pl.argv[0], pl.env, pl.dir)
	if err != nil {
		writeCRI(f, "stderr", []byte(err.Error()))
		return 127, "ContainerCannotRun"
	}
	cmd := exec.Command(bin, pl.argv[1:]...) //nolint:gosec // the rule's command is the point
	cmd.Args[0] = pl.argv[0]
	cmd.Dir, cmd.Env = pl.dir, pl.env
	type stream struct {
		name string
		r    io.Reader
	}
	var streams []stream
	var ptmx *os.File
	if spec.TTY {
		ptmx, err = pty.StartWithAttrs(cmd, nil, &syscall.SysProcAttr{Setsid: true, Setctty: true, Pdeathsig: syscall.SIGKILL})
		if err != nil {
			writeCRI(f, "stderr", []byte(err.Error()))
			return 128, "ContainerCannotRun"
		}
		defer ptmx.Close() //nolint:errcheck
		streams = []stream{{"stdout", ptmx}}
		in.io.start(ptmx, ptmx, spec.StdinOnce)
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return 128, "ContainerCannotRun"
		}
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return 128, "ContainerCannotRun"
		}
		var stdin io.WriteCloser
		if spec.Stdin {
			if stdin, err = cmd.StdinPipe(); err != nil {
				return 128, "ContainerCannotRun"
			}
		}
		if err := cmd.Start(); err != nil {
			writeCRI(f, "stderr", []byte(err.Error()))
			return 128, "ContainerCannotRun"
		}
		streams = []stream{{"stdout", stdout}, {"stderr", stderr}}
		if stdin != nil {
			in.io.start(stdin, nil, spec.StdinOnce)
		}
	}
	defer in.io.stop()
	pgid := cmd.Process.Pid
	rt.procs.add(pgid)
	defer rt.procs.remove(pgid)
	stopKill := context.AfterFunc(ctx, func() { syscall.Kill(-pgid, syscall.SIGKILL) }) //nolint:errcheck,gosec
	defer stopKill()

	var wmu sync.Mutex
	w := bufio.NewWriterSize(f, 64<<10)
	var copies sync.WaitGroup
	for _, s := range streams {
		copies.Add(1)
		go func() {
			defer copies.Done()
			buf := make([]byte, 32<<10)
			var pending []byte
			for {
				n, err := s.r.Read(buf)
				if n > 0 {
					// Attached clients get the bytes as they come
					// (a prompt has no newline); the log whole lines.
					in.io.broadcast(s.name, buf[:n])
					pending = append(pending, buf[:n]...)
					wmu.Lock()
					for {
						i := bytes.IndexByte(pending, '\n')
						if i < 0 {
							break
						}
						writeCRIBuf(w, s.name, trimNL(pending[:i+1]))
						pending = pending[i+1:]
					}
					w.Flush() //nolint:errcheck,gosec
					wmu.Unlock()
					in.notify(false, 0, "")
				}
				if err != nil {
					if len(pending) > 0 {
						wmu.Lock()
						writeCRIBuf(w, s.name, pending)
						w.Flush() //nolint:errcheck,gosec
						wmu.Unlock()
					}
					return
				}
			}
		}()
	}
	var waitErr error
	if ptmx != nil {
		// The PTY's reads end with EIO once the session's processes
		// are gone, after what they wrote has been read.
		waitErr = cmd.Wait()
		syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck,gosec
		copies.Wait()
	} else {
		// Wait closes the pipes: read them to their end first.
		copies.Wait()
		waitErr = cmd.Wait()
	}
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

// statusStale: the pod's status does not say what its containers do
// (KWOK writes container statuses wholesale, without a runtime's IDs).
func (rt *runtime) statusStale(p *corev1.Pod) bool {
	return rt.applyStatus(p.DeepCopy())
}

// applyStatus puts in p's status what the kubelet would report of its
// containers: each one's current instance (its ID, restartCount, the
// last instance's termination), running, ended (Terminated) or waiting
// to be restarted after a failure (CrashLoopBackOff); the pod's Ready
// condition; and, once every container ended for good, the pod's phase
// (Succeeded when all exited 0, else Failed). It reports whether it
// changed anything.
func (rt *runtime) applyStatus(p *corev1.Pod) bool {
	changed := false
	allFinal, anyFailed, allReady, seen := true, false, true, 0
	for li, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		isInit := li == 0
		for i := range list {
			st := &list[i]
			c := rt.lookup(p.Namespace, p.Name, st.Name)
			if c == nil {
				continue
			}
			c.mu.Lock()
			n := len(c.instances) - 1
			running, final, backoff, backoffFor := c.running, c.final, c.backoff, c.backoffFor
			pull, pullMsg := c.pull, c.pullMsg
			var in, prev *instance
			if n >= 0 {
				in = c.instances[n]
			}
			if n >= 1 {
				prev = c.instances[n-1]
			}
			c.mu.Unlock()
			if pull != "" {
				want := *st
				want.ContainerID, want.Ready, want.Started = "", false, ptrBool(false)
				want.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: pull, Message: pullMsg}}
				allFinal = false
				if !isInit {
					seen++
					allReady = false
				}
				if !sameStatus(*st, want) {
					*st = want
					changed = true
				}
				continue
			}
			if !running || in == nil {
				allFinal = false // KWOK's status stands for what runs nothing
				continue
			}
			if !isInit {
				seen++
			}
			want := *st
			want.ContainerID = containerID(p, st.Name, n)
			want.RestartCount = int32(n) //nolint:gosec // small
			terminated := func(x *instance, id string) *corev1.ContainerStateTerminated {
				x.mu.Lock()
				defer x.mu.Unlock()
				return &corev1.ContainerStateTerminated{
					ExitCode: int32(x.exitCode), Reason: x.reason, //nolint:gosec // exit codes are small
					StartedAt: metav1.NewTime(x.started), FinishedAt: metav1.NewTime(x.finished), ContainerID: id,
				}
			}
			if prev != nil {
				want.LastTerminationState = corev1.ContainerState{Terminated: terminated(prev, containerID(p, st.Name, n-1))}
			}
			_, done := in.wait()
			switch {
			case done && final:
				want.State = corev1.ContainerState{Terminated: terminated(in, want.ContainerID)}
				want.Ready, want.Started = false, ptrBool(false)
				in.mu.Lock()
				anyFailed = anyFailed || in.exitCode != 0
				in.mu.Unlock()
			case done && !backoff:
				// ended, about to be restarted (a first failure)
				want.State = corev1.ContainerState{Terminated: terminated(in, want.ContainerID)}
				want.Ready, want.Started = false, ptrBool(false)
				allFinal = false
			case done && backoff:
				want.LastTerminationState = corev1.ContainerState{Terminated: terminated(in, want.ContainerID)}
				want.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
					Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", backoffFor, st.Name, p.Name, p.Namespace, p.UID)}}
				want.Ready, want.Started = false, ptrBool(false)
				allFinal = false
			default:
				if n == 0 && st.State.Running != nil && st.ContainerID == "" {
					// KWOK's running state stands for the first instance
					want.State = st.State
				} else {
					want.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(in.started)}}
				}
				want.Ready, want.Started = true, ptrBool(true)
				if d, ok := readyAfter(specOf(p, st.Name)); ok && time.Since(in.started) < d {
					want.Ready = false // its readiness probe has not passed yet
				}
				allFinal = false
			}
			if !isInit && !want.Ready {
				allReady = false
			}
			if !sameStatus(*st, want) {
				*st = want
				changed = true
			}
		}
	}
	if seen == 0 {
		return changed
	}
	setCond := func(t corev1.PodConditionType, ok bool, reason string) {
		status := corev1.ConditionFalse
		if ok {
			status, reason = corev1.ConditionTrue, ""
		}
		for i := range p.Status.Conditions {
			c := &p.Status.Conditions[i]
			if c.Type == t {
				if c.Status != status {
					c.Status, c.Reason, c.LastTransitionTime = status, reason, metav1.Now()
					changed = true
				}
				return
			}
		}
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: t, Status: status, Reason: reason, LastTransitionTime: metav1.Now()})
		changed = true
	}
	if allFinal && len(p.Status.ContainerStatuses) > 0 {
		phase := corev1.PodSucceeded
		if anyFailed {
			phase = corev1.PodFailed
		}
		if p.Status.Phase != phase {
			p.Status.Phase = phase
			changed = true
		}
		setCond(corev1.PodReady, false, "PodCompleted")
		setCond(corev1.ContainersReady, false, "PodCompleted")
		return changed
	}
	setCond(corev1.PodReady, allReady, "ContainersNotReady")
	setCond(corev1.ContainersReady, allReady, "ContainersNotReady")
	return changed
}

func ptrBool(b bool) *bool { return &b }

// readyAfter: a container with a readiness probe is taken to pass it
// once it has run for the probe's initialDelaySeconds (at least a
// second); nothing probes for real. Without a probe a running container
// is ready at once, as the kubelet says.
func readyAfter(c corev1.Container) (time.Duration, bool) {
	if c.ReadinessProbe == nil {
		return 0, false
	}
	return max(time.Duration(c.ReadinessProbe.InitialDelaySeconds)*time.Second, time.Second), true
}

func specOf(p *corev1.Pod, name string) corev1.Container {
	for _, c := range append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	return corev1.Container{}
}

// sameStatus compares what applyStatus sets.
func sameStatus(a, b corev1.ContainerStatus) bool {
	kind := func(s corev1.ContainerState) string {
		switch {
		case s.Terminated != nil:
			return fmt.Sprintf("terminated %d %s", s.Terminated.ExitCode, s.Terminated.Reason)
		case s.Waiting != nil:
			return "waiting " + s.Waiting.Reason
		case s.Running != nil:
			return "running"
		}
		return ""
	}
	last := func(s corev1.ContainerState) string {
		if s.Terminated == nil {
			return ""
		}
		return s.Terminated.ContainerID
	}
	return a.ContainerID == b.ContainerID && a.RestartCount == b.RestartCount && a.Ready == b.Ready &&
		kind(a.State) == kind(b.State) && last(a.LastTerminationState) == last(b.LastTerminationState)
}

// reportStatus writes applyStatus's view of the pod to the API server.
func (rt *runtime) reportStatus(ctx context.Context, p *corev1.Pod) {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := rt.client.CoreV1().Pods(p.Namespace).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cur.UID != p.UID || cur.DeletionTimestamp != nil {
			return nil
		}
		if cur.Status.Phase == corev1.PodSucceeded || cur.Status.Phase == corev1.PodFailed {
			return nil // terminal: nothing changes it any more
		}
		if !rt.applyStatus(cur) {
			return nil
		}
		_, err = rt.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, cur, metav1.UpdateOptions{})
		return err
	})
	if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
		log.Printf("pod %s/%s: status: %v", p.Namespace, p.Name, err)
	}
}

// pullFails says whether image cannot be pulled, and the kubelet's
// message. The sandbox has no registry: images are taken as present on
// the node (pre-pulled), except those of the registry unpullable.invalid
// (a name no resolver answers for, RFC 2606), whose pull fails as a
// kubelet's does when the registry does not resolve.
func pullFails(image string) (string, bool) {
	host, _, ok := strings.Cut(image, "/")
	if !ok {
		return "", false
	}
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	if host != "unpullable.invalid" {
		return "", false
	}
	return fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: dial tcp: lookup %s: no such host", image, image, host), true
}
