package kube

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	utilexec "k8s.io/client-go/util/exec"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

// pod is a pod of component comp in namespace "qa", created age ago.
func pod(name, comp string, ready bool, age time.Duration, containers ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "qa",
		Labels:            map[string]string{componentLabel: comp, partOfLabel: "myapp"},
		CreationTimestamp: metav1.NewTime(t0.Add(-age))}}
	if len(containers) == 0 {
		containers = []string{comp}
	}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	p.Status.Phase = corev1.PodRunning
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	} else {
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: containers[0], State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}}}
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}
	return p
}

func env(mod func(*config.Environment)) *config.Environment {
	e := &config.Environment{Name: "qa", Target: config.TargetKubernetes, Namespace: "qa", Origins: map[string]config.Origin{}}
	if mod != nil {
		mod(e)
	}
	return e
}

func target(f *fakeAPI, e *config.Environment, opts targets.Options) (*Target, *fakeExecutor, *fakeForwarder) {
	c := f.conn()
	exe, fwd := &fakeExecutor{}, &fakeForwarder{}
	c.Executor, c.Forwarder = exe, fwd
	return New(e, c, Deps{App: "myapp", Opts: opts}), exe, fwd
}

func TestChoosePod(t *testing.T) {
	tests := []struct {
		name    string
		objs    []*corev1.Pod
		opts    targets.Options
		env     func(*config.Environment)
		want    string
		wantErr string
	}{
		{name: "newest ready", want: "web-new", objs: []*corev1.Pod{
			pod("web-old", "web", true, time.Hour), pod("web-new", "web", true, time.Minute), pod("web-crash", "web", false, time.Second)}},
		{name: "same age: by name", want: "web-a", objs: []*corev1.Pod{
			pod("web-b", "web", true, time.Hour), pod("web-a", "web", true, time.Hour)}},
		{name: "--component", opts: targets.Options{Component: "worker"}, want: "worker-1", objs: []*corev1.Pod{
			pod("web-1", "web", true, time.Hour), pod("worker-1", "worker", true, time.Hour)}},
		{name: "configured selector", env: func(e *config.Environment) { e.Components = map[string]string{"web": "app=legacy"} }, want: "legacy-1",
			objs: func() []*corev1.Pod {
				p := pod("legacy-1", "", true, time.Hour)
				p.Labels = map[string]string{"app": "legacy"}
				return []*corev1.Pod{p, pod("web-1", "web", true, time.Hour)}
			}()},
		{name: "--pod", opts: targets.Options{Pod: "web-old"}, want: "web-old", objs: []*corev1.Pod{
			pod("web-old", "web", true, time.Hour), pod("web-new", "web", true, time.Minute)}},
		{name: "--pod not found", opts: targets.Options{Pod: "nope"}, wantErr: `pod "nope" not found in namespace "qa"`},
		{name: "--pod not ready", opts: targets.Options{Pod: "web-1"}, objs: []*corev1.Pod{pod("web-1", "web", false, time.Hour)}, wantErr: `pod "web-1" is not ready`},
		{name: "none ready", objs: []*corev1.Pod{pod("web-1", "web", false, time.Hour)}, wantErr: `no ready pod for component "web" in namespace "qa": web-1 CrashLoopBackOff`},
		{name: "no pods", wantErr: `no pod of component "web" in namespace "qa"`},
		{name: "selector matches several components", env: func(e *config.Environment) { e.Components = map[string]string{"web": partOfLabel + "=myapp"} },
			objs:    []*corev1.Pod{pod("web-1", "web", true, time.Hour), pod("worker-1", "worker", true, time.Hour)},
			wantErr: "matches pods of several components: web, worker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t, namespace("qa"))
			for _, p := range tt.objs {
				f.add(p)
			}
			tg, _, _ := target(f, env(tt.env), tt.opts)
			p, err := tg.choosePod(context.Background())
			if tt.wantErr != "" {
				var pe *PodError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &pe) {
					t.Fatalf("err = %v, want a PodError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != tt.want {
				t.Errorf("chose %s, want %s", p.Name, tt.want)
			}
		})
	}
}

func TestNoPodsMissingNamespace(t *testing.T) {
	f := newFakeAPI(t) // no namespace qa
	tg, _, _ := target(f, env(nil), targets.Options{})
	_, err := tg.choosePod(context.Background())
	if err == nil || !strings.Contains(err.Error(), `namespace "qa" does not exist in context "fake"`) {
		t.Fatalf("err = %v", err)
	}
	if h := exitcode.HintOf(err); !strings.Contains(h, "check namespace:") {
		t.Errorf("hint %q", h)
	}
}

