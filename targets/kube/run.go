package kube

// `ctl run` on Kubernetes: a Job (BuildRunJob) created, its pod attached
// (TTY) or its log followed, the exit code read from the pod's status,
// and the Job deleted when ctl ends unless detached.

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/term"
	"github.com/ctlops/ctl/targets"
)

var _ targets.Runner = (*Target)(nil)

// RunError is a run that ended without its command's exit code: the
// deadline passed, the pod could not start, the Job was deleted.
type RunError struct {
	Job, Reason, Msg string
}

func (e *RunError) Error() string { return fmt.Sprintf("Job %s: %s", e.Job, e.Msg) }

// Hint says where to look.
func (e *RunError) Hint() string {
	return "kubectl describe job " + e.Job + " (and its pod's events)"
}

// jobName is <deployment>-run-<5 random characters>.
func jobName(base, verb string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	base = strings.TrimSuffix(base, "-")
	if len(base) > 40 {
		base = base[:40]
	}
	return base + "-" + verb + "-" + string(b)
}

// template finds the component's Deployment (through the chosen pod's
// ReplicaSet) for the Job's pod template; nil when the pod has none.
func (t *Target) template(ctx context.Context, pod *corev1.Pod) (*appsv1.Deployment, error) {
	for _, o := range pod.OwnerReferences {
		if o.Kind != "ReplicaSet" {
			continue
		}
		rs := &appsv1.ReplicaSet{}
		if err := t.getApps(ctx, "replicasets", o.Name, rs); err != nil {
			return nil, err
		}
		for _, ro := range rs.OwnerReferences {
			if ro.Kind != "Deployment" {
				continue
			}
			dep := &appsv1.Deployment{}
			if err := t.getApps(ctx, "deployments", ro.Name, dep); err != nil {
				return nil, err
			}
			return dep, nil
		}
	}
	return nil, nil
}

// PrepareRun builds the Job of a run without creating it (what migrate's
// plan and the tests look at).
func (t *Target) PrepareRun(ctx context.Context, r targets.RunRequest, verb string) (*batchv1.Job, error) {
	size, err := ParseSize(r.Size)
	if err != nil {
		return nil, exitcode.Usagef("%s", err)
	}
	pod, err := t.choosePod(ctx)
	if err != nil {
		return nil, err
	}
	container, err := t.chooseContainer(pod)
	if err != nil {
		return nil, err
	}
	dep, err := t.template(ctx, pod)
	if err != nil {
		return nil, err
	}
	base := pod.Name
	if dep != nil {
		base = dep.Name
	}
	comp, _ := t.component()
	job := BuildRunJob(dep, pod, RunJobSpec{
		Name: jobName(base, verb), Namespace: t.namespace, Container: container, Component: comp,
		Argv: r.Argv, Command: orDefault(r.Display, strings.Join(r.Argv, " ")), Stdin: r.Stdin != nil && !r.TTY, TTY: r.TTY,
		Deadline: r.Deadline, Verb: verb, User: r.User, Session: r.Session, Size: size,
	})
	return job, nil
}

// RunJob implements targets.Runner.
func (t *Target) RunJob(ctx context.Context, r targets.RunRequest) (targets.RunResult, error) {
	job, err := t.PrepareRun(ctx, r, orDefault(r.Verb, "run"))
	if err != nil {
		return targets.RunResult{}, err
	}
	return t.StartJob(ctx, job, r)
}

// StartJob creates job and, unless r.Detach, follows it to its end and
// deletes it (also when ctx ends: Ctrl-C, SIGTERM).
func (t *Target) StartJob(ctx context.Context, job *batchv1.Job, r targets.RunRequest) (res targets.RunResult, err error) {
	c := t.conn
	res.Name = job.Name
	if len(job.Spec.Template.Spec.Containers) > 0 {
		res.Image = job.Spec.Template.Spec.Containers[0].Image
		t.container = job.Spec.Template.Spec.Containers[0].Name
	}
	t.ran = r.Argv
	actx, cancel := c.APIContext(ctx)
	err = c.Batch.Post().Namespace(t.namespace).Resource("jobs").Body(job).Do(actx).Into(&batchv1.Job{})
	cancel()
	if err != nil {
		return res, t.classifyCan(ctx, err, "create", "jobs", "batch")
	}
	if r.Started != nil {
		r.Started(res.RunInfo)
	}
	if r.Detach {
		return res, nil
	}
	defer func() {
		if derr := t.deleteJob(context.WithoutCancel(ctx), job.Name); derr != nil && err == nil {
			err = derr
		}
	}()
	out, err := t.follow(ctx, job.Name, r)
	out.Image = res.Image
	return out, err
}

