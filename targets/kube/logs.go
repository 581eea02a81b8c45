package kube

// `ctl logs` on Kubernetes: the pods of the components, watched (one
// informer per selector over the Connection), and one pods/log stream per
// container. A pod that starts is followed from its first line, a deleted
// one dropped, a restarted container followed again after a marker; init
// containers and finished Job pods are read too. Streams are bounded by
// LogRequest.MaxStreams, and a marker says when the bound is reached.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/ctlops/ctl/targets"
)

var _ targets.Logs = (*Target)(nil)

// DefaultMaxStreams bounds the pods/log streams open at once.
const DefaultMaxStreams = 200

// logSelector is one component's pods.
type logSelector struct {
	component string // "" when the pods' label says
	selector  string
}

func (t *Target) logSelectors(req targets.LogRequest) []logSelector {
	var out []logSelector
	if len(req.Components) > 0 {
		for _, c := range req.Components {
			sel, ok := t.env.Components[c]
			if name, isRun := strings.CutPrefix(c, "run/"); isRun && !ok && name != "" {
				// a `ctl run` (or migrate) Job: its pod, by the Job's name
				out = append(out, logSelector{component: c, selector: JobNameLabel + "=" + name})
				continue
			}
			if !ok {
				sel = DefaultSelector(t.app, c)
			}
			out = append(out, logSelector{component: c, selector: sel})
		}
		return out
	}
	if len(t.env.Components) > 0 {
		names := make([]string, 0, len(t.env.Components))
		for c := range t.env.Components {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, c := range names {
			out = append(out, logSelector{component: c, selector: t.env.Components[c]})
		}
		return out
	}
	sel := ""
	if t.app != "" {
		sel = partOfLabel + "=" + t.app
	}
	return []logSelector{{selector: sel}}
}

// LogsDescription says what is read.
func (t *Target) LogsDescription(req targets.LogRequest) string {
	var parts []string
	for _, s := range t.logSelectors(req) {
		if s.component != "" {
			parts = append(parts, s.component)
		} else if s.selector != "" {
			parts = append(parts, "pods "+s.selector)
		} else {
			parts = append(parts, "all pods")
		}
	}
	what := strings.Join(parts, ", ")
	if req.Container != "" {
		what += " (container " + req.Container + ")"
	}
	return fmt.Sprintf("%s in %s/%s", what, t.conn.Context, t.namespace)
}

// podTrack is what the watch knows of one pod.
type podTrack struct {
	mu        sync.Mutex
	pod       *corev1.Pod
	component string
	gone      bool
	changed   chan struct{}
	following map[string]bool // containers with a follower
}

func (p *podTrack) snapshot() (*corev1.Pod, bool, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pod, p.gone, p.changed
}

func (p *podTrack) update(pod *corev1.Pod, gone bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pod != nil {
		p.pod = pod
	}
	p.gone = p.gone || gone
	close(p.changed)
	p.changed = make(chan struct{})
}

// logRun is one `ctl logs` invocation.
type logRun struct {
	t     *Target
	req   targets.LogRequest
	sink  targets.LogSink
	start time.Time

	sem       chan struct{}
	limitOnce sync.Once

	mu      sync.Mutex
	pods    map[string]*podTrack // by name
	initial map[string]bool      // pods present when the watch synced
	synced  bool
	wg      sync.WaitGroup
}

// Logs streams the pods' logs (see the file comment).
func (t *Target) Logs(ctx context.Context, req targets.LogRequest, sink targets.LogSink) error {
	max := req.MaxStreams
	if max <= 0 {
		max = DefaultMaxStreams
	}
	r := &logRun{t: t, req: req, sink: sink, start: time.Now(), sem: make(chan struct{}, max),
		pods: map[string]*podTrack{}, initial: map[string]bool{}}
	// Can we read logs at all? One clear error instead of one per stream.
	if ok, err := t.conn.Can(ctx, "get", "pods", "log", t.namespace); err == nil && !ok {
		return &ForbiddenError{Verb: "get", Resource: "pods/log", Namespace: t.namespace, Context: t.conn.Context}
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var informers []cache.SharedIndexInformer
	for _, s := range t.logSelectors(req) {
		sel := s
		lw := t.conn.ListWatch(t.conn.Core, "pods", t.namespace, func(o *metav1.ListOptions) { o.LabelSelector = sel.selector })
		inf := cache.NewSharedIndexInformer(lw, &corev1.Pod{}, 0, cache.Indexers{})
		inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) { //nolint:errcheck
			if wctx.Err() == nil && !errors.Is(err, io.EOF) {
				sink(targets.LogEvent{Kind: targets.LogMarker, Marker: "reconnect", Text: "watching pods: " + reason(err) + "; retrying"})
			}
		})
		_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(o any) { r.onPod(wctx, o, sel.component, false) },
			UpdateFunc: func(_, o any) { r.onPod(wctx, o, sel.component, false) },
			DeleteFunc: func(o any) {
				if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
					o = d.Obj
				}
				r.onPod(wctx, o, sel.component, true)
			},
		})
		if err != nil {
			return err
		}
		informers = append(informers, inf)
	}
	var infWG sync.WaitGroup
	for _, inf := range informers {
		infWG.Add(1)
		go func() { defer infWG.Done(); inf.RunWithContext(wctx) }()
	}
	// finish stops the watches first, so that no stream starts after.
	finish := func() { stop(); infWG.Wait(); r.wg.Wait() }
	for _, inf := range informers {
		if !cache.WaitForCacheSync(wctx.Done(), inf.HasSynced) {
			finish()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("listing pods in %s: no answer", t.namespace)
		}
	}
	r.mu.Lock()
	r.synced = true
	n := len(r.pods)
	r.mu.Unlock()
	if n == 0 && !req.Follow {
		finish()
		return &PodError{Msg: fmt.Sprintf("no pods of %s", t.LogsDescription(req)),
			hint: "kubectl get pods -n " + t.namespace + " --show-labels"}
	}
	if !req.Follow {
		r.wg.Wait()
		finish()
		return nil
	}
	<-ctx.Done()
	finish()
	return ctx.Err()
}

