// Package kube is the Kubernetes target: it finds the environment's pod
// and runs sessions in it (exec with a TTY, resize, real exit codes), and
// reaches its database through a port-forward.
//
// # One connection per kubeconfig context
//
// Everything ctl says to a Kubernetes API server goes through a
// [Connection]: the session verbs' target, `ctl doctor`'s probes, `ctl
// status`'s watches, discovery. A Connection is built in one place,
// [Connect] (memoized per context by [Connections], which the command
// Factory owns), from the kubeconfig as read with the Factory's getenv: no
// os.Getenv here. It holds one REST client per API group ctl uses, all
// over one small local scheme (core/v1, apps/v1, batch/v1,
// authorization/v1, events.k8s.io/v1, coordination.k8s.io/v1) and speaking protobuf (JSON as the
// fallback the server may answer with): not the all-groups clientset, whose
// registration of every API group would cost ctl's start-up ~10 ms and
// ~40 MB of binary.
//
// What a verb uses:
//
//   - reads and writes: c.Core.Get().Namespace(ns).Resource("secrets").Name(n).Do(ctx).Into(&s),
//     .Put().Body(&s) to update (config: secrets/configmaps get/update);
//     c.Batch.Post().Resource("jobs").Body(job), .Delete() (run: Jobs); bound each call
//     with ctx, cancel := c.APIContext(ctx);
//   - list options and subresource options: VersionedParams(&opts, kube.ParameterCodec());
//   - watches and caches: [Connection.ListWatch] gives a cache.ListWatch on
//     any of the clients, for cache.NewSharedIndexInformer (status) or
//     watchtools.UntilWithSync (logs: pod watches; run: a Job's completion);
//   - pods/log: [Connection.PodLogs] returns the stream (follow, since, tail);
//   - exec and attach: [Connection.ExecURL] / [Connection.AttachURL] and
//     c.Executor.Execute (the [RemoteExecutor] seam: WebSocket with SPDY
//     fallback in production, a fake in tests);
//   - port-forward: c.Forwarder (the [PortForwarder] seam);
//   - errors: [Connection.Classify] turns client-go's errors into
//     [UnreachableError], [ForbiddenError] (naming the missing verb) or a
//     credentials error with a hint; [Connection.Can] asks RBAC.
//
// Tests build a Connection over an httptest server with [ForServer] and
// swap Executor/Forwarder.
package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authzv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
)

// apiTypes is the scheme of the API groups ctl uses, and nothing else, with
// its codecs. Built on first use, not in init: `ctl --version`, `ctl audit`
// and every other command that never talks to a cluster do not pay for it.
type apiTypes struct {
	scheme *runtime.Scheme
	codecs serializer.CodecFactory
	params runtime.ParameterCodec
}

var loadAPITypes = sync.OnceValue(func() *apiTypes {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, authzv1.AddToScheme, eventsv1.AddToScheme,
		coordinationv1.AddToScheme,
	} {
		_ = add(s) // static types: fails only on a programming error, which every test would show
	}
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	return &apiTypes{scheme: s, codecs: serializer.NewCodecFactory(s), params: runtime.NewParameterCodec(s)}
})

// Scheme holds the types of the API groups ctl uses, and nothing else.
func Scheme() *runtime.Scheme { return loadAPITypes().scheme }

// ParameterCodec encodes list, log, exec and attach options into query
// parameters (VersionedParams).
func ParameterCodec() runtime.ParameterCodec { return loadAPITypes().params }

func codecs() serializer.CodecFactory { return loadAPITypes().codecs }

// DefaultTimeout bounds one API call unless the caller says otherwise.
const DefaultTimeout = 5 * time.Second

