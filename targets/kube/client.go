// Package kube is the Kubernetes target: it finds the environment's pod
// through client-go and runs sessions in it (exec with a TTY, resize, real
// exit codes), and reaches its database through a port-forward.
//
// It talks to the API with REST clients over a small local scheme (core/v1
// and authorization/v1) instead of the all-groups clientset: that keeps
// client-go's registration of every API group out of ctl's start-up.
package kube

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
)

var (
	schemeOnce sync.Once
	scheme     *runtime.Scheme
	codecs     serializer.CodecFactory
	paramCodec runtime.ParameterCodec
)

func initScheme() {
	schemeOnce.Do(func() {
		scheme = runtime.NewScheme()
		_ = corev1.AddToScheme(scheme)
		_ = authzv1.AddToScheme(scheme)
		metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
		codecs = serializer.NewCodecFactory(scheme)
		paramCodec = runtime.NewParameterCodec(scheme)
	})
}

// cluster is what one kubeconfig context gives: where, as whom, clients.
type cluster struct {
	context   string
	server    string
	namespace string // the context's namespace ("" when unset)
	config    *rest.Config
	core      rest.Interface
	authz     rest.Interface
	timeout   time.Duration
}

// loadCluster reads the kubeconfig (KUBECONFIG or ~/.kube/config) for the
// context; no network.
func loadCluster(contextName string, timeout time.Duration) (*cluster, error) {
	initScheme()
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: contextName})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	name := contextName
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
	c := &cluster{context: name, namespace: kctx.Namespace, config: cfg, server: cfg.Host, timeout: timeout}
	if cl, ok := raw.Clusters[kctx.Cluster]; ok {
		c.server = cl.Server
	}
	if c.core, err = restClient(cfg, "/api", corev1.SchemeGroupVersion); err != nil {
		return nil, err
	}
	if c.authz, err = restClient(cfg, "/apis", authzv1.SchemeGroupVersion); err != nil {
		return nil, err
	}
	return c, nil
}

func restClient(base *rest.Config, apiPath string, gv schema.GroupVersion) (rest.Interface, error) {
	cfg := rest.CopyConfig(base)
	cfg.APIPath = apiPath
	cfg.GroupVersion = &gv
	cfg.NegotiatedSerializer = codecs.WithoutConversion()
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ctl"
	}
	return rest.RESTClientFor(cfg)
}

// apiCtx bounds one API call by the target's timeout.
func (c *cluster) apiCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
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
func (e *ForbiddenError) Hint() string {
	return fmt.Sprintf("ask for a Role granting %q on %q in %s (check with: kubectl auth can-i %s %s -n %s)", e.Verb, e.Resource, e.Namespace, e.Verb, e.Resource, e.Namespace)
}

// classify turns a client-go error into one that says what and where.
func (c *cluster) classify(err error, verb, resource, ns string) error {
	if err == nil {
		return nil
	}
	switch {
	case apierrors.IsForbidden(err):
		return &ForbiddenError{Verb: verb, Resource: resource, Namespace: ns, Context: c.context, Err: err}
	case apierrors.IsUnauthorized(err):
		return exitcode.WithHint(fmt.Errorf("the API server of context %q rejected your credentials: %w", c.context, err), "log in again (your token or certificate may have expired)")
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection refused") {
		return &UnreachableError{Context: c.context, Server: c.server, Err: err}
	}
	return err
}

// can asks the API (SelfSubjectAccessReview) whether verb on resource is allowed.
func (c *cluster) can(ctx context.Context, verb, resource, subresource, ns string) (bool, error) {
	ctx, cancel := c.apiCtx(ctx)
	defer cancel()
	review := &authzv1.SelfSubjectAccessReview{Spec: authzv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authzv1.ResourceAttributes{Namespace: ns, Verb: verb, Resource: resource, Subresource: subresource},
	}}
	out := &authzv1.SelfSubjectAccessReview{}
	err := c.authz.Post().Resource("selfsubjectaccessreviews").Body(review).Do(ctx).Into(out)
	if err != nil {
		return false, err
	}
	return out.Status.Allowed, nil
}

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }
