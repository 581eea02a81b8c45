package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/term"
	"github.com/ctlops/ctl/targets"
)

// Deps configure a Kubernetes target.
type Deps struct {
	// App is the configuration's app name (default selectors use it).
	App string
	// Timeout bounds every API call (not the sessions); the connection's
	// when zero.
	Timeout time.Duration
	// Opts are the per-invocation overrides (--component, --pod, -c).
	Opts targets.Options
}

// Target is a Kubernetes environment.
type Target struct {
	env       *config.Environment
	app       string
	opts      targets.Options
	conn      *Connection
	namespace string

	// the last session's placement and command; dbDirect: dbshell
	// reached the database without a tunnel (no pod involved)
	pod, container string
	ran            []string
	dbDirect       bool
	// dbPod is the database's pod DatabaseHost chose (db dump --remote).
	dbPod          *corev1.Pod
	dbPodContainer string
}

var (
	_ targets.Target        = (*Target)(nil)
	_ targets.Described     = (*Target)(nil)
	_ targets.EventRecorder = (*Target)(nil)
	_ targets.Ran           = (*Target)(nil)
)

// New is the target of env over conn (its context's connection); no
// network.
func New(env *config.Environment, conn *Connection, deps Deps) *Target {
	conn = conn.WithTimeout(deps.Timeout)
	return &Target{env: env, app: deps.App, opts: deps.Opts, conn: conn, namespace: EnvNamespace(env.Namespace, env.Name, conn.Namespace)}
}

// Connection is the connection the target talks through.
func (t *Target) Connection() *Connection { return t.conn }

// Env returns the configuration.
func (t *Target) Env() *config.Environment { return t.env }

// Namespace is the resolved namespace.
func (t *Target) Namespace() string { return t.namespace }

// Where says where sessions run.
func (t *Target) Where() string {
	w := t.conn.Context + "/" + t.namespace
	if t.pod != "" {
		w += "/" + t.pod
		if t.container != "" {
			w += " (" + t.container + ")"
		}
	}
	return w
}

// Placement is where the last session ran.
func (t *Target) Placement() (string, string, string, string) {
	return t.conn.Context, t.namespace, t.pod, t.container
}

// ShellArgv is the configured shell, else bash when the image has it and
// sh otherwise (Run asks the container which, then runs that one).
func (t *Target) ShellArgv(cmd string) []string {
	if cmd != "" {
		return []string{"sh", "-c", cmd}
	}
	if t.env.Shell != "" {
		return strings.Fields(t.env.Shell)
	}
	return []string{"sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi"}
}

// RanArgv is what the last session ran: for an interactive shell, the
// shell the user got (bash -l or sh -l), not how ctl chose it.
func (t *Target) RanArgv() []string { return t.ran }

// shellProbe prints the login shell the container has: bash, else sh.
var shellProbe = []string{"sh", "-c", "if command -v bash >/dev/null 2>&1; then echo bash; else echo sh; fi"}

// interactiveShell asks the container (one exec without a terminal)
// which shell it has, so that the session runs it directly and the trail
// records it.
func (t *Target) interactiveShell(ctx context.Context, pod *corev1.Pod, container string) ([]string, error) {
	if t.env.Shell != "" {
		return strings.Fields(t.env.Shell), nil
	}
	var out, errb strings.Builder
	code, err := t.exec(ctx, pod, container, shellProbe, targets.Command{Stdout: &out, Stderr: &errb})
	if err != nil {
		return nil, err
	}
	sh := strings.TrimSpace(out.String())
	if code != 0 || (sh != "bash" && sh != "sh") {
		return nil, fmt.Errorf("pod %s/%s, container %s: cannot find a shell (sh exited %d: %s)", pod.Namespace, pod.Name, container, code, strings.TrimSpace(errb.String()))
	}
	return []string{sh, "-l"}, nil
}

// ManageArgv is the container's python and manage.py (relative to the
// container's working directory unless configured).
func (t *Target) ManageArgv(context.Context) ([]string, error) {
	return targets.ManageArgv(t.env, "python"), nil
}