// Connection is what one kubeconfig context gives: where, as whom, and a
// REST client per API group. It is safe for concurrent use; share it.
type Connection struct {
	// Context is the kubeconfig context's name (the current one resolved).
	Context string
	// Server is the API server URL as the kubeconfig names it.
	Server string
	// Namespace is the context's namespace ("" when unset).
	Namespace string
	// Config is the REST configuration (credentials included: never print it).
	Config *rest.Config
	// Timeout bounds each API call made through APIContext (not sessions,
	// streams or watches).
	Timeout time.Duration

	// REST clients, one per group/version, over Scheme().
	Core          rest.Interface // core/v1 (pods, secrets, configmaps, services, namespaces, events)
	Apps          rest.Interface // apps/v1
	Batch         rest.Interface // batch/v1
	Authorization rest.Interface // authorization.k8s.io/v1
	Events        rest.Interface // events.k8s.io/v1
	Coordination  rest.Interface // coordination.k8s.io/v1 (leases: ctl migrate's lock)

	// Executor runs exec and attach streams; Forwarder opens
	// port-forwards. Tests replace them.
	Executor  RemoteExecutor
	Forwarder PortForwarder
}

// ConnectOptions say which context to connect to and how.
type ConnectOptions struct {
	// Context is the kubeconfig context ("" = the current one).
	Context string
	// Getenv reads KUBECONFIG and HOME (required).
	Getenv func(string) string
	// Timeout bounds each API call (DefaultTimeout when zero).
	Timeout time.Duration
}

// Connect reads the kubeconfig for the context and builds its clients; no
// network (an exec credential plugin runs on the first request).
func Connect(ctx context.Context, o ConnectOptions) (*Connection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	rules := loadingRules(o.Getenv)
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: o.Context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	name := o.Context
	if name == "" {
		name = raw.CurrentContext
	}
	kctx, ok := raw.Contexts[name]
	if !ok {
		known := make([]string, 0, len(raw.Contexts))
		for k := range raw.Contexts {
			known = append(known, k)
		}
		sort.Strings(known)
		if name == "" {
			return nil, exitcode.WithHint(errors.New("no current kubeconfig context"), "set context: in ctl.yaml, or run `kubectl config use-context NAME`")
		}
		msg := fmt.Sprintf("kubeconfig has no context %q", name)
		if s := textutil.Suggest(name, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return nil, exitcode.WithHint(errors.New(msg), "known contexts: "+strings.Join(known, ", "))
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig context %q: %w", name, err)
	}
	c, err := newConnection(cfg, o.Timeout)
	if err != nil {
		return nil, err
	}
	c.Context, c.Namespace = name, kctx.Namespace
	if cl, ok := raw.Clusters[kctx.Cluster]; ok {
		c.Server = cl.Server
	}
	return c, nil
}

// ForServer is a Connection to cfg (e.g. an httptest server's URL), named
// context; for tests and tools that have no kubeconfig.
func ForServer(context string, cfg *rest.Config, timeout time.Duration) (*Connection, error) {
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	c, err := newConnection(cfg, timeout)
	if err != nil {
		return nil, err
	}
	c.Context = context
	return c, nil
}

func newConnection(base *rest.Config, timeout time.Duration) (*Connection, error) {
	// Every client is made here, so klog is silenced before any client-go
	// goroutine can log: setting the logger later races with them.
	QuietLogs()
	cfg := rest.CopyConfig(base)
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ctl"
	}
	// Watches list once, then stream: the QPS matters only for the
	// initial lists of many per-namespace watches.
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	c := &Connection{Server: cfg.Host, Config: cfg, Timeout: timeout, Executor: DefaultExecutor{}, Forwarder: DefaultForwarder{}}
	var err error
	for _, g := range []struct {
		into    *rest.Interface
		apiPath string
		gv      schema.GroupVersion
	}{
		{&c.Core, "/api", corev1.SchemeGroupVersion},
		{&c.Apps, "/apis", appsv1.SchemeGroupVersion},
		{&c.Batch, "/apis", batchv1.SchemeGroupVersion},
		{&c.Authorization, "/apis", authzv1.SchemeGroupVersion},
		{&c.Events, "/apis", eventsv1.SchemeGroupVersion},
		{&c.Coordination, "/apis", coordinationv1.SchemeGroupVersion},
	} {
		if *g.into, err = restClient(cfg, g.apiPath, g.gv); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func restClient(base *rest.Config, apiPath string, gv schema.GroupVersion) (rest.Interface, error) {
	cfg := rest.CopyConfig(base)
	cfg.APIPath = apiPath
	cfg.GroupVersion = &gv
	cfg.NegotiatedSerializer = codecs().WithoutConversion()
	// Protobuf decodes lists several times faster than JSON; every
	// built-in group serves it, and JSON stays acceptable.
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	return rest.RESTClientFor(cfg)
}

// Connections keeps one Connection per kubeconfig context for the life of
// the process: many environments in one context share one kubeconfig parse
// and one set of clients. The command Factory owns one.
type Connections struct {
	getenv  func(string) string
	timeout time.Duration

	mu        sync.Mutex
	byContext map[string]*connEntry
}

type connEntry struct {
	once sync.Once
	c    *Connection
	err  error
}

// NewConnections reads the kubeconfig through getenv (KUBECONFIG, HOME).
func NewConnections(getenv func(string) string) *Connections {
	return &Connections{getenv: getenv, timeout: DefaultTimeout, byContext: map[string]*connEntry{}}
}

// Get returns the Connection of kubeContext ("" = current), built once.
func (cs *Connections) Get(ctx context.Context, kubeContext string) (*Connection, error) {
	cs.mu.Lock()
	e := cs.byContext[kubeContext]
	if e == nil {
		e = &connEntry{}
		cs.byContext[kubeContext] = e
	}
	cs.mu.Unlock()
	e.once.Do(func() {
		e.c, e.err = Connect(ctx, ConnectOptions{Context: kubeContext, Getenv: cs.getenv, Timeout: cs.timeout})
	})
	return e.c, e.err
}

// WithTimeout is c with another per-call timeout, sharing its clients.
func (c *Connection) WithTimeout(d time.Duration) *Connection {
	if d == 0 || d == c.Timeout {
		return c
	}
	cp := *c
	cp.Timeout = d
	return &cp
}

// APIContext bounds one API call by the connection's timeout.
func (c *Connection) APIContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.Timeout)
}