// AttachRun implements targets.Runner: a detached run followed to its
// end (not deleted: it was detached).
func (t *Target) AttachRun(ctx context.Context, name string, r targets.RunRequest) (targets.RunResult, error) {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	job := &batchv1.Job{}
	err := c.Batch.Get().Namespace(t.namespace).Resource("jobs").Name(name).Do(actx).Into(job)
	cancel()
	if apierrors.IsNotFound(err) {
		return targets.RunResult{}, exitcode.Invalidf("no run %q in namespace %q (ctl run --list)", name, t.namespace)
	}
	if err != nil {
		return targets.RunResult{}, c.Classify(err, "get", "jobs.batch", t.namespace)
	}
	if job.Labels[ManagedByLabel] != ManagedByCtl {
		return targets.RunResult{}, exitcode.Invalidf("Job %q was not started by ctl run", name)
	}
	if len(job.Spec.Template.Spec.Containers) > 0 {
		t.container = job.Spec.Template.Spec.Containers[0].Name
		r.TTY = r.TTY && job.Spec.Template.Spec.Containers[0].TTY
		if !job.Spec.Template.Spec.Containers[0].Stdin {
			r.Stdin = nil
		}
	}
	res, err := t.follow(ctx, name, r)
	if len(job.Spec.Template.Spec.Containers) > 0 {
		res.Image = job.Spec.Template.Spec.Containers[0].Image
	}
	return res, err
}

// KillRun implements targets.Runner.
func (t *Target) KillRun(ctx context.Context, name string) error {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	job := &batchv1.Job{}
	err := c.Batch.Get().Namespace(t.namespace).Resource("jobs").Name(name).Do(actx).Into(job)
	cancel()
	if apierrors.IsNotFound(err) {
		return exitcode.Invalidf("no run %q in namespace %q (ctl run --list)", name, t.namespace)
	}
	if err != nil {
		return c.Classify(err, "get", "jobs.batch", t.namespace)
	}
	if job.Labels[ManagedByLabel] != ManagedByCtl {
		return exitcode.Invalidf("Job %q was not started by ctl run: not deleting it", name)
	}
	return t.deleteJob(ctx, name)
}

// ListRuns implements targets.Runner.
func (t *Target) ListRuns(ctx context.Context) ([]targets.RunSummary, error) {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	list := &batchv1.JobList{}
	err := c.Batch.Get().Namespace(t.namespace).Resource("jobs").
		VersionedParams(&metav1.ListOptions{LabelSelector: ManagedByLabel + "=" + ManagedByCtl + "," + RunLabel}, ParameterCodec()).
		Do(actx).Into(list)
	if err != nil {
		return nil, c.Classify(err, "list", "jobs.batch", t.namespace)
	}
	out := make([]targets.RunSummary, 0, len(list.Items))
	for i := range list.Items {
		j := &list.Items[i]
		out = append(out, targets.RunSummary{Name: j.Name, User: j.Labels[UserLabel], Command: j.Annotations[CommandAnn],
			Status: jobStatus(j), Started: j.CreationTimestamp.Time})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.After(out[j].Started) })
	return out, nil
}

func jobStatus(j *batchv1.Job) string {
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return "Succeeded"
		case batchv1.JobFailed:
			if c.Reason != "" {
				return "Failed (" + c.Reason + ")"
			}
			return "Failed"
		}
	}
	if j.Status.Active > 0 {
		return "Running"
	}
	return "Pending"
}

