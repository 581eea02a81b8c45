package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/ctlops/ctl/internal/sandbox/rules"
)

// logServer runs pod "app-1"'s container "app" (and init container
// "init") by rules, with a fake clientset for the status reports.
func logServer(t *testing.T, cmd string, policy corev1.RestartPolicy) (*httptest.Server, *kubelet, *corev1.Pod) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.json")
	rs := &rules.Rules{Containers: []rules.Container{
		{Namespace: "ns", PodPrefix: "app-", Container: "init", Command: []string{"sh", "-c", "echo init done"}},
		{Namespace: "ns", PodPrefix: "app-", Container: "app", Command: []string{"sh", "-c", cmd}},
	}}
	if err := rules.Write(path, rs); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "app-1", UID: "u1"},
		Spec: corev1.PodSpec{RestartPolicy: policy, InitContainers: []corev1.Container{{Name: "init"}},
			Containers: []corev1.Container{{Name: "app"}}},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "app"}}},
	}
	cs := fake.NewClientset(pod)
	k := &kubelet{rulesFile: path, procs: newProcTable()}
	k.runtime = newRuntime(cs, path, filepath.Join(dir, "logs"), k.procs)
	ctx, cancel := context.WithCancel(context.Background())
	k.runtime.sync(ctx, pod)
	srv := httptest.NewServer(k.routes())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		k.runtime.stopAll()
	})
	return srv, k, pod
}

func getLogs(t *testing.T, srv *httptest.Server, container, query string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/containerLogs/ns/app-1/" + container + "?" + query) //nolint:noctx
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitLogs(t *testing.T, srv *httptest.Server, container, query, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := getLogs(t, srv, container, query)
		if code == 200 && strings.Contains(body, want) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s?%s: %d %q, want %q in it", container, query, code, body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestContainerLogs(t *testing.T) {
	srv, _, _ := logServer(t, `for i in 1 2 3 4 5; do echo "line $i"; done; sleep 0.2; echo oops >&2; sleep 30`, corev1.RestartPolicyAlways)

	body := waitLogs(t, srv, "app", "", "oops")
	if body != "line 1\nline 2\nline 3\nline 4\nline 5\noops\n" {
		t.Fatalf("all: %q", body)
	}
	if _, b := getLogs(t, srv, "init", ""); b != "init done\n" {
		t.Fatalf("init container: %q", b)
	}
	if _, b := getLogs(t, srv, "app", "tailLines=2"); b != "line 5\noops\n" {
		t.Fatalf("tailLines=2: %q", b)
	}
	if _, b := getLogs(t, srv, "app", "tailLines=0"); b != "" {
		t.Fatalf("tailLines=0: %q", b)
	}
	if _, b := getLogs(t, srv, "app", "limitBytes=9"); b != "line 1\nli" {
		t.Fatalf("limitBytes=9: %q", b)
	}
	_, b := getLogs(t, srv, "app", "timestamps=true&tailLines=1")
	ts, text, _ := strings.Cut(b, " ")
	if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || text != "oops\n" {
		t.Fatalf("timestamps: %q", b)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if _, b := getLogs(t, srv, "app", "sinceTime="+future); b != "" {
		t.Fatalf("sinceTime in the future: %q", b)
	}
	if _, b := getLogs(t, srv, "app", "sinceSeconds=60"); !strings.HasPrefix(b, "line 1\n") {
		t.Fatalf("sinceSeconds=60: %q", b)
	}
	if code, b := getLogs(t, srv, "app", "previous=true"); code != http.StatusBadRequest || !strings.Contains(b, "previous terminated container") {
		t.Fatalf("previous without one: %d %q", code, b)
	}
	if code, _ := getLogs(t, srv, "nope", ""); code != http.StatusNotFound {
		t.Fatalf("unknown container: %d", code)
	}
	if code, _ := getLogs(t, srv, "app", "tailLines=x"); code != http.StatusBadRequest {
		t.Fatalf("bad tailLines: %d", code)
	}
}

func TestContainerLogsFollow(t *testing.T) {
	srv, _, _ := logServer(t, `sleep 0.3; echo first; sleep 0.3; echo second; sleep 0.3; echo third`, corev1.RestartPolicyNever)
	var resp *http.Response
	for range 100 { // until the init container is done and app started
		var err error
		resp, err = http.Get(srv.URL + "/containerLogs/ns/app-1/app?follow=true") //nolint:noctx
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusOK {
			break
		}
		resp.Body.Close() //nolint:errcheck
		time.Sleep(20 * time.Millisecond)
	}
	defer resp.Body.Close() //nolint:errcheck
	sc := bufio.NewScanner(resp.Body)
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sc.Scan() {
			got = append(got, sc.Text())
		}
	}()
	select {
	case <-done: // the stream ends with the container
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not end with the container")
	}
	if strings.Join(got, ",") != "first,second,third" {
		t.Fatalf("got %q", got)
	}
}

func TestContainerRestart(t *testing.T) {
	srv, k, pod := logServer(t, `echo "run at $(date +%s%N)"; exit 3`, corev1.RestartPolicyAlways)
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := k.runtime.client.CoreV1().Pods("ns").Get(context.Background(), pod.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st := p.Status.ContainerStatuses[0]
		if st.RestartCount >= 1 {
			term := st.LastTerminationState.Terminated
			if term == nil || term.ExitCode != 3 || term.Reason != "Error" {
				t.Fatalf("last state: %+v", st.LastTerminationState)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no restart reported")
		}
		time.Sleep(50 * time.Millisecond)
	}
	prev := waitLogs(t, srv, "app", "previous=true", "run at")
	cur := waitLogs(t, srv, "app", "", "run at")
	if prev == cur {
		t.Fatalf("previous and current are the same instance: %q", cur)
	}
}

func TestTailOffsetCompleteLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	content := "a\nbb\nccc\npart"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "part"}, {1, "ccc\npart"}, {2, "bb\nccc\npart"}, {5, content}} {
		off, err := tailOffset(f, tt.n)
		if err != nil || content[off:] != tt.want {
			t.Errorf("tailOffset(%d) = %d (%q), want %q", tt.n, off, content[off:], tt.want)
		}
	}
}