// ListWatch lists and watches resource (e.g. "pods") of client in
// namespace ("" = all), with tweak applied to every list and watch (label
// and field selectors), for cache.NewSharedIndexInformer or
// watchtools.UntilWithSync.
func (c *Connection) ListWatch(client rest.Interface, resource, namespace string, tweak func(*metav1.ListOptions)) *cache.ListWatch {
	if tweak == nil {
		tweak = func(*metav1.ListOptions) {}
	}
	return cache.NewFilteredListWatchFromClient(client, resource, namespace, tweak)
}

// PodLogs streams a container's log (opts: Container, Follow, TailLines,
// SinceTime, Timestamps...). Close the stream when done; ctx ends it too.
func (c *Connection) PodLogs(ctx context.Context, namespace, pod string, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	rc, err := c.Core.Get().Namespace(namespace).Resource("pods").Name(pod).SubResource("log").
		VersionedParams(opts, ParameterCodec()).Stream(ctx)
	if err != nil {
		return nil, c.Classify(err, "get", "pods/log", namespace)
	}
	return rc, nil
}

// ExecURL is the pods/exec URL of a command in a container.
func (c *Connection) ExecURL(namespace, pod string, opts *corev1.PodExecOptions) *url.URL {
	return c.Core.Post().Namespace(namespace).Resource("pods").Name(pod).SubResource("exec").
		VersionedParams(opts, ParameterCodec()).URL()
}

// AttachURL is the pods/attach URL of a running container.
func (c *Connection) AttachURL(namespace, pod string, opts *corev1.PodAttachOptions) *url.URL {
	return c.Core.Post().Namespace(namespace).Resource("pods").Name(pod).SubResource("attach").
		VersionedParams(opts, ParameterCodec()).URL()
}

