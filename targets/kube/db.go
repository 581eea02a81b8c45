package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/klog/v2"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// Database resolves the credentials (database.secret, database.from: env
// — the app container's spec, resolved through the API, no exec — or
// database.from: django) and opens a port-forward to the database on
// 127.0.0.1; the returned func closes it. The session's placement (for
// the trail and the Event) becomes the database pod the tunnel reaches.
func (t *Target) Database(ctx context.Context) (*targets.DB, func() error, error) {
	db, err := t.credentials(ctx)
	if err != nil {
		return nil, nil, err
	}
	if db.Engine != "postgres" {
		return nil, nil, fmt.Errorf("environment %q: dbshell supports PostgreSQL on Kubernetes; the app uses %s", t.env.Name, db.Engine)
	}
	if t.env.Has("database.host") { // reachable directly
		db.Host = t.env.Database.Host
		if t.env.Database.Port != 0 {
			db.Port = t.env.Database.Port
		}
		t.pod, t.container, t.dbDirect = "", "", true
		return db, func() error { return nil }, nil
	}
	pod, port, err := t.databasePod(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	tun, err := t.forward(ctx, pod, port)
	if err != nil {
		return nil, nil, err
	}
	db.Host, db.Port = "127.0.0.1", tun.localPort
	t.pod, t.container, t.ran = pod.Name, containerWithPort(pod, port), nil
	db.Source += fmt.Sprintf(", through a port-forward to pod %s/%s:%d", pod.Namespace, pod.Name, port)
	return db, tun.Close, nil
}

func (t *Target) credentials(ctx context.Context) (*targets.DB, error) {
	d := t.env.Database
	if d.URL != "" {
		db, err := targets.ParseDatabaseURL(d.URL, "")
		if err != nil {
			return nil, fmt.Errorf("environment %q: database.url: %w", t.env.Name, err)
		}
		db.Source = "database.url in the configuration"
		return db, nil
	}
	switch {
	case d.Secret != "":
		return t.fromSecret(ctx, d.Secret, d.Keys)
	case d.From == "django":
		return t.fromDjango(ctx)
	default: // "env", and the default
		return t.fromEnv(ctx)
	}
}

func (t *Target) getSecret(ctx context.Context, name string) (*corev1.Secret, error) {
	actx, cancel := t.conn.APIContext(ctx)
	defer cancel()
	s := &corev1.Secret{}
	err := t.conn.Core.Get().Namespace(t.namespace).Resource("secrets").Name(name).Do(actx).Into(s)
	if apierrors.IsNotFound(err) {
		return nil, exitcode.WithHint(fmt.Errorf("secret %q not found in namespace %q", name, t.namespace), "check database.secret in ctl.yaml")
	}
	return s, t.conn.Classify(err, "get", "secrets", t.namespace)
}

// fromSecret reads url (or host/port/user/password/name) keys.
func (t *Target) fromSecret(ctx context.Context, name string, keys map[string]string) (*targets.DB, error) {
	s, err := t.getSecret(ctx, name)
	if err != nil {
		return nil, err
	}
	key := func(k, def string) string {
		if keys[k] != "" {
			return string(s.Data[keys[k]])
		}
		for _, cand := range []string{def, strings.ToUpper(def)} {
			if v, ok := s.Data[cand]; ok {
				return string(v)
			}
		}
		return ""
	}
	src := fmt.Sprintf("secret %s/%s", t.namespace, name)
	if u := key("url", "url"); u != "" {
		db, err := targets.ParseDatabaseURL(u, "")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		db.Source = src
		return db, nil
	}
	if u := key("url", "database_url"); u != "" {
		db, err := targets.ParseDatabaseURL(u, "")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		db.Source = src
		return db, nil
	}
	db := &targets.DB{Engine: "postgres", Host: key("host", "host"), User: key("user", "user"), Password: key("password", "password"), Name: key("name", "name"), Port: 5432, Source: src, Options: map[string]string{}}
	if p, err := strconv.Atoi(key("port", "port")); err == nil {
		db.Port = p
	}
	if db.Name == "" {
		return nil, exitcode.WithHint(fmt.Errorf("%s has no url key and no name key", src), "set database.keys in ctl.yaml (url, or host/port/user/password/name)")
	}
	return db, nil
}

// fromEnv reads the database credentials from the app container's
// environment as declared in its spec (containerEnv).
func (t *Target) fromEnv(ctx context.Context) (*targets.DB, error) {
	ce, err := t.containerEnv(ctx)
	if err != nil {
		return nil, err
	}
	return t.dbFromEnv(ce)
}

// podEnv is the environment of the app container as the process gets it
// from its spec: vars by name, srcOf says where each came from (never the
// value), where names the container and pod.
type podEnv struct {
	vars, srcOf map[string]string
	where       string
}

// containerEnv is Environ as maps, for the database and secret look-ups.
func (t *Target) containerEnv(ctx context.Context) (*podEnv, error) {
	env, err := t.AppEnv(ctx)
	if err != nil {
		return nil, err
	}
	pe := &podEnv{vars: map[string]string{}, srcOf: map[string]string{}, where: env.Where}
	for _, v := range env.Vars {
		if v.Known {
			pe.vars[v.Name] = v.Value
		}
		pe.srcOf[v.Name] = v.Source.String()
	}
	return pe, nil
}

// dbFromEnv reads the database credentials from the container's
// environment: the URL variable, else POSTGRES_*, DB_*, DATABASE_*, PG*.
func (t *Target) dbFromEnv(ce *podEnv) (*targets.DB, error) {
	vars, srcOf, where := ce.vars, ce.srcOf, ce.where
	urlVar := "DATABASE_URL"
	if t.env.Database.URLEnv != "" {
		urlVar = t.env.Database.URLEnv
	}
	if u := vars[urlVar]; u != "" {
		db, err := targets.ParseDatabaseURL(u, "")
		if err != nil {
			return nil, fmt.Errorf("%s from %s: %w", urlVar, where, err)
		}
		db.Source = fmt.Sprintf("%s (%s) of %s", urlVar, srcOf[urlVar], where)
		return db, nil
	}
	for _, prefix := range []string{"POSTGRES_", "DB_", "DATABASE_", "PG"} {
		get := func(names ...string) string {
			for _, n := range names {
				if v := vars[prefix+n]; v != "" {
					return v
				}
			}
			return ""
		}
		name := get("DB", "NAME", "DATABASE")
		if name == "" {
			continue
		}
		db := &targets.DB{Engine: "postgres", Host: get("HOST"), User: get("USER", "USERNAME"), Password: get("PASSWORD"), Name: name, Port: 5432,
			Source: fmt.Sprintf("%s* variables of %s", prefix, where), Options: map[string]string{}}
		if p, err := strconv.Atoi(get("PORT")); err == nil {
			db.Port = p
		}
		return db, nil
	}
	return nil, exitcode.WithHint(fmt.Errorf("no %s, POSTGRES_*, DB_* or DATABASE_* variables in %s", urlVar, where),
		"set database.secret (and keys) or database.from: django in ctl.yaml")
}

func (t *Target) fromDjango(ctx context.Context) (*targets.DB, error) {
	manage, _ := t.ManageArgv(ctx)
	var out, errb bytes.Buffer
	code, err := t.Run(ctx, targets.Command{Argv: append(manage, "shell", "-c", targets.DjangoProbe), NoStdin: true, Stdout: &out, Stderr: &errb})
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("asking Django for DATABASES in pod %s failed (exit %d): %s", t.pod, code, targets.LastLine(errb.String()))
	}
	db, err := targets.ParseDjangoProbe(out.String(), func(p string) string { return p }, "Django's DATABASES['default'] in pod "+t.pod)
	if err != nil {
		return nil, err
	}
	if db.Engine != "postgres" {
		return nil, fmt.Errorf("Django in pod %s does not use PostgreSQL", t.pod)
	}
	return db, nil
}

