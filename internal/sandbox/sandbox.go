// Package sandbox gives tests the local Kubernetes control plane that
// scripts/sandbox/up.sh starts (real etcd, kube-apiserver, controllers and
// scheduler on 127.0.0.1, a KWOK node, and a fake kubelet that runs exec
// and port-forward on this host; see docs/sandbox.md).
//
//	sb := sandbox.Require(t)          // skips, or fails under CI=true, if it is not up
//	ns := sb.Namespace(t, nil)        // ctltest-xxxxx, deleted at the end
//	sb.SetExecRule(t, sandbox.ExecRule{Namespace: ns, PodPrefix: "web-", WorkDir: dir})
//	pods := sb.WaitPodsReady(t, ns, "app=web", 2)
//
// The sandbox is found through the environment: CTL_SANDBOX_ENV names the
// env file up.sh writes (STATE/env); otherwise KUBECONFIG together with
// FAKE_KUBELET_RULES or CTL_SANDBOX_STATE (what sourcing that file sets). A
// KUBECONFIG alone is never used, and the API server must be on a loopback
// address, so these tests cannot touch a real cluster.
//
// Tests share one cluster: each works in its own namespace (Namespace) and
// adds fakekubelet rules for that namespace only (t.Parallel is fine).
package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/ctlops/ctl/internal/sandbox/rules"
	"github.com/ctlops/ctl/internal/testenv"
)

// ExecRule and PortForwardRule are fakekubelet rules (package rules).
type (
	ExecRule        = rules.Exec
	PortForwardRule = rules.PortForward
	ContainerRule   = rules.Container
)

// Sandbox is a running sandbox.
type Sandbox struct {
	StateDir   string // "" when only KUBECONFIG and FAKE_KUBELET_RULES were given
	Kubeconfig string // the admin kubeconfig (client certificate, group system:masters)
	RulesFile  string // fakekubelet's rules; "" when kwok serves exec (CTL_SANDBOX_KUBELET=kwok)
	Config     *rest.Config
	Client     kubernetes.Interface
}

// How long the helpers wait.
const (
	readyTimeout = 180 * time.Second // generous: CI machines run many tests at once
	pollInterval = 100 * time.Millisecond
)

var (
	loadOnce sync.Once
	loaded   *Sandbox
	errLoad  error
)

// Require returns the running sandbox. When there is none it skips the
// test, or fails it under CI (CI=true), where the sandbox must be up.
func Require(t testing.TB) *Sandbox {
	t.Helper()
	loadOnce.Do(func() { loaded, errLoad = Load(os.LookupEnv) })
	if errLoad != nil {
		how := "scripts/sandbox/up.sh DIR && . DIR/env (or make sandbox-up)"
		if testenv.InCI() {
			t.Fatalf("CI must start the Kubernetes sandbox (%s): %v", how, errLoad)
		}
		t.Skipf("no Kubernetes sandbox (%s): %v", how, errLoad)
	}
	return loaded
}

// Load finds the sandbox through the environment (see the package doc) and
// checks that its API server answers.
func Load(lookup func(string) (string, bool)) (*Sandbox, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	vars := map[string]string{
		"KUBECONFIG":         get("KUBECONFIG"),
		"FAKE_KUBELET_RULES": get("FAKE_KUBELET_RULES"),
		"CTL_SANDBOX_STATE":  get("CTL_SANDBOX_STATE"),
	}
	if envFile := get("CTL_SANDBOX_ENV"); envFile != "" {
		m, err := readEnvFile(envFile)
		if err != nil {
			return nil, fmt.Errorf("CTL_SANDBOX_ENV: %w", err)
		}
		vars = m
	} else if vars["FAKE_KUBELET_RULES"] == "" && vars["CTL_SANDBOX_STATE"] == "" {
		return nil, errors.New("CTL_SANDBOX_ENV is not set (nor KUBECONFIG with FAKE_KUBELET_RULES or CTL_SANDBOX_STATE)")
	}
	sb := &Sandbox{StateDir: vars["CTL_SANDBOX_STATE"], Kubeconfig: vars["KUBECONFIG"], RulesFile: vars["FAKE_KUBELET_RULES"]}
	if sb.Kubeconfig == "" {
		return nil, errors.New("KUBECONFIG is not set")
	}
	if strings.Contains(sb.Kubeconfig, string(os.PathListSeparator)) {
		return nil, fmt.Errorf("KUBECONFIG=%s: want the sandbox's one file", sb.Kubeconfig)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", sb.Kubeconfig)
	if err != nil {
		return nil, err
	}
	if err := checkLoopback(cfg.Host); err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 100, 200 // tests, not a shared cluster
	cfg.UserAgent = "ctl-sandbox-test"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx); err != nil {
		return nil, fmt.Errorf("API server %s is not ready: %w", cfg.Host, err)
	}
	sb.Config, sb.Client = cfg, cs
	return sb, nil
}