func (t *Target) deleteJob(ctx context.Context, name string) error {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	bg := metav1.DeletePropagationBackground
	err := c.Batch.Delete().Namespace(t.namespace).Resource("jobs").Name(name).
		Body(&metav1.DeleteOptions{PropagationPolicy: &bg}).Do(actx).Error()
	if err == nil || apierrors.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("deleting Job %s: %w", name, t.classifyCan(ctx, err, "delete", "jobs", "batch"))
}

// classifyCan names the missing permission when RBAC refused.
func (t *Target) classifyCan(ctx context.Context, err error, verb, resource, group string) error {
	full := resource
	if group != "" {
		full += "." + group
	}
	return t.conn.Classify(err, verb, full, t.namespace)
}

// jobState is what the watches know of a Job and its pod.
type jobState struct {
	mu      sync.Mutex
	job     *batchv1.Job
	pod     *corev1.Pod
	gone    bool  // the Job was deleted
	err     error // a watch RBAC refused
	changed chan struct{}
}

func (s *jobState) fail(err error) { s.set(func() { s.err = err }) }

func (s *jobState) snapshot() (*batchv1.Job, *corev1.Pod, bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.job, s.pod, s.gone, s.changed
}

func (s *jobState) set(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
	close(s.changed)
	s.changed = make(chan struct{})
}

// watchJob keeps st up to date with the Job and its (newest) pod until
// ctx ends.
func (t *Target) watchJob(ctx context.Context, name string, st *jobState) {
	c := t.conn
	go t.watchLoop(ctx, c.Batch, "jobs", metav1.ListOptions{FieldSelector: "metadata.name=" + name}, func(ev watch.EventType, o any) {
		j, ok := o.(*batchv1.Job)
		if !ok {
			return
		}
		st.set(func() {
			if ev == watch.Deleted {
				st.gone = true
				return
			}
			st.job = j
		})
	}, st.fail)
	go t.watchLoop(ctx, c.Core, "pods", metav1.ListOptions{LabelSelector: JobNameLabel + "=" + name}, func(ev watch.EventType, o any) {
		p, ok := o.(*corev1.Pod)
		if !ok {
			return
		}
		st.set(func() {
			if ev == watch.Deleted {
				if st.pod != nil && st.pod.UID == p.UID {
					cp := p.DeepCopy()
					if cp.DeletionTimestamp == nil {
						now := metav1.Now()
						cp.DeletionTimestamp = &now
					}
					st.pod = cp
				}
				return
			}
			if st.pod == nil || st.pod.UID == p.UID || p.CreationTimestamp.After(st.pod.CreationTimestamp.Time) {
				st.pod = p
			}
		})
	}, st.fail)
}

