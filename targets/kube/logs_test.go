package kube

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// A resumed stream (sinceTime is whole seconds) repeats lines: read skips
// what was sent, including lines of the same instant.
func TestReadResumesWithoutDuplicates(t *testing.T) {
	var got []string
	r := &logRun{sink: func(ev targets.LogEvent) { got = append(got, ev.Text) }}
	first := "2026-12-03T13:00:00.1Z a\n2026-12-03T13:00:00.2Z b\n2026-12-03T13:00:00.2Z c\n"
	last, atLast, err := r.read(strings.NewReader(first), targets.LogStream{}, time.Time{}, 0)
	if err != nil || atLast != 2 || !last.Equal(time.Date(2026, 12, 3, 13, 0, 0, 200000000, time.UTC)) {
		t.Fatalf("last %v atLast %d err %v", last, atLast, err)
	}
	// the reconnection: from 13:00:00, the same lines and new ones
	again := first + "2026-12-03T13:00:00.2Z d\n2026-12-03T13:00:01Z e\nno timestamp\n"
	if _, _, err := r.read(strings.NewReader(again), targets.LogStream{}, last, atLast); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a,b,c,d,e,no timestamp" {
		t.Fatalf("got %v", got)
	}
}

type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestReadReportsDrop(t *testing.T) {
	r := &logRun{sink: func(targets.LogEvent) {}}
	_, _, err := r.read(failingReader{strings.NewReader("2026-12-03T13:00:00Z a\n")}, targets.LogStream{}, time.Time{}, 0)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v, want the drop", err)
	}
}

func TestFinishedAndRestartText(t *testing.T) {
	term := func(code int32) corev1.ContainerState {
		return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}
	}
	p := &corev1.Pod{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyAlways, InitContainers: []corev1.Container{{Name: "init"}},
		Containers: []corev1.Container{{Name: "web"}}},
		Status: corev1.PodStatus{InitContainerStatuses: []corev1.ContainerStatus{{Name: "init", State: term(0)}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "web", State: term(137), RestartCount: 2,
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}}}}}
	p.Name = "web-7f9c-abcde"
	if !finished(p, "init") || finished(p, "web") {
		t.Fatal("init done, web restarts")
	}
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	if !finished(p, "web") {
		t.Fatal("Never: web done")
	}
	if got := restartText(p, "web"); got != "web-7f9c-abcde/web restarted: exit 137 OOMKilled" {
		t.Fatal(got)
	}
}

func TestLogSelectors(t *testing.T) {
	tg := &Target{app: "myapp", env: &config.Environment{Components: map[string]string{"web": "tier=web", "worker": "tier=worker"}}}
	sel := tg.logSelectors(targets.LogRequest{})
	if len(sel) != 2 || sel[0] != (logSelector{"web", "tier=web"}) || sel[1] != (logSelector{"worker", "tier=worker"}) {
		t.Fatalf("configured: %+v", sel)
	}
	sel = tg.logSelectors(targets.LogRequest{Components: []string{"beat"}})
	if sel[0].selector != DefaultSelector("myapp", "beat") {
		t.Fatalf("unconfigured component: %+v", sel)
	}
	tg.env.Components = nil
	if sel = tg.logSelectors(targets.LogRequest{}); sel[0] != (logSelector{"", "app.kubernetes.io/part-of=myapp"}) {
		t.Fatalf("all: %+v", sel)
	}
}

// A kubelet that does not know the pod yet answers 404 while the API
// server already says it runs (a Job's pod, fast): the stream is read once
// the kubelet has it, not dropped as if the pod were gone.
func TestFollowRetriesWhileTheKubeletDoesNotKnowThePod(t *testing.T) {
	p := pod("migrate-x1", "migrate", false, time.Second, "migrate")
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	p.Status.Phase = corev1.PodSucceeded
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "migrate",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}}}
	f := newFakeAPI(t, p)
	f.logMisses = 2
	tg, _, _ := target(f, env(nil), targets.Options{})
	var mu sync.Mutex
	var got []string
	r := &logRun{t: tg, req: targets.LogRequest{Follow: true}, sem: make(chan struct{}, 1),
		sink: func(ev targets.LogEvent) { mu.Lock(); got = append(got, ev.Text); mu.Unlock() }}
	pt := &podTrack{pod: p, component: "migrate", changed: make(chan struct{}), following: map[string]bool{}}
	done := make(chan struct{})
	go func() { r.follow(context.Background(), pt, "migrate", true); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not end on the finished pod")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "|") != "log of migrate-x1 tail=" {
		t.Fatalf("got %q, want the log once, no marker", got)
	}
}

// A pod gone from the watch ends its stream at the first 404.
func TestFollowEndsWhenThePodIsGone(t *testing.T) {
	p := pod("web-1", "web", true, time.Hour, "app")
	f := newFakeAPI(t, p)
	f.logMisses = 1
	tg, _, _ := target(f, env(nil), targets.Options{})
	r := &logRun{t: tg, req: targets.LogRequest{Follow: true}, sem: make(chan struct{}, 1), sink: func(targets.LogEvent) {}}
	pt := &podTrack{pod: p, component: "web", changed: make(chan struct{}), following: map[string]bool{}}
	pt.update(nil, true)
	done := make(chan struct{})
	go func() { r.follow(context.Background(), pt, "app", true); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("follow went on after the pod was gone")
	}
}