// databasePod finds the pod behind database.service (or the Service named
// like the URL's host) and the pod port to forward to.
func (t *Target) databasePod(ctx context.Context, db *targets.DB) (*corev1.Pod, int, error) {
	svcName := t.env.Database.Service
	if svcName == "" {
		svcName = strings.Split(db.Host, ".")[0] // postgres, postgres.ns.svc.cluster.local
	}
	actx, cancel := t.conn.APIContext(ctx)
	defer cancel()
	svc := &corev1.Service{}
	err := t.conn.Core.Get().Namespace(t.namespace).Resource("services").Name(svcName).Do(actx).Into(svc)
	if apierrors.IsNotFound(err) {
		// Maybe a pod name.
		pod := &corev1.Pod{}
		if perr := t.conn.Core.Get().Namespace(t.namespace).Resource("pods").Name(svcName).Do(actx).Into(pod); perr == nil {
			return pod, db.Port, nil
		}
		return nil, 0, exitcode.WithHint(fmt.Errorf("no Service or pod %q in namespace %q to reach the database host %q through", svcName, t.namespace, db.Host),
			"set database.service (a Service or pod to port-forward to) or database.host (reachable directly) in ctl.yaml")
	}
	if err != nil {
		return nil, 0, t.conn.Classify(err, "get", "services", t.namespace)
	}
	if len(svc.Spec.Selector) == 0 {
		return nil, 0, fmt.Errorf("service %s/%s has no selector: ctl cannot find a pod behind it", t.namespace, svcName)
	}
	list := &corev1.PodList{}
	err = t.conn.Core.Get().Namespace(t.namespace).Resource("pods").
		VersionedParams(&metav1.ListOptions{LabelSelector: labels.SelectorFromSet(svc.Spec.Selector).String()}, ParameterCodec()).Do(actx).Into(list)
	if err != nil {
		return nil, 0, t.conn.Classify(err, "list", "pods", t.namespace)
	}
	var pod *corev1.Pod
	for i := range list.Items {
		if isReady(&list.Items[i]) && (pod == nil || list.Items[i].Name < pod.Name) {
			pod = &list.Items[i]
		}
	}
	if pod == nil {
		return nil, 0, fmt.Errorf("no ready pod behind service %s/%s", t.namespace, svcName)
	}
	port := db.Port
	for _, sp := range svc.Spec.Ports {
		if int(sp.Port) != db.Port && len(svc.Spec.Ports) > 1 {
			continue
		}
		switch {
		case sp.TargetPort.IntValue() > 0:
			port = sp.TargetPort.IntValue()
		case sp.TargetPort.StrVal != "":
			for _, c := range pod.Spec.Containers {
				for _, cp := range c.Ports {
					if cp.Name == sp.TargetPort.StrVal {
						port = int(cp.ContainerPort)
					}
				}
			}
		default:
			port = int(sp.Port)
		}
		break
	}
	return pod, port, nil
}