// watchLoop lists then watches resource, calling fn for each object, and
// watches again when the server ends a watch, until ctx ends. RBAC
// refusing the list or the watch is fatal: fail gets it (classified,
// naming the verb and resource) and the loop ends; other errors are
// retried every second.
func (t *Target) watchLoop(ctx context.Context, client rest.Interface, resource string, opts metav1.ListOptions, fn func(watch.EventType, any), fail func(error)) {
	lw := t.conn.ListWatch(client, resource, t.namespace, func(o *metav1.ListOptions) {
		o.FieldSelector, o.LabelSelector = opts.FieldSelector, opts.LabelSelector
	})
	full := resource
	if client == t.conn.Batch {
		full += ".batch"
	} else if client == t.conn.Apps {
		full += ".apps"
	}
	for ctx.Err() == nil {
		list, err := lw.ListWithContext(ctx, metav1.ListOptions{})
		if apierrors.IsForbidden(err) {
			fail(t.conn.Classify(err, "list", full, t.namespace))
			return
		}
		if err != nil {
			if !sleepCtx(ctx, time.Second) {
				return
			}
			continue
		}
		rv := ""
		if la, err := meta.ListAccessor(list); err == nil {
			rv = la.GetResourceVersion()
		}
		_ = meta.EachListItem(list, func(o runtime.Object) error { fn(watch.Added, o); return nil })
		w, err := lw.WatchWithContext(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
		if apierrors.IsForbidden(err) {
			fail(t.conn.Classify(err, "watch", full, t.namespace))
			return
		}
		if err != nil {
			if !sleepCtx(ctx, time.Second) {
				return
			}
			continue
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error || ev.Type == watch.Bookmark {
				continue
			}
			fn(ev.Type, ev.Object)
		}
		w.Stop()
	}
}

func podTerminal(p *corev1.Pod) bool {
	return p != nil && (p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed)
}

// jobFailed is the Job's failure condition, if any.
func jobFailed(j *batchv1.Job) *batchv1.JobCondition {
	if j == nil {
		return nil
	}
	for i := range j.Status.Conditions {
		c := &j.Status.Conditions[i]
		if (c.Type == batchv1.JobFailed || c.Type == batchv1.JobFailureTarget) && c.Status == corev1.ConditionTrue {
			return c
		}
	}
	return nil
}

// waitFor waits until cond says the state is what it waits for (or
// returns an error), the Job fails or is deleted, or ctx ends.
func waitFor(ctx context.Context, name string, st *jobState, cond func(*batchv1.Job, *corev1.Pod) bool) (*batchv1.Job, *corev1.Pod, error) {
	for {
		job, pod, gone, changed := st.snapshot()
		st.mu.Lock()
		werr := st.err
		st.mu.Unlock()
		if werr != nil {
			return job, pod, werr
		}
		if cond(job, pod) {
			return job, pod, nil
		}
		if gone {
			return job, pod, &RunError{Job: name, Reason: "Deleted", Msg: "deleted before its command ended"}
		}
		if f := jobFailed(job); f != nil && !podTerminal(pod) {
			// The Job controller gave up (deadline) and deletes the pod.
			return job, pod, &RunError{Job: name, Reason: f.Reason, Msg: failureMsg(f)}
		}
		if pod != nil {
			if err := podStartError(name, pod); err != nil {
				return job, pod, err
			}
		}
		select {
		case <-ctx.Done():
			return job, pod, ctx.Err()
		case <-changed:
		}
	}
}

func failureMsg(c *batchv1.JobCondition) string {
	switch c.Reason {
	case "DeadlineExceeded":
		return "the deadline (activeDeadlineSeconds) passed: " + c.Message
	}
	return strings.TrimSpace(c.Reason + ": " + c.Message)
}

// podStartError: the pod cannot start (image, configuration).
func podStartError(job string, p *corev1.Pod) error {
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			switch w.Reason {
			case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError":
				return &RunError{Job: job, Reason: w.Reason, Msg: fmt.Sprintf("pod %s cannot start: %s: %s", p.Name, w.Reason, w.Message)}
			}
		}
	}
	return nil
}

func exitOf(p *corev1.Pod, container string) (int, string, bool) {
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Name == container && cs.State.Terminated != nil {
			return int(cs.State.Terminated.ExitCode), cs.State.Terminated.Reason, true
		}
	}
	return 0, "", false
}