func TestChooseContainer(t *testing.T) {
	annotated := pod("web-1", "web", true, time.Hour, "nginx", "web", "sidecar")
	annotated.Annotations = map[string]string{defaultContainer: "sidecar"}
	tests := []struct {
		name    string
		pod     *corev1.Pod
		opts    targets.Options
		env     func(*config.Environment)
		want    string
		wantErr string
	}{
		{name: "first", pod: pod("web-1", "web", true, time.Hour, "nginx", "web"), want: "nginx"},
		{name: "annotation", pod: annotated, want: "sidecar"},
		{name: "config over annotation", pod: annotated, env: func(e *config.Environment) { e.Container = "web" }, want: "web"},
		{name: "-c over config", pod: annotated, opts: targets.Options{Container: "nginx"}, env: func(e *config.Environment) { e.Container = "web" }, want: "nginx"},
		{name: "unknown", pod: annotated, opts: targets.Options{Container: "db"}, wantErr: `pod "web-1" has no container "db" (it has: nginx, web, sidecar)`},
		{name: "no containers", pod: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "empty"}}, wantErr: `pod "empty" has no containers`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &Target{env: env(tt.env), opts: tt.opts}
			got, err := tg.chooseContainer(tt.pod)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func secret(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "qa"}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestCredentialsFromSecret(t *testing.T) {
	tests := []struct {
		name       string
		data       map[string]string
		keys       map[string]string
		wantHost   string
		wantUser   string
		wantName   string
		wantPort   int
		wantErr    string
		wantHintIn string
	}{
		{name: "url key", data: map[string]string{"url": "postgres://app:s3cret@db.qa:5433/app"}, wantHost: "db.qa", wantUser: "app", wantName: "app", wantPort: 5433},
		{name: "DATABASE_URL key", data: map[string]string{"DATABASE_URL": "postgres://app:s3cret@db/app"}, wantHost: "db", wantUser: "app", wantName: "app", wantPort: 5432},
		{name: "fields", data: map[string]string{"host": "postgres", "port": "6432", "user": "u", "password": "s3cret", "name": "n"}, wantHost: "postgres", wantUser: "u", wantName: "n", wantPort: 6432},
		{name: "mapped keys", keys: map[string]string{"host": "PGHOST", "name": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"},
			data: map[string]string{"PGHOST": "pg", "PGDATABASE": "d", "PGUSER": "u", "PGPASSWORD": "s3cret"}, wantHost: "pg", wantUser: "u", wantName: "d", wantPort: 5432},
		{name: "no name", data: map[string]string{"host": "pg"}, wantErr: "has no url key and no name key", wantHintIn: "database.keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t, secret("db", tt.data))
			tg, _, _ := target(f, env(func(e *config.Environment) { e.Database.Secret, e.Database.Keys = "db", tt.keys }), targets.Options{})
			db, err := tg.credentials(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(exitcode.HintOf(err), tt.wantHintIn) {
					t.Fatalf("err = %v (hint %q)", err, exitcode.HintOf(err))
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Error("the error holds the password")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if db.Host != tt.wantHost || db.User != tt.wantUser || db.Name != tt.wantName || db.Port != tt.wantPort || db.Password != "s3cret" {
				t.Errorf("got %s@%s:%d/%s", db.User, db.Host, db.Port, db.Name)
			}
			if db.Source != "secret qa/db" {
				t.Errorf("source %q", db.Source)
			}
		})
	}
}

func TestCredentialsSecretMissing(t *testing.T) {
	f := newFakeAPI(t)
	tg, _, _ := target(f, env(func(e *config.Environment) { e.Database.Secret = "db" }), targets.Options{})
	_, err := tg.credentials(context.Background())
	if err == nil || err.Error() != `secret "db" not found in namespace "qa"` || exitcode.HintOf(err) != "check database.secret in ctl.yaml" {
		t.Fatalf("err = %v (hint %q)", err, exitcode.HintOf(err))
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	withEnv := func(env []corev1.EnvVar, from []corev1.EnvFromSource) *corev1.Pod {
		p := pod("web-1", "web", true, time.Hour)
		p.Spec.Containers[0].Env, p.Spec.Containers[0].EnvFrom = env, from
		return p
	}
	secretRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	cmRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "qa"}, Data: map[string]string{"DB_HOST": "pg.qa", "DB_NAME": "shop"}}
	tests := []struct {
		name       string
		pod        *corev1.Pod
		urlEnv     string
		want       string // user@host:port/name
		wantSource string
		wantErr    string
	}{
		{name: "literal DATABASE_URL", pod: withEnv([]corev1.EnvVar{{Name: "DATABASE_URL", Value: "postgres://app:s3cret@db:5432/app"}}, nil),
			want: "app@db:5432/app", wantSource: "DATABASE_URL (the container spec) of container web of pod qa/web-1"},
		{name: "secretKeyRef", pod: withEnv([]corev1.EnvVar{{Name: "DATABASE_URL", ValueFrom: secretRef("db", "url")}}, nil),
			want: "app@pg:5432/app", wantSource: "DATABASE_URL (secret db/url) of container web of pod qa/web-1"},
		{name: "url_env", urlEnv: "APP_DB", pod: withEnv([]corev1.EnvVar{{Name: "APP_DB", ValueFrom: secretRef("db", "url")}}, nil),
			want: "app@pg:5432/app", wantSource: "APP_DB (secret db/url) of container web of pod qa/web-1"},
		{name: "envFrom secret with prefix", pod: withEnv(nil, []corev1.EnvFromSource{{Prefix: "POSTGRES_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "pgcreds"}}}}),
			want: "u@pg:6432/d", wantSource: "POSTGRES_* variables of container web of pod qa/web-1"},
		{name: "configMapKeyRef and envFrom configmap", pod: withEnv(
			[]corev1.EnvVar{{Name: "DB_USER", Value: "shopper"}, {Name: "DB_PASSWORD", ValueFrom: secretRef("db", "password")}, {Name: "DB_PORT", ValueFrom: optionalRef(cmRef("cfg", "port"))}},
			[]corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}),
			want: "shopper@pg.qa:5432/shop", wantSource: "DB_* variables of container web of pod qa/web-1"},
		{name: "required key missing", pod: withEnv([]corev1.EnvVar{{Name: "DB_PORT", ValueFrom: cmRef("cfg", "port")}}, nil), wantErr: `DB_PORT of container web of pod qa/web-1: configmap "cfg" has no key "port"`},
		{name: "nothing", pod: withEnv([]corev1.EnvVar{{Name: "DEBUG", Value: "1"}}, nil), wantErr: "no DATABASE_URL, POSTGRES_*, DB_* or DATABASE_* variables in container web of pod qa/web-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t, namespace("qa"), tt.pod, cm,
				secret("db", map[string]string{"url": "postgres://app:s3cret@pg/app", "password": "s3cret"}),
				secret("pgcreds", map[string]string{"HOST": "pg", "PORT": "6432", "USER": "u", "PASSWORD": "s3cret", "DB": "d"}))
			tg, _, _ := target(f, env(func(e *config.Environment) { e.Database.URLEnv = tt.urlEnv }), targets.Options{})
			db, err := tg.credentials(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := db.User + "@" + db.Addr() + "/" + db.Name
			if got != tt.want || db.Source != tt.wantSource {
				t.Errorf("got %s from %q, want %s from %q", got, db.Source, tt.want, tt.wantSource)
			}
			if tt.name != "configMapKeyRef and envFrom configmap" && db.Password != "s3cret" {
				t.Errorf("password not read")
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		name  string
		code  int
		check func(t *testing.T, err error)
	}{
		{"forbidden", http.StatusForbidden, func(t *testing.T, err error) {
			var fe *ForbiddenError
			if !errors.As(err, &fe) || fe.Verb != "list" || fe.Resource != "pods" || fe.Namespace != "qa" || fe.Context != "fake" {
				t.Fatalf("err = %#v", err)
			}
			if !strings.Contains(fe.Hint(), "kubectl auth can-i list pods -n qa") {
				t.Errorf("hint %q", fe.Hint())
			}
		}},
		{"unauthorized", http.StatusUnauthorized, func(t *testing.T, err error) {
			if !strings.Contains(err.Error(), `the API server of context "fake" rejected your credentials`) || !strings.Contains(exitcode.HintOf(err), "log in again") {
				t.Fatalf("err = %v (hint %q)", err, exitcode.HintOf(err))
			}
		}},
		{"server error passes through", http.StatusInternalServerError, func(t *testing.T, err error) {
			var fe *ForbiddenError
			var ue *UnreachableError
			if err == nil || errors.As(err, &fe) || errors.As(err, &ue) {
				t.Fatalf("err = %#v", err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t, namespace("qa"))
			f.status["pods"] = tt.code
			tg, _, _ := target(f, env(nil), targets.Options{})
			_, err := tg.choosePod(context.Background())
			tt.check(t, err)
		})
	}
}

func TestClassifyUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	c, err := ForServer("gone", &rest.Config{Host: "http://" + addr}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	tg := New(env(nil), c, Deps{})
	_, err = tg.choosePod(context.Background())
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Context != "gone" || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(ue.Hint(), "kubectl --context gone get ns") {
		t.Errorf("hint %q", ue.Hint())
	}
}

func TestClassifyTimeout(t *testing.T) {
	block := make(chan struct{})
	f := newFakeAPI(t)
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block })
	defer close(block)
	c, err := ForServer("slow", &rest.Config{Host: f.srv.URL}, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(env(nil), c, Deps{}).choosePod(context.Background())
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "no answer within the timeout") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunExecs(t *testing.T) {
	f := newFakeAPI(t, namespace("qa"), pod("web-1", "web", true, time.Hour, "web", "nginx"))
	tg, exe, _ := target(f, env(nil), targets.Options{})
	exe.write = "hello\n"
	var out bytes.Buffer
	code, err := tg.Run(context.Background(), targets.Command{Argv: []string{"echo", "hello"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out})
	if err != nil || code != 0 || out.String() != "hello\n" {
		t.Fatalf("code %d, err %v, out %q", code, err, out.String())
	}
	u := exe.urls[0]
	if u.Path != "/api/v1/namespaces/qa/pods/web-1/exec" {
		t.Errorf("path %s", u.Path)
	}
	q := u.Query()
	if q.Get("container") != "web" || strings.Join(q["command"], " ") != "echo hello" || q.Get("stdin") != "true" || q.Get("tty") != "" && q.Get("tty") != "false" {
		t.Errorf("query %v", q)
	}
	if ctx, ns, p, c := tg.Placement(); ctx != "fake" || ns != "qa" || p != "web-1" || c != "web" {
		t.Errorf("placement %s %s %s %s", ctx, ns, p, c)
	}

	// The remote command's exit code is the session's.
	exe.err = utilexec.CodeExitError{Err: errors.New("exit 3"), Code: 3}
	code, err = tg.Run(context.Background(), targets.Command{Argv: []string{"false"}, NoStdin: true, Stdout: &out, Stderr: &out})
	if err != nil || code != 3 {
		t.Fatalf("code %d, err %v; want 3", code, err)
	}
	if exe.opts[1].Stdin != nil || exe.urls[1].Query().Get("stdin") == "true" {
		t.Error("NoStdin streamed stdin")
	}
}

func TestRunExecForbidden(t *testing.T) {
	f := newFakeAPI(t, namespace("qa"), pod("web-1", "web", true, time.Hour))
	f.allowed = false
	tg, exe, _ := target(f, env(nil), targets.Options{})
	exe.err = errors.New("upgrade request failed")
	_, err := tg.Run(context.Background(), targets.Command{Argv: []string{"true"}, NoStdin: true})
	var fe *ForbiddenError
	if !errors.As(err, &fe) || fe.Resource != "pods/exec" || fe.Verb != "create" {
		t.Fatalf("err = %v", err)
	}
}

func TestDatabaseThroughService(t *testing.T) {
	pg := pod("postgres-0", "db", true, time.Hour, "postgres")
	pg.Labels = map[string]string{"app": "postgres"}
	pg.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "pg", ContainerPort: 5433}}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres", Namespace: "qa"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "postgres"}, Ports: []corev1.ServicePort{{Port: 5432, TargetPort: intstr.FromString("pg")}}}}
	f := newFakeAPI(t, namespace("qa"), pg, svc, secret("db", map[string]string{"url": "postgres://app:s3cret@postgres.qa.svc.cluster.local:5432/app"}))
	tg, _, fwd := target(f, env(func(e *config.Environment) { e.Database.Secret = "db" }), targets.Options{})
	db, closeDB, err := tg.Database(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = closeDB() }()
	if db.Host != "127.0.0.1" || db.Port == 5432 || db.Port == 0 {
		t.Errorf("endpoint %s", db.Addr())
	}
	if fwd.urls[0].Path != "/api/v1/namespaces/qa/pods/postgres-0/portforward" || !strings.HasSuffix(fwd.ports[0][0], ":5433") {
		t.Errorf("forwarded %s %v", fwd.urls[0].Path, fwd.ports[0])
	}
	if !strings.Contains(db.Source, "through a port-forward to pod qa/postgres-0:5433") {
		t.Errorf("source %q", db.Source)
	}
}

func TestRecordEvent(t *testing.T) {
	f := newFakeAPI(t, namespace("qa"), pod("web-1", "web", true, time.Hour))
	tg, _, _ := target(f, env(nil), targets.Options{})
	if _, err := tg.Run(context.Background(), targets.Command{Argv: []string{"true"}, NoStdin: true}); err != nil {
		t.Fatal(err)
	}
	if err := tg.RecordEvent(context.Background(), targets.SessionEvent{User: "ann", Verb: "exec", Command: "true", Duration: time.Second}); err != nil {
		t.Fatal(err)
	}
	if len(f.posted) != 1 {
		t.Fatalf("posted %d events", len(f.posted))
	}
	ev := f.posted[0].(*corev1.Event)
	if ev.Reason != "CtlSession" || ev.InvolvedObject.Name != "web-1" || !strings.Contains(ev.Message, "ctl exec by ann@") {
		t.Errorf("event %+v", ev)
	}
}

// TestInteractiveShellAsksTheContainer: with no shell configured, an
// interactive session first asks the container (one exec, no terminal)
// whether it has bash, then runs that shell itself; RanArgv is what ran,
// for the trail (it used to record ctl's `sh -c if command -v bash …`).
func TestInteractiveShellAsksTheContainer(t *testing.T) {
	for _, has := range []string{"bash", "sh"} {
		f := newFakeAPI(t, namespace("qa"), pod("web-1", "web", true, time.Hour, "web"))
		tg, exe, _ := target(f, env(nil), targets.Options{})
		exe.write = has + "\n"
		started := false
		var out bytes.Buffer
		if _, err := tg.Run(context.Background(), targets.Command{Stdout: &out, Stderr: &out, Started: func() { started = true }}); err != nil {
			t.Fatal(err)
		}
		if len(exe.urls) != 2 {
			t.Fatalf("%d execs, want the probe and the shell", len(exe.urls))
		}
		if got := strings.Join(exe.urls[1].Query()["command"], " "); got != has+" -l" {
			t.Errorf("container with %s: ran %q", has, got)
		}
		if got := strings.Join(tg.RanArgv(), " "); got != has+" -l" {
			t.Errorf("RanArgv = %q, want %q", got, has+" -l")
		}
		if !started {
			t.Error("Started was not called")
		}
	}
}

// TestDatabasePlacementAndEvent: dbshell's session is placed on the
// database pod its tunnel reached (for the trail), and the Event goes there.
func TestDatabasePlacementAndEvent(t *testing.T) {
	pg := pod("postgres-0", "db", true, time.Hour, "postgres", "exporter")
	pg.Labels = map[string]string{"app": "postgres"}
	pg.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres", Namespace: "qa"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "postgres"}, Ports: []corev1.ServicePort{{Port: 5432}}}}
	f := newFakeAPI(t, namespace("qa"), pg, svc, secret("db", map[string]string{"url": "postgres://app:s3cret@postgres:5432/app"}))
	tg, _, _ := target(f, env(func(e *config.Environment) { e.Database.Secret = "db" }), targets.Options{})
	_, closeDB, err := tg.Database(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = closeDB() }()
	if _, _, p, c := tg.Placement(); p != "postgres-0" || c != "postgres" {
		t.Errorf("placement pod %q container %q, want postgres-0/postgres", p, c)
	}
	if err := tg.RecordEvent(context.Background(), targets.SessionEvent{User: "ann", Verb: "dbshell --tunnel-only"}); err != nil {
		t.Fatal(err)
	}
	if len(f.posted) != 1 {
		t.Fatalf("posted %d events", len(f.posted))
	}
	ev := f.posted[0].(*corev1.Event)
	if ev.InvolvedObject.Name != "postgres-0" || !strings.Contains(ev.Message, "ctl dbshell --tunnel-only by ann@") || !strings.Contains(ev.Message, "(tunnel only)") {
		t.Errorf("event on %s: %s", ev.InvolvedObject.Name, ev.Message)
	}
}

func optionalRef(s *corev1.EnvVarSource) *corev1.EnvVarSource {
	t := true
	if s.ConfigMapKeyRef != nil {
		s.ConfigMapKeyRef.Optional = &t
	}
	if s.SecretKeyRef != nil {
		s.SecretKeyRef.Optional = &t
	}
	return s
}