// tunnel is a port-forward on 127.0.0.1 that re-establishes itself when
// the connection to the pod drops, keeping the same local port.
type tunnel struct {
	localPort int
	stop      chan struct{}
	once      sync.Once
	done      chan struct{}
}

func (tu *tunnel) Close() error {
	tu.once.Do(func() { close(tu.stop) })
	select {
	case <-tu.done:
	case <-time.After(5 * time.Second):
	}
	return nil
}

// QuietLogs stops client-go's klog output, for good (ctl reports what goes
// wrong itself): a dropped port-forward is
// reported through runtime.HandleError on stderr ("E1123 ... portforward.go
// ... broken pipe"), which would land in the middle of the psql session
// that the tunnel serves; the tunnel re-establishes itself instead.
// (klog.SetOutput is not enough: errors still go to stderr above
// -stderrthreshold; a discarding logger takes everything.)
var QuietLogs = sync.OnceFunc(func() { klog.SetLogger(logr.Discard()) })

func (t *Target) forward(ctx context.Context, pod *corev1.Pod, port int) (*tunnel, error) {
	QuietLogs()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	local := l.Addr().(*net.TCPAddr).Port
	l.Close()
	tu := &tunnel{localPort: local, stop: make(chan struct{}), done: make(chan struct{})}
	u := t.conn.PortForwardURL(pod.Namespace, pod.Name)
	first := make(chan error, 1)
	go func() {
		defer close(tu.done)
		// attempt counts the failures since the forward last worked (for
		// the backoff); established is set once the first one worked:
		// from then on every drop is retried, until Close.
		attempt, established := 0, false
		for {
			ready := make(chan struct{})
			errc := make(chan error, 1)
			go func() {
				errc <- t.conn.Forwarder.Forward(t.conn.Config, u, []string{"127.0.0.1"}, []string{fmt.Sprintf("%d:%d", local, port)}, tu.stop, ready)
			}()
			var err error
			select {
			case <-ready:
				if !established {
					established = true
					first <- nil
				}
				attempt = 0
				err = <-errc
			case err = <-errc:
			}
			select {
			case <-tu.stop:
				return
			default:
			}
			if !established {
				if err == nil {
					err = errors.New("the port-forward ended before it was ready")
				}
				first <- err
				return
			}
			attempt++
			time.Sleep(min(time.Duration(attempt)*200*time.Millisecond, 2*time.Second))
		}
	}()
	select {
	case err := <-first:
		if err != nil {
			if ok, cerr := t.conn.Can(ctx, "create", "pods", "portforward", pod.Namespace); cerr == nil && !ok {
				return nil, &ForbiddenError{Verb: "create", Resource: "pods/portforward", Namespace: pod.Namespace, Context: t.conn.Context, Err: err}
			}
			return nil, fmt.Errorf("port-forward to pod %s/%s:%d: %w", pod.Namespace, pod.Name, port, t.conn.Classify(err, "create", "pods/portforward", pod.Namespace))
		}
		return tu, nil
	case <-time.After(t.conn.Timeout):
		_ = tu.Close()
		return nil, &UnreachableError{Context: t.conn.Context, Server: t.conn.Server, Err: errors.New("port-forward did not become ready within the timeout")}
	}
}

// containerWithPort is the container of pod that declares port, else its
// only container, else "".
func containerWithPort(pod *corev1.Pod, port int) string {
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if int(cp.ContainerPort) == port {
				return c.Name
			}
		}
	}
	if len(pod.Spec.Containers) == 1 {
		return pod.Spec.Containers[0].Name
	}
	return ""
}
