package kube

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// fakeAPI is a Kubernetes API server on httptest for the core/v1 objects
// the target reads (pods, namespaces, secrets, configmaps, services, events)
// and SelfSubjectAccessReviews. Any path not served fails the test.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	objects map[string]runtime.Object // "pods/ns/name", "namespaces//name"
	// status, when set for a resource ("pods", "secrets"), answers every
	// request for it with that API error code.
	status map[string]int
	// allowed answers SelfSubjectAccessReviews.
	allowed bool
	// requests lists "METHOD path?query" in order.
	requests []string
	posted   []runtime.Object
	puts     int // successful Updates
	// logMisses: the next pods/log requests answered 404, as a kubelet
	// that does not know the pod yet does.
	logMisses int
}

func newFakeAPI(t *testing.T, objs ...runtime.Object) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, objects: map[string]runtime.Object{}, status: map[string]int{}, allowed: true}
	for _, o := range objs {
		f.add(o)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) add(o runtime.Object) {
	m := o.(metav1.Object)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[resourceOf(o)+"/"+m.GetNamespace()+"/"+m.GetName()] = o
}

func resourceOf(o runtime.Object) string {
	switch o.(type) {
	case *corev1.Pod:
		return "pods"
	case *corev1.Namespace:
		return "namespaces"
	case *corev1.Secret:
		return "secrets"
	case *corev1.ConfigMap:
		return "configmaps"
	case *corev1.Service:
		return "services"
	}
	panic("fakeAPI: unknown kind")
}

// conn is a Connection to the fake server with a fake executor and
// forwarder.
func (f *fakeAPI) conn() *Connection {
	c, err := ForServer("fake", &rest.Config{Host: f.srv.URL}, 2*time.Second)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	if r.URL.Path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" && r.Method == http.MethodPost {
		var rev authzv1.SelfSubjectAccessReview
		_ = json.NewDecoder(r.Body).Decode(&rev)
		rev.Status.Allowed = f.allowed
		f.write(w, http.StatusCreated, &rev)
		return
	}
	// /api/v1/namespaces/NS/RESOURCE[/NAME] or /api/v1/namespaces[/NAME]
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	var res, ns, name string
	switch {
	case len(parts) >= 3 && parts[0] == "namespaces":
		ns, res = parts[1], parts[2]
		if len(parts) > 3 {
			name = parts[3]
		}
	case parts[0] == "namespaces":
		res = "namespaces"
		if len(parts) > 1 {
			name = parts[1]
		}
	default:
		f.t.Errorf("fakeAPI: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if len(parts) == 5 && parts[2] == "pods" && parts[4] == "log" {
		if f.logMisses > 0 {
			f.logMisses--
			f.writeStatus(w, http.StatusNotFound, "pods", parts[3])
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "log of "+parts[3]+" tail="+r.URL.Query().Get("tailLines")+"\n")
		return
	}
	if code, ok := f.status[res]; ok {
		f.writeStatus(w, code, res, name)
		return
	}
	if r.Method == http.MethodPut && name != "" {
		f.put(w, r, res, ns, name)
		return
	}
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		// The connection sends protobuf (JSON from older clients).
		obj, _, err := codecs().UniversalDeserializer().Decode(body, nil, nil)
		if ev, ok := obj.(*corev1.Event); ok && err == nil && res == "events" {
			f.posted = append(f.posted, ev)
			f.write(w, http.StatusCreated, ev)
			return
		}
		f.t.Errorf("fakeAPI: unexpected POST %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if name != "" {
		o, ok := f.objects[res+"/"+ns+"/"+name]
		if !ok {
			f.writeStatus(w, http.StatusNotFound, res, name)
			return
		}
		f.write(w, http.StatusOK, o)
		return
	}
	if res != "pods" {
		f.t.Errorf("fakeAPI: list of %s not served", res)
		http.NotFound(w, r)
		return
	}
	sel, err := labels.Parse(r.URL.Query().Get("labelSelector"))
	if err != nil {
		f.writeStatus(w, http.StatusBadRequest, res, "")
		return
	}
	list := &corev1.PodList{}
	for k, o := range f.objects {
		p, ok := o.(*corev1.Pod)
		if ok && strings.HasPrefix(k, "pods/"+ns+"/") && sel.Matches(labels.Set(p.Labels)) {
			list.Items = append(list.Items, *p)
		}
	}
	f.write(w, http.StatusOK, list)
}