// PortForwardURL is the pods/portforward URL of a pod.
func (c *Connection) PortForwardURL(namespace, pod string) *url.URL {
	return c.Core.Post().Namespace(namespace).Resource("pods").Name(pod).SubResource("portforward").URL()
}

// UnreachableError: the API server did not answer.
type UnreachableError struct {
	Context, Server string
	Err             error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the Kubernetes API of context %q at %s: %s", e.Context, e.Server, reason(e.Err))
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// Hint says how to check the connection by hand.
func (e *UnreachableError) Hint() string {
	return "is the cluster up and are you on its network (VPN)? `kubectl --context " + e.Context + " get ns` should answer"
}

func reason(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && errors.Is(uerr.Err, context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return "no answer within the timeout"
	}
	return err.Error()
}

// ForbiddenError: RBAC refused; Verb and Resource name what is missing.
type ForbiddenError struct {
	Verb, Resource, Namespace, Context string
	Err                                error
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("permission denied: your credentials in context %q may not %s %s in namespace %q", e.Context, e.Verb, e.Resource, e.Namespace)
}
func (e *ForbiddenError) Unwrap() error { return e.Err }

// ExecRefused says the refusal is of exec into a pod (pods/exec), which a
// one-off Job can stand in for.
func (e *ForbiddenError) ExecRefused() bool { return e.Resource == "pods/exec" }

// Hint names the Role to ask for.
func (e *ForbiddenError) Hint() string {
	return fmt.Sprintf("ask for a Role granting %q on %q in %s (check with: kubectl auth can-i %s %s -n %s)", e.Verb, e.Resource, e.Namespace, e.Verb, e.Resource, e.Namespace)
}

// Classify turns a client-go error into one that says what and where:
// ForbiddenError, UnreachableError, a credentials error with a hint, or
// err unchanged.
func (c *Connection) Classify(err error, verb, resource, ns string) error {
	if err == nil {
		return nil
	}
	switch {
	case apierrors.IsForbidden(err):
		return &ForbiddenError{Verb: verb, Resource: resource, Namespace: ns, Context: c.Context, Err: err}
	case apierrors.IsUnauthorized(err):
		return exitcode.WithHint(fmt.Errorf("the API server of context %q rejected your credentials: %w", c.Context, err), "log in again (your token or certificate may have expired)")
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection refused") {
		return &UnreachableError{Context: c.Context, Server: c.Server, Err: err}
	}
	return err
}

// Can asks the API (SelfSubjectAccessReview) whether verb on
// resource[/subresource] in ns is allowed.
func (c *Connection) Can(ctx context.Context, verb, resource, subresource, ns string) (bool, error) {
	ctx, cancel := c.APIContext(ctx)
	defer cancel()
	review := &authzv1.SelfSubjectAccessReview{Spec: authzv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authzv1.ResourceAttributes{Namespace: ns, Verb: verb, Resource: resource, Subresource: subresource},
	}}
	out := &authzv1.SelfSubjectAccessReview{}
	err := c.Authorization.Post().Resource("selfsubjectaccessreviews").Body(review).Do(ctx).Into(out)
	if err != nil {
		return false, err
	}
	return out.Status.Allowed, nil
}

// loadingRules are client-go's (KUBECONFIG, else ~/.kube/config) read
// through getenv instead of the process environment.
func loadingRules(getenv func(string) string) *clientcmd.ClientConfigLoadingRules {
	rules := &clientcmd.ClientConfigLoadingRules{}
	if kc := getenv(clientcmd.RecommendedConfigPathEnvVar); kc != "" {
		rules.Precedence = filepath.SplitList(kc)
	} else if home := getenv("HOME"); home != "" {
		rules.Precedence = []string{filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName)}
	}
	return rules
}

// EnvNamespace is the namespace an environment's configuration names:
// {env} replaced, else the context's namespace, else "default".
func EnvNamespace(configured, envName, contextNamespace string) string {
	ns := strings.ReplaceAll(configured, "{env}", envName)
	if ns == "" {
		ns = contextNamespace
	}
	if ns == "" {
		ns = "default"
	}
	return ns
}
