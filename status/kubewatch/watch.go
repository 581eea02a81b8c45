// Package kubewatch feeds `ctl status` from Kubernetes: shared informers for
// pods, Deployments, StatefulSets, Jobs and Warning events, trimmed by a
// transform, turned into one row per environment as they change.
//
// A handful of namespaces get one informer set each; many (templated or
// discovered namespaces) share one cluster-wide informer per kind with the
// app's label selector (app.kubernetes.io/part-of=APP), so 1,000
// environments cost 5 watches, not 5,000.
//
// The informers are cache.NewSharedIndexInformer over cache.ListWatch on
// the REST clients of the context's kube.Connection: no clientset, no
// informer factory (they would link every API group into ctl).
package kubewatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/ctlops/ctl/status"
	"github.com/ctlops/ctl/targets/kube"
)

// ClusterWideAbove: more namespaces than this in one context are watched
// with cluster-wide informers.
const ClusterWideAbove = 4

// Options configure a Watcher.
type Options struct {
	// Conn is the context's connection (tests: kube.ForServer on an
	// httptest server).
	Conn *kube.Connection
	// App is the app's name: the label selector of cluster-wide informers.
	App  string
	Envs []EnvSpec
	// ClusterWide forces (true) or forbids (false) cluster-wide
	// informers; nil decides by the number of namespaces.
	ClusterWide *bool
	Now         func() time.Time
}

// Watcher is a status.Provider for the environments of one kubeconfig context.
type Watcher struct {
	opts Options
	conn *kube.Connection
	byNS map[string][]EnvSpec

	mu       sync.Mutex
	dirty    map[string]bool
	poke     chan struct{}
	stale    bool
	lastSeen time.Time
	lastErr  string

	pods, deps, sts, jobs, events []cache.SharedIndexInformer
	nsIndexed                     map[string]int // namespace -> index into the per-namespace informer slices (-1: cluster-wide 0)
}

// New builds a Watcher; nothing happens until Run.
func New(opts Options) (*Watcher, error) {
	// client-go's reflectors log retries to stderr, which the full-screen
	// view owns; the Conn state carries what matters.
	kube.QuietLogs()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &Watcher{opts: opts, byNS: map[string][]EnvSpec{}, dirty: map[string]bool{}, poke: make(chan struct{}, 1), nsIndexed: map[string]int{}}
	for _, e := range opts.Envs {
		w.byNS[e.Namespace] = append(w.byNS[e.Namespace], e)
	}
	w.conn = opts.Conn
	if w.conn == nil {
		return nil, errors.New("kubewatch: no connection")
	}
	return w, nil
}

// Name is the connection's name in snapshots: the context.
func (w *Watcher) Name() string { return "kubernetes:" + w.context() }

func (w *Watcher) context() string {
	return w.conn.Context
}

// Refresh does nothing: informers are live and relist by themselves.
func (w *Watcher) Refresh() {}

func (w *Watcher) clusterWide() bool {
	if w.opts.ClusterWide != nil {
		return *w.opts.ClusterWide
	}
	return len(w.byNS) > ClusterWideAbove
}

// Run starts the informers, publishes every row once they have synced,
// then the rows of namespaces that change, until ctx ends.
func (w *Watcher) Run(ctx context.Context, sink status.Sink) error {
	informer := func(client rest.Interface, resource, ns string, example runtime.Object, tweak func(*metav1.ListOptions)) cache.SharedIndexInformer {
		lw := w.conn.ListWatch(client, resource, ns, tweak)
		// The initial state arrives as a watch stream (client-go's
		// WatchListClient, on by default); where the server cannot stream
		// it, the fallback LIST is one request rather than pages of 500.
		lw.DisableChunking = true
		inf := cache.NewSharedIndexInformerWithOptions(lw, example,
			cache.SharedIndexInformerOptions{Indexers: cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}})
		_ = inf.SetTransform(Trim) // fails only once started
		return inf
	}
	warnings := func(o *metav1.ListOptions) { o.FieldSelector = "type=" + corev1.EventTypeWarning }
	register := func(ns string, sel func(*metav1.ListOptions)) {
		c := w.conn
		w.pods = append(w.pods, informer(c.Core, "pods", ns, &corev1.Pod{}, sel))
		w.deps = append(w.deps, informer(c.Apps, "deployments", ns, &appsv1.Deployment{}, sel))
		w.sts = append(w.sts, informer(c.Apps, "statefulsets", ns, &appsv1.StatefulSet{}, sel))
		w.jobs = append(w.jobs, informer(c.Batch, "jobs", ns, &batchv1.Job{}, sel))
		w.events = append(w.events, informer(c.Core, "events", ns, &corev1.Event{}, warnings))
	}
	if w.clusterWide() {
		var sel func(*metav1.ListOptions)
		if w.opts.App != "" {
			sel = func(o *metav1.ListOptions) { o.LabelSelector = "app.kubernetes.io/part-of=" + w.opts.App }
		}
		register("", sel)
		for ns := range w.byNS {
			w.nsIndexed[ns] = 0
		}
	} else {
		for ns := range w.byNS {
			w.nsIndexed[ns] = len(w.pods)
			register(ns, nil)
		}
	}
	all := w.informers()
	for _, inf := range all {
		_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) { w.watchError(sink, err) })
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(o any) { w.changed(sink, o) },
			UpdateFunc: func(_, o any) { w.changed(sink, o) },
			DeleteFunc: func(o any) { w.changed(sink, o) },
		})
	}
	ictx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	for _, inf := range all {
		running.Go(func() { inf.RunWithContext(ictx) })
	}
	defer func() { stop(); running.Wait() }()
	syncs := make([]cache.InformerSynced, len(all))
	for i, inf := range all {
		syncs[i] = inf.HasSynced
	}
	if !cache.WaitForCacheSync(ctx.Done(), syncs...) {
		return ctx.Err()
	}
	w.mu.Lock()
	w.dirty = map[string]bool{}
	w.lastSeen = w.opts.Now()
	w.stale, w.lastErr = false, ""
	w.mu.Unlock()
	rows := make([]status.Env, 0, len(w.opts.Envs))
	for ns := range w.byNS {
		rows = append(rows, w.build(ns)...)
	}
	sink.Put(rows...)
	sink.SetConn(status.Conn{Name: w.Name()})
	sink.Synced(w.Name())

	// Informers retry a refused connection by themselves without telling
	// anyone, so liveness is checked apart: one small request every few
	// seconds (every second while broken).
	probe := time.NewTimer(ProbeEvery)
	defer probe.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.poke:
		case <-probe.C:
			err := w.ping(ctx)
			w.mu.Lock()
			stale := w.stale
			w.mu.Unlock()
			switch {
			case err != nil && ctx.Err() == nil:
				w.watchError(sink, err)
				probe.Reset(time.Second)
			case stale:
				w.recovered(sink)
				probe.Reset(ProbeEvery)
			default:
				probe.Reset(ProbeEvery)
			}
			continue
		}
		w.mu.Lock()
		dirty := w.dirty
		w.dirty = map[string]bool{}
		w.mu.Unlock()
		rows := rows[:0]
		for ns := range dirty {
			rows = append(rows, w.build(ns)...)
		}
		if len(rows) > 0 {
			sink.Put(rows...)
		}
		// Rebuild at most every half MinInterval: under churn the dirty
		// set grows meanwhile and is built once.
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(status.MinInterval / 2):
		}
	}
}