func (r *logRun) onPod(ctx context.Context, o any, component string, deleted bool) {
	pod, ok := o.(*corev1.Pod)
	if !ok || ctx.Err() != nil {
		return
	}
	if component == "" {
		component = pod.Labels[componentLabel]
	}
	r.mu.Lock()
	pt := r.pods[pod.Name]
	if pt == nil {
		if deleted {
			r.mu.Unlock()
			return
		}
		pt = &podTrack{pod: pod, component: component, changed: make(chan struct{}), following: map[string]bool{}}
		r.pods[pod.Name] = pt
		if !r.synced {
			r.initial[pod.Name] = true
		}
	}
	fromStart := !r.initial[pod.Name]
	if !r.req.Follow && r.synced && fromStart {
		r.mu.Unlock()
		return // not following: only the pods there were
	}
	r.mu.Unlock()
	pt.update(pod, deleted || pod.DeletionTimestamp != nil)
	if deleted {
		return
	}
	for _, name := range r.containers(pod) {
		if !started(pod, name) {
			continue
		}
		pt.mu.Lock()
		already := pt.following[name]
		pt.following[name] = true
		pt.mu.Unlock()
		if already {
			continue
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.follow(ctx, pt, name, fromStart)
		}()
	}
}

// containers are the pod's containers to read: init containers first.
func (r *logRun) containers(p *corev1.Pod) []string {
	var out []string
	for _, cs := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for _, c := range cs {
			if r.req.Container == "" || r.req.Container == c.Name {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

func containerStatus(p *corev1.Pod, name string) (*corev1.ContainerStatus, bool) {
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for i := range list {
			if list[i].Name == name {
				return &list[i], isInit(p, name)
			}
		}
	}
	return nil, isInit(p, name)
}

func isInit(p *corev1.Pod, name string) bool {
	for _, c := range p.Spec.InitContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// started: the container has run (so it has a log to read).
func started(p *corev1.Pod, name string) bool {
	st, _ := containerStatus(p, name)
	return st != nil && (st.State.Running != nil || st.State.Terminated != nil || st.RestartCount > 0)
}

// finished: the container has ended and will not run again.
func finished(p *corev1.Pod, name string) bool {
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return true
	}
	st, init := containerStatus(p, name)
	if st == nil || st.State.Terminated == nil {
		return false
	}
	if init {
		return st.State.Terminated.ExitCode == 0
	}
	switch p.Spec.RestartPolicy {
	case corev1.RestartPolicyNever:
		return true
	case corev1.RestartPolicyOnFailure:
		return st.State.Terminated.ExitCode == 0
	}
	return false
}

func restarts(p *corev1.Pod, name string) int32 {
	if st, _ := containerStatus(p, name); st != nil {
		return st.RestartCount
	}
	return 0
}

// acquire takes a stream slot, saying once when the bound is reached.
func (r *logRun) acquire(ctx context.Context, stream targets.LogStream) bool {
	select {
	case r.sem <- struct{}{}:
		return true
	default:
	}
	r.limitOnce.Do(func() {
		r.sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "limit",
			Text: fmt.Sprintf("%d streams open: more wait for one to end (raise with --max-streams)", cap(r.sem))})
	})
	select {
	case r.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *logRun) release() { <-r.sem }

// follow reads one container's log, instance after instance.
func (r *logRun) follow(ctx context.Context, pt *podTrack, container string, fromStart bool) {
	pod, _, _ := pt.snapshot()
	stream := targets.LogStream{Component: pt.component, Pod: pod.Name, Container: container}
	if r.req.Previous && restarts(pod, container) == 0 {
		return
	}
	if !r.acquire(ctx, stream) {
		return
	}
	defer r.release()

	seen := restarts(pod, container)
	var last time.Time // the last line's time, to resume after a drop
	var atLast int     // lines seen with that time
	first := true
	failures := 0
	misses := 0 // log requests answered "not found" in a row
	for ctx.Err() == nil {
		opts := &corev1.PodLogOptions{Container: container, Follow: r.req.Follow && !r.req.Previous, Timestamps: true, Previous: r.req.Previous}
		switch {
		case !last.IsZero():
			st := metav1.NewTime(last.Truncate(time.Second))
			opts.SinceTime = &st
		case first && !fromStart:
			if r.req.Since > 0 {
				s := int64(r.req.Since / time.Second)
				opts.SinceSeconds = &s
			}
			if r.req.Tail >= 0 {
				n := int64(r.req.Tail)
				opts.TailLines = &n
			}
		}
		first = false
		rc, err := r.t.conn.PodLogs(ctx, pod.Namespace, pod.Name, opts)
		var readErr error
		if err == nil {
			failures = 0
			last, atLast, readErr = r.read(rc, stream, last, atLast)
			rc.Close() //nolint:errcheck,gosec // read to the end or failed
		}
		if ctx.Err() != nil || !opts.Follow {
			if err != nil && ctx.Err() == nil {
				r.sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "error", Text: logError(err)})
			}
			return
		}
		cur, gone, changed := pt.snapshot()
		if gone {
			return
		}
		if err != nil && (apierrors.IsNotFound(errors.Unwrap(err)) || apierrors.IsNotFound(err)) {
			// The pod is still there as far as the watch knows: the kubelet
			// has not taken it in yet (the status said Running first), or
			// the pod went and the watch has not said so. Look again when
			// the pod changes or after a back-off, saying so only when it
			// lasts; the watch's deletion ends this.
			misses++
			if misses == 8 {
				r.sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "reconnect",
					Text: fmt.Sprintf("%s/%s: %s; retrying", pod.Name, container, logError(err))})
			}
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-time.After(backoff(misses)):
			}
			first = !fromStart && last.IsZero()
			continue
		}
		misses = 0
		if err != nil && waitingToStart(err) {
			// Not running yet (the kubelet has not started what the pod
			// status already says): quietly look again.
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-time.After(250 * time.Millisecond):
			}
			first = !fromStart && last.IsZero()
			continue
		}
		if err != nil || readErr != nil {
			failures++
			cause := err
			if cause == nil {
				cause = readErr
			}
			r.sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "reconnect",
				Text: fmt.Sprintf("%s/%s: %s; reconnecting", pod.Name, container, logError(cause))})
			if !sleepCtx(ctx, backoff(failures)) {
				return
			}
			continue
		}
		// The stream ended: the instance ended. Wait for the pod to say
		// what next (a restart, the end), at most a second between looks.
		if n := restarts(cur, container); n > seen {
			seen, last, atLast = n, time.Time{}, 0
			r.sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "restart", Time: time.Now(),
				Text: restartText(cur, container)})
			continue
		}
		if finished(cur, container) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-time.After(time.Second):
		}
	}
}