// readEnvFile reads the KEY=value lines (optionally "export KEY=value") of
// up.sh's env file.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("%s: not KEY=value: %q", path, line)
		}
		m[strings.TrimSpace(k)] = strings.Trim(v, `'"`)
	}
	return m, sc.Err()
}

func checkLoopback(host string) error {
	u, err := url.Parse(host)
	if err != nil {
		return err
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("refusing to test against %s: the sandbox's API server is on 127.0.0.1", host)
	}
	return nil
}

// Env is what a child process (the ctl binary, kubectl) needs to use the
// sandbox as the admin user.
func (s *Sandbox) Env() []string {
	return []string{"KUBECONFIG=" + s.Kubeconfig}
}

var nonLabel = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Namespace creates a namespace named ctltest-XXXXX (GenerateName) with the
// given labels, waits until pods can be created in it (its default
// ServiceAccount exists) and deletes it when the test ends.
func (s *Sandbox) Namespace(t testing.TB, labels map[string]string) string {
	t.Helper()
	l := map[string]string{
		"app.kubernetes.io/managed-by": "ctl-sandbox-test",
		"ctl-sandbox/test":             strings.Trim(truncate(nonLabel.ReplaceAllString(t.Name(), "_"), 63), "_.-"),
	}
	for k, v := range labels {
		l[k] = v
	}
	ctx := context.Background()
	ns, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "ctltest-", Labels: l},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}
	t.Cleanup(func() {
		bg := metav1.DeletePropagationBackground
		err := s.Client.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{PropagationPolicy: &bg})
		if err != nil {
			t.Logf("deleting namespace %s: %v", ns.Name, err)
		}
	})
	err = wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		_, err := s.Client.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("namespace %s: no default ServiceAccount after %v (is kube-controller-manager running?)", ns.Name, readyTimeout)
	}
	return ns.Name
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SetExecRule adds a fakekubelet exec rule, or replaces the one with the
// same namespace, pod prefix and container; it is removed when the test
// ends. The change applies to the next exec.
func (s *Sandbox) SetExecRule(t testing.TB, r ExecRule) {
	t.Helper()
	s.updateRules(t, func(rs *rules.Rules) { rs.SetExec(r) })
	t.Cleanup(func() { s.updateRules(t, func(rs *rules.Rules) { rs.RemoveExec(r) }) })
}

// SetPortForwardRule adds a fakekubelet port-forward rule, or replaces
// the one with the same namespace, pod prefix and port; it is removed when
// the test ends. Targets must be loopback addresses.
func (s *Sandbox) SetPortForwardRule(t testing.TB, r PortForwardRule) {
	t.Helper()
	s.updateRules(t, func(rs *rules.Rules) { rs.SetPortForward(r) })
	t.Cleanup(func() { s.updateRules(t, func(rs *rules.Rules) { rs.RemovePortForward(r) }) })
}

// SetContainerRule says what matching pods' containers run (their logs are
// what containerLogs serves); removed when the test ends. A container
// whose pod exists already starts within a second.
func (s *Sandbox) SetContainerRule(t testing.TB, r ContainerRule) {
	t.Helper()
	s.updateRules(t, func(rs *rules.Rules) { rs.SetContainer(r) })
	t.Cleanup(func() { s.updateRules(t, func(rs *rules.Rules) { rs.RemoveContainer(r) }) })
}

