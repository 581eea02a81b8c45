package kube

// Probes for `ctl doctor`: each is one bounded API call (or none) on the
// clients this package builds, so that the doctor checks an environment
// exactly the way the session verbs reach it.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/ctlops/ctl/internal/atomicfile"
)

// Context is the kubeconfig context the target uses.
func (t *Target) Context() string { return t.conn.Context }

// Server is the API server's URL.
func (t *Target) Server() string { return t.conn.Server }

// ServerInfo is what GET /version says, and when the server said it.
type ServerInfo struct {
	GitVersion   string
	Major, Minor string
	// Date is the response's Date header (zero when absent); Local is
	// this machine's clock halfway through the request.
	Date, Local time.Time
}

// ServerVersion asks the API server its version (GET /version, which
// every authenticated and most anonymous clients may read). An error is
// classified: UnreachableError, or a credentials error with a hint.
func (t *Target) ServerVersion(ctx context.Context) (*ServerInfo, error) {
	c := t.conn
	ctx, cancel := c.APIContext(ctx)
	defer cancel()
	hc, err := rest.HTTPClientFor(c.Config)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.Config.Host, "/")+"/version", nil)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return nil, c.Classify(err, "get", "/version", "")
	}
	defer resp.Body.Close()
	end := time.Now()
	info := &ServerInfo{Local: start.Add(end.Sub(start) / 2)}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		info.Date = d
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, c.Classify(apierrors.NewUnauthorized("401 from /version"), "get", "/version", "")
	}
	if resp.StatusCode != http.StatusOK {
		return info, fmt.Errorf("GET /version on %s: %s", c.Server, resp.Status)
	}
	var v struct {
		GitVersion string `json:"gitVersion"`
		Major      string `json:"major"`
		Minor      string `json:"minor"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return info, fmt.Errorf("GET /version on %s: %w", c.Server, err)
	}
	info.GitVersion, info.Major, info.Minor = v.GitVersion, v.Major, strings.TrimSuffix(v.Minor, "+")
	return info, nil
}

// NamespaceExists reports whether the target's namespace exists. Users
// who may not get namespaces get (true, ForbiddenError): the caller
// decides how much that matters.
func (t *Target) NamespaceExists(ctx context.Context) (bool, error) {
	c := t.conn
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	err := c.Core.Get().Resource("namespaces").Name(t.namespace).Do(actx).Into(&corev1.Namespace{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return apierrors.IsForbidden(err), c.Classify(err, "get", "namespaces", "")
	}
	return true, nil
}

// ChoosePod picks the pod a session would run in, as the session verbs
// do, and returns its name and the component it belongs to.
func (t *Target) ChoosePod(ctx context.Context) (pod, component string, err error) {
	comp, _ := t.component()
	p, err := t.choosePod(ctx)
	if err != nil {
		return "", comp, err
	}
	return p.Name, comp, nil
}

// Can asks the API server (SelfSubjectAccessReview) whether the
// credentials may verb resource[/subresource] in the target's namespace.
func (t *Target) Can(ctx context.Context, verb, resource, subresource string) (bool, error) {
	ok, err := t.conn.Can(ctx, verb, resource, subresource, t.namespace)
	if err != nil {
		return false, t.conn.Classify(err, "create", "selfsubjectaccessreviews", "")
	}
	return ok, nil
}

// Kubeconfig is the merged kubeconfig as kubectl sees it, and the files
// it came from.
type Kubeconfig struct {
	// Files are the files of $KUBECONFIG (or ~/.kube/config) that exist.
	Files []string
	// Precedence is every file named, existing or not, in order.
	Precedence []string
	Config     *clientcmdapi.Config
}

// LoadKubeconfig reads the kubeconfig with client-go's loading rules
// (KUBECONFIG, then ~/.kube/config), both read through getenv; no network.
func LoadKubeconfig(getenv func(string) string) (*Kubeconfig, error) {
	rules := loadingRules(getenv)
	cfg, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	k := &Kubeconfig{Config: cfg, Precedence: rules.GetLoadingPrecedence()}
	for _, f := range k.Precedence {
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			k.Files = append(k.Files, f)
		}
	}
	return k, nil
}

// ContextNames lists the contexts, sorted.
func (k *Kubeconfig) ContextNames() []string {
	names := make([]string, 0, len(k.Config.Contexts))
	for n := range k.Config.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ExecPlugin is one exec credential plugin the kubeconfig names.
type ExecPlugin struct {
	User, Command string
	Contexts      []string
}

// ExecPlugins lists the exec credential plugins of the users that the
// given contexts use (all contexts when none are given).
func (k *Kubeconfig) ExecPlugins(contexts ...string) []ExecPlugin {
	if len(contexts) == 0 {
		contexts = k.ContextNames()
	}
	byUser := map[string]*ExecPlugin{}
	var out []*ExecPlugin
	for _, cn := range contexts {
		if cn == "" {
			cn = k.Config.CurrentContext
		}
		kc, ok := k.Config.Contexts[cn]
		if !ok {
			continue
		}
		ai, ok := k.Config.AuthInfos[kc.AuthInfo]
		if !ok || ai.Exec == nil || ai.Exec.Command == "" {
			continue
		}
		p := byUser[kc.AuthInfo]
		if p == nil {
			p = &ExecPlugin{User: kc.AuthInfo, Command: ai.Exec.Command}
			byUser[kc.AuthInfo] = p
			out = append(out, p)
		}
		p.Contexts = append(p.Contexts, cn)
	}
	res := make([]ExecPlugin, len(out))
	for i, p := range out {
		res[i] = *p
	}
	return res
}

// AddContext writes a context named name (cluster, user, namespace) into
// file, atomically (a temp file in the same directory, then a rename),
// keeping the file's mode. With use, it also becomes the current context.
func AddContext(file, name, clusterName, user, namespace string, use bool) error {
	cfg, err := clientcmd.LoadFromFile(file)
	if err != nil {
		return err
	}
	if _, ok := cfg.Clusters[clusterName]; !ok {
		return fmt.Errorf("%s has no cluster %q", file, clusterName)
	}
	if _, ok := cfg.AuthInfos[user]; !ok {
		return fmt.Errorf("%s has no user %q", file, user)
	}
	if name != "" {
		c := clientcmdapi.NewContext()
		c.Cluster, c.AuthInfo, c.Namespace = clusterName, user, namespace
		cfg.Contexts[name] = c
	}
	if use {
		cfg.CurrentContext = name
	}
	return writeKubeconfig(file, cfg)
}

// UseContext makes name the current context of file, atomically.
func UseContext(file, name string) error {
	cfg, err := clientcmd.LoadFromFile(file)
	if err != nil {
		return err
	}
	if _, ok := cfg.Contexts[name]; !ok {
		return fmt.Errorf("%s has no context %q", file, name)
	}
	cfg.CurrentContext = name
	return writeKubeconfig(file, cfg)
}

func writeKubeconfig(file string, cfg *clientcmdapi.Config) error {
	b, err := clientcmd.Write(*cfg)
	if err != nil {
		return err
	}
	return atomicfile.Write(file, b, 0o600)
}