func restartText(p *corev1.Pod, container string) string {
	msg := fmt.Sprintf("%s/%s restarted", p.Name, container)
	if st, _ := containerStatus(p, container); st != nil && st.LastTerminationState.Terminated != nil {
		term := st.LastTerminationState.Terminated
		msg += fmt.Sprintf(": exit %d", term.ExitCode)
		if term.Reason != "" {
			msg += " " + term.Reason
		}
	}
	return msg
}

func logError(err error) string {
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		return strings.TrimSpace(se.Status().Message)
	}
	return strings.TrimSpace(reason(err))
}

// waitingToStart: the API server or the kubelet says the container has
// not started (yet).
func waitingToStart(err error) bool {
	var se apierrors.APIStatus
	if !errors.As(err, &se) {
		return false
	}
	msg := se.Status().Message
	return apierrors.IsBadRequest(err) && (strings.Contains(msg, "waiting to start") || strings.Contains(msg, "ContainerCreating") || strings.Contains(msg, "PodInitializing"))
}

func backoff(n int) time.Duration {
	d := time.Duration(1<<min(n-1, 4)) * 250 * time.Millisecond
	return min(d, 4*time.Second)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// read sends the stream's lines ("<RFC3339Nano> <text>") to the sink,
// skipping what was already sent before a reconnection (lines up to
// last, atLast of them at last itself). It returns the new position and
// the error that ended the stream (nil at EOF).
func (r *logRun) read(rc io.Reader, stream targets.LogStream, last time.Time, atLast int) (time.Time, int, error) {
	br := bufio.NewReaderSize(rc, 32<<10)
	skipping := !last.IsZero()
	skipAt := atLast
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if len(long) > 0 {
			line = append(long, line...)
			long = long[:0]
		}
		if len(line) > 0 {
			line = bytes.TrimSuffix(line, []byte{'\n'})
			var ts time.Time
			text := line
			if sp := bytes.IndexByte(line, ' '); sp > 0 {
				if t, perr := time.Parse(time.RFC3339Nano, string(line[:sp])); perr == nil {
					ts, text = t, line[sp+1:]
				}
			}
			emit := true
			if skipping && !ts.IsZero() {
				switch {
				case ts.Before(last):
					emit = false
				case ts.Equal(last) && skipAt > 0:
					skipAt--
					emit = false
				default:
					skipping = false
				}
			}
			if emit {
				r.sink(targets.LogEvent{Stream: stream, Time: ts, Text: string(text)})
				if ts.Equal(last) {
					atLast++
				} else if !ts.IsZero() {
					last, atLast = ts, 1
				}
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return last, atLast, nil
			}
			return last, atLast, err
		}
	}
}

