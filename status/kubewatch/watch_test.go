package kubewatch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/ctlops/ctl/status"
	"github.com/ctlops/ctl/targets/kube"
)

// fakeWatchAPI serves lists and watches (including the streamed initial
// state of WatchList) of the five kinds the watcher uses, from an
// in-memory set of Deployments and pods; Update pushes a MODIFIED event to
// every open watch of that kind.
type fakeWatchAPI struct {
	t  *testing.T
	mu sync.Mutex
	rv int
	// objects by kind path ("pods", "deployments"...), as JSON-ready values
	objects map[string][]any
	watches map[string][]chan []byte
	paths   []string
}

func (f *fakeWatchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/readyz" {
		return
	}
	// /api/v1/namespaces/NS/pods, /apis/apps/v1/namespaces/NS/deployments, ...
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	kind := parts[len(parts)-1]
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.Path+"?"+r.URL.RawQuery)
	items := append([]any(nil), f.objects[kind]...)
	rv := fmt.Sprint(f.rv)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("watch") != "true" && r.URL.Query().Get("watch") != "1" {
		if items == nil {
			items = []any{}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "List", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": rv}, "items": items})
		return
	}
	ch := make(chan []byte, 16)
	f.mu.Lock()
	f.watches[kind] = append(f.watches[kind], ch)
	f.mu.Unlock()
	fl := w.(http.Flusher)
	enc := json.NewEncoder(w)
	if r.URL.Query().Get("sendInitialEvents") == "true" {
		for _, o := range items {
			_ = enc.Encode(map[string]any{"type": "ADDED", "object": o})
		}
		_ = enc.Encode(map[string]any{"type": "BOOKMARK", "object": map[string]any{
			"kind": kindOf(kind), "apiVersion": apiVersionOf(kind),
			"metadata": map[string]any{"resourceVersion": rv, "annotations": map[string]string{"k8s.io/initial-events-end": "true"}}}})
	}
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case b := <-ch:
			_, _ = w.Write(b)
			fl.Flush()
		}
	}
}

func kindOf(res string) string {
	return map[string]string{"pods": "Pod", "deployments": "Deployment", "statefulsets": "StatefulSet", "jobs": "Job", "events": "Event"}[res]
}

func apiVersionOf(res string) string {
	return map[string]string{"pods": "v1", "events": "v1", "deployments": "apps/v1", "statefulsets": "apps/v1", "jobs": "batch/v1"}[res]
}

func (f *fakeWatchAPI) put(res string, o any, meta *metav1.ObjectMeta) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rv++
	meta.ResourceVersion = fmt.Sprint(f.rv)
	f.objects[res] = append(f.objects[res], o)
	b, _ := json.Marshal(map[string]any{"type": "MODIFIED", "object": o})
	for _, ch := range f.watches[res] {
		ch <- append(b, '\n')
	}
}

type sink struct {
	mu     sync.Mutex
	rows   map[string]status.Env
	synced bool
	puts   chan struct{}
}

func (s *sink) Put(envs ...status.Env) {
	s.mu.Lock()
	for _, e := range envs {
		s.rows[e.Name] = e
	}
	s.mu.Unlock()
	select {
	case s.puts <- struct{}{}:
	default:
	}
}
func (s *sink) SetConn(status.Conn) {}
func (s *sink) Synced(string) {
	s.mu.Lock()
	s.synced = true
	s.mu.Unlock()
}

func (s *sink) row(name string) (status.Env, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows[name], s.synced
}

func webDeployment(ready int32) *appsv1.Deployment {
	d := deployment("web", "web", "1.4.2", 2, ready)
	d.Namespace = "shop-qa"
	d.Kind, d.APIVersion = "Deployment", "apps/v1"
	return d
}

// The watcher lists and watches through the Connection's REST clients
// (the initial state streamed, as WatchList does) and follows a change.
// (How fast is make bench-status's business, not a test's.)
func TestWatcherFollowsChanges(t *testing.T) {
	api := &fakeWatchAPI{t: t, rv: 1, objects: map[string][]any{}, watches: map[string][]chan []byte{}}
	d := webDeployment(2)
	api.put("deployments", d, &d.ObjectMeta)
	p := pod("web-1", "web", 0, "", time.Time{})
	p.Namespace, p.Kind, p.APIVersion = "shop-qa", "Pod", "v1"
	api.put("pods", p, &p.ObjectMeta)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	conn, err := kube.ForServer("fake", &rest.Config{Host: srv.URL}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(Options{Conn: conn, App: "shop", Envs: []EnvSpec{{Name: "qa", Namespace: "shop-qa"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{rows: map[string]status.Env{}, puts: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, s) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	waitFor := func(what string, ok func(status.Env, bool) bool) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			if ok(s.row("qa")) {
				return
			}
			select {
			case <-s.puts:
			case <-time.After(20 * time.Millisecond):
			case <-deadline:
				e, synced := s.row("qa")
				t.Fatalf("%s: not within 5s (synced %v): %+v", what, synced, e)
			}
		}
	}
	waitFor("first picture", func(e status.Env, synced bool) bool {
		return synced && len(e.Components) == 1 && e.Components[0].Ready == 2 && e.Version == "1.4.2" && len(e.Pods) == 1
	})

	d2 := webDeployment(1)
	d2.UID = d.UID
	api.put("deployments", d2, &d2.ObjectMeta)
	waitFor("the change", func(e status.Env, _ bool) bool { return len(e.Components) == 1 && e.Components[0].Ready == 1 })

	api.mu.Lock()
	defer api.mu.Unlock()
	for _, p := range api.paths {
		if !strings.Contains(p, "/namespaces/shop-qa/") {
			t.Errorf("a per-namespace watcher asked for %s", p)
		}
	}
}
