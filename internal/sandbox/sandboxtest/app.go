package sandboxtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/testenv"
)

// App is myapp deployed in a namespace of its own in the sandbox, for
// end-to-end tests of the ctl binary: a web Deployment (and, with
// AppOptions.Worker, a worker one) whose exec runs in a copy of the example
// Django project, a postgres Service and Pod whose port-forward reaches
// the rig's PostgreSQL, and the myapp-db Secret (DATABASE_URL of the app's
// containers). ctl runs in Dir, whose ctl.yaml names the namespace
// environment "qa".
type App struct {
	SB      *sandbox.Sandbox
	NS      string
	Project string // the example project the web pod's exec runs in
	DSN     string // the rig's PostgreSQL, as this machine reaches it
	Dir     string // where ctl runs (holds ctl.yaml)
	Home    string // ctl's HOME and XDG_STATE_HOME parent
	// Kubeconfig is the kubeconfig ctl uses (the sandbox's unless
	// AppOptions.Kubeconfig replaced it).
	Kubeconfig string
}

// AppOptions vary the deployment.
type AppOptions struct {
	Protected bool
	// Shell is the environment's shell: line in ctl.yaml ("" = none, so
	// ctl's own choice, bash falling back to sh, applies).
	Shell string
	// WebPATH is the PATH of the web pod's exec, which decides what
	// exists in the container (default: the project's venv and the
	// system's bin directories).
	WebPATH string
	// Home is where ctl's HOME goes (default: a test temp dir).
	Home string
	// WebReplicas is how many web pods run (default 1).
	WebReplicas int
	// Sidecar puts an nginx container before web in the web pods, with
	// the kubectl.kubernetes.io/default-container annotation naming web.
	Sidecar bool
	// Worker adds a worker Deployment (1 pod, container "worker") whose
	// exec runs like web's.
	Worker bool
	// Database names the database of the app's DATABASE_URL (the Secret
	// and the exec's environment) instead of the rig's own, for tests
	// that replace it (ctl db restore).
	Database string
	// Logs makes the web and worker containers write log lines
	// (scripts/sandbox/app-log.sh: plain and JSON lines, one every
	// LogInterval, default 1s) that pods/log serves.
	Logs        bool
	LogInterval string
	// SecretKey, when set, is the app's SECRET_KEY: the key SECRET_KEY of
	// the myapp-env Secret, which the app containers take through envFrom.
	SecretKey string
	// ConfigMap, when set, is the data of the myapp-config ConfigMap,
	// which the app containers take through envFrom (after myapp-env).
	ConfigMap map[string]string
	// ExternalSecret, when set, is the data of the myapp-external Secret,
	// annotated as an ExternalSecret's target (reconcile.external-secrets.io/
	// data-hash), which the app containers take through envFrom.
	ExternalSecret map[string]string
	// Debug, when set, is the app's DEBUG: the key DEBUG of the same
	// myapp-env Secret.
	Debug string
}

func int32p(i int32) *int32 { return &i }