// follow streams the run's output and returns its exit code: attached
// with a TTY, else the log followed (stdin, when given, through an
// attach of stdin alone).
func (t *Target) follow(ctx context.Context, name string, r targets.RunRequest) (targets.RunResult, error) {
	res := targets.RunResult{RunInfo: targets.RunInfo{Name: name}}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	st := &jobState{changed: make(chan struct{})}
	t.watchJob(wctx, name, st)
	// Started: the pod ended, or its container runs (a runtime's
	// container ID in its status; the phase alone may run ahead of it).
	said := false
	_, pod, err := waitFor(ctx, name, st, func(_ *batchv1.Job, p *corev1.Pod) bool {
		if p == nil {
			return false
		}
		if rs, msg := podFailure(p); rs == "FailedScheduling" && !said && r.Stderr != nil {
			// An autoscaler may still add a node: say so, keep waiting
			// (the Job's deadline bounds it).
			said = true
			fmt.Fprintf(r.Stderr, "ctl: %s cannot be scheduled yet: %s (waiting until the deadline)\n", name, msg)
		}
		if podTerminal(p) {
			return true
		}
		for _, cs := range p.Status.ContainerStatuses {
			if cs.ContainerID != "" && (cs.State.Running != nil || cs.State.Terminated != nil) {
				return true
			}
		}
		return false
	})
	if err != nil {
		return res, err
	}
	t.pod, res.Pod = pod.Name, pod.Name
	container := t.container
	if container == "" && len(pod.Spec.Containers) > 0 {
		container = pod.Spec.Containers[0].Name
	}
	lateLog := false // the attach missed the command: show its log at the end
	if !podTerminal(pod) {
		if r.TTY {
			var attached bool
			attached, err = t.attachTTY(ctx, pod, container, r)
			lateLog = !attached && err == nil
		} else {
			err = t.streamLog(ctx, pod, container, r, st)
		}
		if err != nil && ctx.Err() != nil {
			return res, ctx.Err()
		}
	} else {
		// Ended before we looked: its log is all there is.
		err = t.copyLog(ctx, pod, container, r.Stdout, false)
	}
	if err != nil {
		var fe *ForbiddenError
		if errors.As(err, &fe) {
			return res, err
		}
	}
	_, pod, werr := waitFor(ctx, name, st, func(_ *batchv1.Job, p *corev1.Pod) bool { return podTerminal(p) })
	if werr != nil {
		return res, werr
	}
	if lateLog {
		_ = t.copyLog(ctx, pod, container, r.Stdout, false)
	}
	code, reason, ok := exitOf(pod, container)
	if !ok {
		return res, &RunError{Job: name, Reason: string(pod.Status.Phase), Msg: "the pod ended without its container's exit code"}
	}
	res.ExitCode, res.Reason = code, reason
	return res, nil
}

// attachTTY attaches the local terminal to the running container; false
// when the attach failed (the command ended first).
func (t *Target) attachTTY(ctx context.Context, pod *corev1.Pod, container string, r targets.RunRequest) (bool, error) {
	tty := term.Open(r.Stdin, r.Stdout)
	u := t.conn.AttachURL(pod.Namespace, pod.Name, &corev1.PodAttachOptions{
		Container: container, Stdin: r.Stdin != nil, Stdout: true, Stderr: false, TTY: true,
	})
	opts := remotecommand.StreamOptions{Stdin: r.Stdin, Stdout: r.Stdout, Tty: true}
	run := func() error { return t.conn.Executor.Execute(ctx, t.conn.Config, u, opts) }
	var err error
	if tty == nil {
		err = run()
	} else {
		stop := make(chan struct{})
		defer close(stop)
		opts.TerminalSizeQueue = tty.SizeQueue(stop)
		err = tty.Safe(run)
	}
	if err == nil || ctx.Err() != nil {
		return err == nil, err
	}
	if ok, cerr := t.conn.Can(context.WithoutCancel(ctx), "create", "pods", "attach", pod.Namespace); cerr == nil && !ok {
		return false, &ForbiddenError{Verb: "create", Resource: "pods/attach", Namespace: pod.Namespace, Context: t.conn.Context, Err: err}
	}
	// A command that ended before the attach (a completed pod cannot be
	// attached to): its log says what it printed.
	return false, nil
}

// streamLog follows the container's log to its end; stdin, when given,
// goes through an attach of stdin alone.
func (t *Target) streamLog(ctx context.Context, pod *corev1.Pod, container string, r targets.RunRequest, st *jobState) error {
	if r.Stdin != nil {
		u := t.conn.AttachURL(pod.Namespace, pod.Name, &corev1.PodAttachOptions{Container: container, Stdin: true})
		actx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			_ = t.conn.Executor.Execute(actx, t.conn.Config, u, remotecommand.StreamOptions{Stdin: r.Stdin})
		}()
	}
	return t.copyLog(ctx, pod, container, r.Stdout, true)
}

// copyLog copies the container's log to w (following it to the end).
func (t *Target) copyLog(ctx context.Context, pod *corev1.Pod, container string, w io.Writer, follow bool) error {
	rc, err := t.conn.PodLogs(ctx, pod.Namespace, pod.Name, &corev1.PodLogOptions{Container: container, Follow: follow})
	if err != nil {
		return err
	}
	defer rc.Close() //nolint:errcheck
	br := bufio.NewReaderSize(rc, 32<<10)
	_, err = io.Copy(w, br)
	return err
}