// put is an Update with the API server's optimistic concurrency: the
// body's resourceVersion must be the stored one (409 Conflict otherwise);
// the stored object gets the next version.
func (f *fakeAPI) put(w http.ResponseWriter, r *http.Request, res, ns, name string) {
	body, _ := io.ReadAll(r.Body)
	obj, _, err := codecs().UniversalDeserializer().Decode(body, nil, nil)
	if err != nil {
		f.t.Errorf("fakeAPI: PUT %s: %v", r.URL.Path, err)
		f.writeStatus(w, http.StatusBadRequest, res, name)
		return
	}
	key := res + "/" + ns + "/" + name
	cur, ok := f.objects[key]
	if !ok {
		f.writeStatus(w, http.StatusNotFound, res, name)
		return
	}
	m, cm := obj.(metav1.Object), cur.(metav1.Object)
	if m.GetResourceVersion() != cm.GetResourceVersion() {
		st := apierrors.NewConflict(schema.GroupResource{Resource: res}, name, errors.New("the object has been modified")).Status()
		st.Kind, st.APIVersion = "Status", "v1"
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(&st)
		return
	}
	f.puts++
	n, _ := strconv.Atoi(cm.GetResourceVersion())
	m.SetResourceVersion(strconv.Itoa(n + 1))
	f.objects[key] = obj
	f.write(w, http.StatusOK, obj)
}

func (f *fakeAPI) write(w http.ResponseWriter, code int, o runtime.Object) {
	if gvks, _, err := Scheme().ObjectKinds(o); err == nil {
		o = o.DeepCopyObject()
		o.GetObjectKind().SetGroupVersionKind(gvks[0])
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(o)
}

func (f *fakeAPI) writeStatus(w http.ResponseWriter, code int, res, name string) {
	gr := schema.GroupResource{Resource: res}
	var st *apierrors.StatusError
	switch code {
	case http.StatusNotFound:
		st = apierrors.NewNotFound(gr, name)
	case http.StatusForbidden:
		st = apierrors.NewForbidden(gr, name, nil)
	case http.StatusUnauthorized:
		st = apierrors.NewUnauthorized("token expired")
	default:
		st = apierrors.NewGenericServerResponse(code, "get", gr, name, "", 0, false)
	}
	s := st.Status()
	s.Kind, s.APIVersion = "Status", "v1"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(&s)
}

// fakeExecutor records what a session asked for and answers with err.
type fakeExecutor struct {
	mu    sync.Mutex
	urls  []*url.URL
	opts  []remotecommand.StreamOptions
	err   error
	write string // written to stdout
}

func (e *fakeExecutor) Execute(_ context.Context, _ *rest.Config, u *url.URL, opts remotecommand.StreamOptions) error {
	e.mu.Lock()
	e.urls = append(e.urls, u)
	e.opts = append(e.opts, opts)
	e.mu.Unlock()
	if e.write != "" && opts.Stdout != nil {
		_, _ = io.WriteString(opts.Stdout, e.write)
	}
	return e.err
}

// fakeForwarder "forwards" by becoming ready at once, until stopped.
type fakeForwarder struct {
	mu    sync.Mutex
	urls  []*url.URL
	ports [][]string
	err   error
}

func (f *fakeForwarder) Forward(_ *rest.Config, u *url.URL, _, ports []string, stop <-chan struct{}, ready chan struct{}) error {
	f.mu.Lock()
	f.urls = append(f.urls, u)
	f.ports = append(f.ports, ports)
	f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	close(ready)
	<-stop
	return nil
}