// DeployApp deploys myapp and returns it once its pods are Ready.
func DeployApp(t testing.TB, o AppOptions) *App {
	t.Helper()
	sb := sandbox.Require(t)
	dsn := testenv.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal("CTL_TEST_PG_DSN does not parse")
	}
	if o.Database != "" {
		u.Path = "/" + o.Database
		dsn = u.String()
	}
	a := &App{SB: sb, Project: testenv.ExampleProject(t), DSN: dsn, Dir: t.TempDir(), Home: o.Home, Kubeconfig: sb.Kubeconfig}
	if a.Home == "" {
		a.Home = t.TempDir()
	}
	a.NS = sb.Namespace(t, map[string]string{"app.kubernetes.io/part-of": "myapp"})
	ctx, c := context.Background(), sb.Client
	pw, _ := u.User.Password()
	inCluster := fmt.Sprintf("postgres://%s:%s@postgres:5432%s", u.User.Username(), pw, u.Path)
	if _, err := c.CoreV1().Secrets(a.NS).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "myapp-db"},
		StringData: map[string]string{"url": inCluster, "password": pw},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// envSecret is the myapp-env Secret the containers take through
	// envFrom; the exec's environment gets it too, as a kubelet would.
	envSecret := map[string]string{}
	if o.SecretKey != "" {
		envSecret["SECRET_KEY"] = o.SecretKey
	}
	if o.Debug != "" {
		envSecret["DEBUG"] = o.Debug
	}
	if len(envSecret) > 0 {
		if _, err := c.CoreV1().Secrets(a.NS).Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "myapp-env"},
			StringData: envSecret,
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if o.ConfigMap != nil {
		if _, err := c.CoreV1().ConfigMaps(a.NS).Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: "myapp-config"}, Data: o.ConfigMap,
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if o.ExternalSecret != nil {
		if _, err := c.CoreV1().Secrets(a.NS).Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "myapp-external", Annotations: map[string]string{"reconcile.external-secrets.io/data-hash": "0123abcd"}},
			StringData: o.ExternalSecret,
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	type component struct {
		name     string
		replicas int
	}
	var comps []component // the Deployments, whose pods exec in the project
	deploy := func(comp string, replicas int, sidecar bool) {
		comps = append(comps, component{comp, replicas})
		labels := map[string]string{"app.kubernetes.io/name": "myapp", "app.kubernetes.io/part-of": "myapp", "app.kubernetes.io/component": comp}
		containers := []corev1.Container{{Name: comp, Image: "myapp:1.4.2", Env: []corev1.EnvVar{
			{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-db"}, Key: "url"}}},
			{Name: "DJANGO_SETTINGS_MODULE", Value: "mysite.settings"},
		}}}
		if len(envSecret) > 0 {
			containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-env"}}}}
		}
		if o.ConfigMap != nil {
			containers[0].EnvFrom = append(containers[0].EnvFrom, corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-config"}}})
		}
		if o.ExternalSecret != nil {
			containers[0].EnvFrom = append(containers[0].EnvFrom, corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "myapp-external"}}})
		}
		var ann map[string]string
		if sidecar {
			containers = append([]corev1.Container{{Name: "nginx", Image: "nginx"}}, containers...)
			ann = map[string]string{"kubectl.kubernetes.io/default-container": comp}
		}
		if _, err := c.AppsV1().Deployments(a.NS).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: comp, Labels: labels},
			Spec: appsv1.DeploymentSpec{Replicas: int32p(int32(replicas)), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: ann}, Spec: corev1.PodSpec{Containers: containers}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if o.Logs {
		script := sandbox.AppLogScript(t)
		iv := o.LogInterval
		if iv == "" {
			iv = "1"
		}
		for _, comp := range []string{"web", "worker"} {
			sb.SetContainerRule(t, sandbox.ContainerRule{Namespace: a.NS, PodPrefix: comp + "-", Container: comp,
				Command: []string{"/bin/sh", script, comp}, Env: []string{"LOG_INTERVAL=" + iv}})
		}
	}
	webReplicas := o.WebReplicas
	if webReplicas == 0 {
		webReplicas = 1
	}
	deploy("web", webReplicas, o.Sidecar)
	if o.Worker {
		deploy("worker", 1, false)
	}
	pgLabels := map[string]string{"app": "postgres"}
	if _, err := c.CoreV1().Pods(a.NS).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "postgres-0", Labels: pgLabels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "postgres", Image: "postgres:15", Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(a.NS).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres"},
		Spec: corev1.ServiceSpec{Selector: pgLabels, Ports: []corev1.ServicePort{{Port: 5432}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	path := o.WebPATH
	if path == "" {
		path = filepath.Join(a.Project, ".venv", "bin") + ":/usr/local/bin:/usr/bin:/bin"
	}
	// The exec's environment has the envFrom sources, in their order (a
	// later one wins), as a kubelet gives them to the container.
	fromEnv := map[string]string{}
	for _, src := range []map[string]string{envSecret, o.ConfigMap, o.ExternalSecret} {
		for k, v := range src {
			fromEnv[k] = v
		}
	}
	for _, comp := range comps {
		sb.SetExecRule(t, sandbox.ExecRule{Namespace: a.NS, PodPrefix: comp.name + "-", WorkDir: a.Project,
			Env: append([]string{"PATH=" + path, "DATABASE_URL=" + dsn, "HOME=" + a.Home, "TERM=xterm-256color", "PS1=pod$ ", "APP_ENV=" + a.NS}, envList(fromEnv)...)})
	}
	sb.SetPortForwardRule(t, sandbox.PortForwardRule{Namespace: a.NS, PodPrefix: "postgres", Port: 5432, Target: "127.0.0.1:" + u.Port()})
	// Exec in the database's pod (db dump --remote): the server is where
	// libpq's environment in that pod says, here the rig.
	sb.SetExecRule(t, sandbox.ExecRule{Namespace: a.NS, PodPrefix: "postgres-", WorkDir: a.Dir,
		Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + a.Home, "PGHOST=" + u.Hostname(), "PGPORT=" + u.Port()}})
	for _, comp := range comps {
		sb.WaitPodsReady(t, a.NS, "app.kubernetes.io/component="+comp.name, comp.replicas)
	}
	sb.WaitPodsReady(t, a.NS, "app=postgres", 1)
	cfg := fmt.Sprintf("app: myapp\nenvironments:\n  qa:\n    target: kubernetes\n    namespace: %s\n", a.NS)
	if o.Shell != "" {
		cfg += "    shell: " + o.Shell + "\n"
	}
	if o.Protected {
		cfg += "    protected: true\n"
	}
	if err := os.WriteFile(filepath.Join(a.Dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return a
}

// Password is the database password (the rig's).
func (a *App) Password() string {
	u, _ := url.Parse(a.DSN)
	pw, _ := u.User.Password()
	return pw
}

// Env is ctl's environment: a clean one (testenv.CleanEnv) with the
// app's kubeconfig, HOME and state directory, plus extra.
func (a *App) Env(extra ...string) []string {
	return testenv.CleanEnv(append([]string{"KUBECONFIG=" + a.Kubeconfig, "HOME=" + a.Home, "XDG_STATE_HOME=" + filepath.Join(a.Home, "state")}, extra...)...)
}

// Command is the ctl binary with args, in Dir, with Env().
func (a *App) Command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = a.Dir
	cmd.Env = a.Env()
	return cmd
}

// Result is a finished ctl run.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs ctl with args and stdin to the end.
func (a *App) Run(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	stdout, stderr, code := testenv.Run(t, a.Command(t, args...), stdin)
	return Result{stdout, stderr, code}
}

// ProxyAPI puts a Relay between ctl and the sandbox's API server, points
// the app's Kubeconfig at it, and stops it when the test ends.
func (a *App) ProxyAPI(t testing.TB) *Relay {
	t.Helper()
	target, err := url.Parse(a.SB.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	r := StartRelay(t, target.Host)
	cfg := rest.CopyConfig(a.SB.Config)
	cfg.Host = "https://" + r.Addr
	a.Kubeconfig = a.SB.WriteKubeconfig(t, cfg, a.NS)
	return r
}

// envList renders a Secret's data as KEY=VALUE, sorted.
func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// UpdateDeployment changes the Deployment name of the app's namespace
// with mutate, read afresh and retried when the controllers updated it
// meanwhile (a Get then Update otherwise fails now and then with "the
// object has been modified").
func (a *App) UpdateDeployment(t testing.TB, name string, mutate func(*appsv1.Deployment)) {
	t.Helper()
	ctx := context.Background()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := a.SB.Client.AppsV1().Deployments(a.NS).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		mutate(d)
		_, err = a.SB.Client.AppsV1().Deployments(a.NS).Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("updating deployment %s: %v", name, err)
	}
}