var _ targets.SecretValuer = (*Target)(nil)

// SecretValues are the database password as dbshell resolves it (Secret,
// the app container's environment or Django), without a port-forward, and
// the app container's SECRET_KEY and DJANGO_SECRET_KEY as the process gets
// them from its spec (env, secretKeyRef, configMapKeyRef, envFrom),
// through the API. What resolves is returned, with an error naming what
// did not (never a value).
func (t *Target) SecretValues(ctx context.Context) ([]string, error) {
	var out []string
	ce, ceErr := t.containerEnv(ctx)
	if ceErr == nil {
		for _, k := range targets.SecretKeyVars {
			if v := ce.vars[k]; v != "" {
				out = append(out, v)
			}
		}
	}
	var db *targets.DB
	var dbErr error
	if d := t.env.Database; d.URL == "" && d.Secret == "" && d.From != "django" {
		// from: env (the default): the environment just read, not read again.
		if dbErr = ceErr; ceErr == nil {
			db, dbErr = t.dbFromEnv(ce)
		}
	} else {
		db, dbErr = t.credentials(ctx)
	}
	if dbErr == nil && db.Password != "" {
		out = append(out, db.Password)
	}
	switch {
	case ceErr != nil && (dbErr == nil || dbErr == ceErr): //nolint:errorlint // the same error, not a wrapped one
		return out, fmt.Errorf("SECRET_KEY: %w", ceErr)
	case ceErr != nil:
		return out, errors.Join(fmt.Errorf("SECRET_KEY: %w", ceErr), fmt.Errorf("the database password: %w", dbErr))
	case dbErr != nil:
		return out, fmt.Errorf("the database password: %w", dbErr)
	}
	return out, nil
}