// Settings lists what env show resolves without touching the network.
// A value ctl.yaml (or the personal file) set keeps that file and line as
// its origin; only what ctl worked out itself is "detected".
func (t *Target) Settings() []targets.Setting {
	origin := func(key, note string) config.Origin {
		if o, ok := t.env.Origins[key]; ok {
			return o
		}
		return config.Origin{Kind: config.SourceDetected, Note: note}
	}
	nsNote := "the namespace of kubeconfig context " + t.conn.Context
	if t.conn.Namespace == "" {
		nsNote = "no namespace configured: default"
	}
	comp, sel := t.component()
	compOrigin := origin("component", "default: web, selected by the app's labels")
	if _, ok := t.env.Components[comp]; ok && !t.env.Has("component") {
		compOrigin = origin("components", "")
	}
	if t.opts.Component != "" {
		compOrigin = config.Origin{Kind: config.SourceDetected, Note: "--component"}
	}
	return []targets.Setting{
		{Key: "context", Value: t.conn.Context, Origin: origin("context", "the kubeconfig's current context")},
		{Key: "server", Value: t.conn.Server, Origin: config.Origin{Kind: config.SourceDetected, Note: "kubeconfig context " + t.conn.Context}},
		{Key: "namespace", Value: t.namespace, Origin: origin("namespace", nsNote)},
		{Key: "component", Value: comp + " (" + sel + ")", Origin: compOrigin},
	}
}

// Run execs the session in the chosen pod: one pod list, one exec stream.
func (t *Target) Run(ctx context.Context, s targets.Command) (int, error) {
	pod, err := t.choosePod(ctx)
	if err != nil {
		return 0, err
	}
	container, err := t.chooseContainer(pod)
	if err != nil {
		return 0, err
	}
	t.pod, t.container = pod.Name, container
	argv := s.Argv
	if len(argv) == 0 {
		if argv, err = t.interactiveShell(ctx, pod, container); err != nil {
			return 0, err
		}
	}
	t.ran = argv
	if s.Started != nil {
		s.Started()
	}
	return t.exec(ctx, pod, container, argv, s)
}

func (t *Target) exec(ctx context.Context, pod *corev1.Pod, container string, argv []string, s targets.Command) (int, error) {
	var tty *term.TTY
	if s.TTY {
		tty = term.Open(s.Stdin, s.Stdout)
	}
	stdin := s.Stdin
	if s.NoStdin {
		stdin = nil
	}
	u := t.conn.ExecURL(pod.Namespace, pod.Name, &corev1.PodExecOptions{
		Container: container, Command: argv,
		Stdin: stdin != nil, Stdout: true, Stderr: tty == nil, TTY: tty != nil,
	})
	opts := remotecommand.StreamOptions{Stdin: stdin, Stdout: s.Stdout, Stderr: s.Stderr, Tty: tty != nil}
	var err error
	run := func() error { return t.conn.Executor.Execute(ctx, t.conn.Config, u, opts) }
	if tty != nil {
		opts.Stderr = nil // a TTY merges the streams
		stop := make(chan struct{})
		defer close(stop)
		opts.TerminalSizeQueue = tty.SizeQueue(stop)
		err = tty.Safe(run)
	} else {
		err = run()
	}
	if err == nil {
		return 0, nil
	}
	var ce utilexec.CodeExitError
	if errors.As(err, &ce) {
		return ce.Code, nil
	}
	return 0, t.execError(ctx, pod, err)
}

// execError explains a failed exec; RBAC refusals name the missing verb.
func (t *Target) execError(ctx context.Context, pod *corev1.Pod, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if ok, cerr := t.conn.Can(context.WithoutCancel(ctx), "create", "pods", "exec", pod.Namespace); cerr == nil && !ok {
		return &ForbiddenError{Verb: "create", Resource: "pods/exec", Namespace: pod.Namespace, Context: t.conn.Context, Err: err}
	}
	return fmt.Errorf("exec in pod %s/%s: %w", pod.Namespace, pod.Name, t.conn.Classify(err, "create", "pods/exec", pod.Namespace))
}