// AppLogScript is scripts/sandbox/app-log.sh, what the demo's containers
// run: AppLogScript(t) + " web" and so on.
func AppLogScript(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "sandbox", "app-log.sh")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (s *Sandbox) updateRules(t testing.TB, fn func(*rules.Rules)) {
	t.Helper()
	if s.RulesFile == "" {
		t.Skip("the sandbox runs without fakekubelet (CTL_SANDBOX_KUBELET=kwok): no rules file")
	}
	err := rules.Update(s.RulesFile, func(rs *rules.Rules) error { fn(rs); return nil })
	if err != nil {
		t.Fatalf("updating fakekubelet rules: %v", err)
	}
}

// WaitPodsReady waits until at least n pods matching the label selector in
// ns are Ready (and not being deleted) and returns them. On timeout it
// fails the test, showing the pods and the namespace's events.
func (s *Sandbox) WaitPodsReady(t testing.TB, ns, selector string, n int) []corev1.Pod {
	t.Helper()
	var ready []corev1.Pod
	var last *corev1.PodList
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		list, err := s.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		last, ready = list, ready[:0]
		for _, p := range list.Items {
			if p.DeletionTimestamp == nil && podReady(&p) {
				ready = append(ready, p)
			}
		}
		return len(ready) >= n, nil
	})
	if err != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "%d of %d pods %q in %s Ready after %v", len(ready), n, selector, ns, readyTimeout)
		if last != nil {
			for _, p := range last.Items {
				fmt.Fprintf(&b, "\n  pod %s: phase %s, node %q, conditions %v", p.Name, p.Status.Phase, p.Spec.NodeName, p.Status.Conditions)
			}
		}
		if ev, err := s.Client.CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{}); err == nil {
			for _, e := range ev.Items {
				fmt.Fprintf(&b, "\n  event %s/%s: %s %s", e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Reason, e.Message)
			}
		}
		t.Fatal(b.String())
	}
	return ready
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ServiceAccountConfig returns a client config that authenticates as the
// ServiceAccount ns/name (a token from the TokenRequest API, valid one
// hour), to test what a user with fewer rights sees.
func (s *Sandbox) ServiceAccountConfig(t testing.TB, ns, name string) *rest.Config {
	t.Helper()
	exp := int64(3600)
	tr, err := s.Client.CoreV1().ServiceAccounts(ns).CreateToken(context.Background(), name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("token for ServiceAccount %s/%s: %v", ns, name, err)
	}
	cfg := rest.AnonymousClientConfig(s.Config)
	cfg.BearerToken = tr.Status.Token
	return cfg
}

// RestrictedKubeconfig creates the ServiceAccount ns/name, a Role name
// with rules and its RoleBinding, and writes a kubeconfig authenticating
// as that ServiceAccount (ServiceAccountConfig, WriteKubeconfig): a user
// with only those rights. RBAC changes reach the authorizer's cache
// within a moment: callers retry until the refusal they test shows.
func (s *Sandbox) RestrictedKubeconfig(t testing.TB, ns, name string, rules []rbacv1.PolicyRule) string {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return s.WriteKubeconfig(t, s.ServiceAccountConfig(t, ns, name), ns)
}

// WriteKubeconfig writes cfg (e.g. from ServiceAccountConfig) as a
// kubeconfig file in a temp dir, with ns as its namespace, for a child
// process; it returns the path.
func (s *Sandbox) WriteKubeconfig(t testing.TB, cfg *rest.Config, ns string) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["sandbox"] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthority:     cfg.CAFile,
		CertificateAuthorityData: cfg.CAData,
	}
	kc.AuthInfos["user"] = &clientcmdapi.AuthInfo{
		Token:                 cfg.BearerToken,
		ClientCertificate:     cfg.CertFile,
		ClientKey:             cfg.KeyFile,
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
	}
	kc.Contexts["sandbox"] = &clientcmdapi.Context{Cluster: "sandbox", AuthInfo: "user", Namespace: ns}
	kc.CurrentContext = "sandbox"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
	return path
}