// ProbeEvery is how often the API server's liveness is checked.
var ProbeEvery = 5 * time.Second

// ping asks the API server for /readyz: any HTTP answer (even 403) means
// the connection works; only a transport error counts.
func (w *Watcher) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err := w.conn.Core.Get().AbsPath("/readyz").Do(ctx).Error()
	if err == nil {
		return nil
	}
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		return nil
	}
	return err
}

func (w *Watcher) informers() []cache.SharedIndexInformer {
	var all []cache.SharedIndexInformer
	for _, l := range [][]cache.SharedIndexInformer{w.pods, w.deps, w.sts, w.jobs, w.events} {
		all = append(all, l...)
	}
	return all
}

func (w *Watcher) changed(sink status.Sink, o any) {
	if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	m, ok := o.(metav1.Object)
	if !ok {
		return
	}
	ns := m.GetNamespace()
	if _, watched := w.byNS[ns]; !watched {
		return
	}
	w.mu.Lock()
	w.dirty[ns] = true
	w.lastSeen = w.opts.Now()
	wasStale := w.stale
	w.mu.Unlock()
	if wasStale {
		w.recovered(sink)
	}
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

func (w *Watcher) watchError(sink status.Sink, err error) {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		// The server closed a watch; the reflector just rewatches.
		return
	}
	w.mu.Lock()
	if !w.stale && w.lastSeen.IsZero() {
		w.lastSeen = w.opts.Now()
	}
	w.stale = true
	w.lastErr = shortErr(err)
	c := status.Conn{Name: w.Name(), Stale: true, Since: w.lastSeen, Err: w.lastErr}
	w.mu.Unlock()
	sink.SetConn(c)
}

func (w *Watcher) recovered(sink status.Sink) {
	w.mu.Lock()
	if !w.stale {
		w.mu.Unlock()
		return
	}
	w.stale, w.lastErr = false, ""
	w.lastSeen = w.opts.Now()
	for ns := range w.byNS {
		w.dirty[ns] = true
	}
	w.mu.Unlock()
	sink.SetConn(status.Conn{Name: w.Name()})
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, "dial tcp"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// objects reads a namespace's objects from the informers' caches.
func (w *Watcher) objects(ns string) Objects {
	i := w.nsIndexed[ns]
	var o Objects
	for _, x := range byNS(w.deps[i], ns) {
		o.Deployments = append(o.Deployments, x.(*appsv1.Deployment))
	}
	for _, x := range byNS(w.sts[i], ns) {
		o.StatefulSets = append(o.StatefulSets, x.(*appsv1.StatefulSet))
	}
	for _, x := range byNS(w.pods[i], ns) {
		o.Pods = append(o.Pods, x.(*corev1.Pod))
	}
	for _, x := range byNS(w.jobs[i], ns) {
		o.Jobs = append(o.Jobs, x.(*batchv1.Job))
	}
	for _, x := range byNS(w.events[i], ns) {
		o.Events = append(o.Events, x.(*corev1.Event))
	}
	return o
}

func byNS(inf cache.SharedIndexInformer, ns string) []any {
	l, err := inf.GetIndexer().ByIndex(cache.NamespaceIndex, ns)
	if err != nil {
		return nil
	}
	return l
}

func (w *Watcher) build(ns string) []status.Env {
	o := w.objects(ns)
	now := w.opts.Now()
	var rows []status.Env
	for _, spec := range w.byNS[ns] {
		rows = append(rows, Build(spec, w.context(), o, now))
	}
	return rows
}

// Logs returns the last lines of a pod's log (the migration Job's, for the
// detail pane). Not every cluster serves logs (the sandbox doesn't).
func (w *Watcher) Logs(ctx context.Context, ns, pod string, lines int64) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rc, err := w.conn.PodLogs(ctx, ns, pod, &corev1.PodLogOptions{TailLines: &lines})
	if err != nil {
		return "", fmt.Errorf("logs of %s/%s: %w", ns, pod, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return "", fmt.Errorf("logs of %s/%s: %w", ns, pod, err)
	}
	return string(b), nil
}
