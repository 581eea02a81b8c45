package run_test

// `ctl run` against the Kubernetes sandbox: the built binary creates a
// real Job through the API server; fakekubelet runs its pod's command in
// the example project (as exec does), reports its exit in the pod's
// status and serves attach.

import (
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

type trailRec struct {
	Verb     string   `json:"verb"`
	Command  []string `json:"command"`
	ExitCode int      `json:"exitCode"`
	Job      string   `json:"job"`
	Image    string   `json:"image"`
	Pod      string   `json:"pod"`
	Error    string   `json:"error"`
}

// jobs lists the namespace's Jobs (and whether their pods are gone).
func jobs(t *testing.T, a *sandboxtest.App) []batchv1.Job {
	t.Helper()
	l, err := a.SB.Client.BatchV1().Jobs(a.NS).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// waitNoRunLeft waits until no Job and no Job pod is left in the namespace.
func waitNoRunLeft(t *testing.T, a *sandboxtest.App, why string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		js := jobs(t, a)
		pods, err := a.SB.Client.CoreV1().Pods(a.NS).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=ctl"})
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 && len(pods.Items) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d Jobs and %d pods left", why, len(js), len(pods.Items))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestRunSandbox(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})

	t.Run("exit 0, output and the trail", func(t *testing.T) {
		r := a.Run(t, "", "run", "qa", "--", "sh", "-c", "echo hello from $APP_ENV in $(basename $PWD); python manage.py showmigrations auth | head -2")
		if r.Code != 0 || !strings.Contains(r.Stdout, "hello from "+a.NS) || !strings.Contains(r.Stdout, "auth") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
		waitNoRunLeft(t, a, "after the run")
		recs := testenv.ReadTrail[trailRec](t, a.Home)
		last := recs[len(recs)-1]
		if last.Verb != "run" || last.ExitCode != 0 || !strings.HasPrefix(last.Job, "web-run-") || last.Image != "myapp:1.4.2" || !strings.HasPrefix(last.Pod, last.Job) {
			t.Fatalf("trail: %+v", last)
		}
	})

	t.Run("exit 7 is ctl's", func(t *testing.T) {
		r := a.Run(t, "", "run", "qa", "--json", "--", "sh", "-c", "echo out; echo err >&2; exit 7")
		if r.Code != 7 {
			t.Fatalf("exit %d, want 7\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
		if !strings.Contains(r.Stdout, `"exitCode": 7`) || !strings.Contains(r.Stdout, `"job": "web-run-`) || !strings.Contains(r.Stderr, "out") {
			t.Fatalf("--json document / output:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
		}
		waitNoRunLeft(t, a, "after exit 7")
		recs := testenv.ReadTrail[trailRec](t, a.Home)
		if last := recs[len(recs)-1]; last.ExitCode != 7 || last.Job == "" {
			t.Fatalf("trail: %+v", last)
		}
	})

	t.Run("stdin piped", func(t *testing.T) {
		r := a.Run(t, "line one\nline two\n", "run", "qa", "--", "sh", "-c", "wc -l")
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != "2" {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("a password in the command stays out of the Job and the trail", func(t *testing.T) {
		const pw = "hunter2-" + "not-in-the-trail"
		r := a.Run(t, "", "run", "qa", "--detach", "--size", "cpu=1500m,memory=768Mi", "--", "sh", "-c", "sleep 30", "x", "--password="+pw)
		name := strings.TrimSpace(r.Stdout)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		j, err := a.SB.Client.BatchV1().Jobs(a.NS).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ann := j.Annotations["ctlops.dev/command"]; strings.Contains(ann, pw) || !strings.Contains(ann, "--password=***") {
			t.Errorf("command annotation %q", ann)
		}
		// --size: the Job's container asks for (and is limited to) it.
		res := j.Spec.Template.Spec.Containers[0].Resources
		cpu, mem, lcpu := res.Requests[corev1.ResourceCPU], res.Requests[corev1.ResourceMemory], res.Limits[corev1.ResourceCPU]
		if cpu.String() != "1500m" || mem.String() != "768Mi" || lcpu.String() != "1500m" {
			t.Errorf("--size: requests cpu %s memory %s, limit cpu %s", cpu.String(), mem.String(), lcpu.String())
		}
		if k := a.Run(t, "", "run", "qa", "--kill", name); k.Code != 0 {
			t.Fatalf("--kill: %s", k.Stderr)
		}
		testenv.AssertSecretNotInFiles(t, pw, []string{a.Home, a.Dir})
		waitNoRunLeft(t, a, "after --kill")
	})

	t.Run("deadline exceeded", func(t *testing.T) {
		r := a.Run(t, "", "run", "qa", "--deadline", "2s", "--", "sleep", "60")
		if r.Code != 255 || !strings.Contains(r.Stderr, "deadline") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
		waitNoRunLeft(t, a, "after the deadline")
	})

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String()+" deletes the Job", func(t *testing.T) {
			cmd := a.Command(t, "run", "qa", "--", "sh", "-c", "echo started; sleep 300")
			var out testenv.SyncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitOutput(t, &out, "started")
			if len(jobs(t, a)) != 1 {
				t.Fatalf("want one Job while it runs")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Fatalf("ctl after %v: %v\n%s", sig, err, out.String())
			}
			waitNoRunLeft(t, a, "after "+sig.String())
		})
	}

	t.Run("detach, list, logs, attach, kill", func(t *testing.T) {
		r := a.Run(t, "", "run", "qa", "--detach", "--", "sh", "-c", "echo detached-line; sleep 2; exit 3")
		name := strings.TrimSpace(r.Stdout)
		if r.Code != 0 || !strings.HasPrefix(name, "web-run-") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
		l := a.Run(t, "", "run", "--list", "qa")
		if l.Code != 0 || !strings.Contains(l.Stdout, name) {
			t.Fatalf("--list: exit %d\n%s\n%s", l.Code, l.Stdout, l.Stderr)
		}
		at := a.Run(t, "", "run", "qa", "--attach", name)
		if at.Code != 3 || !strings.Contains(at.Stdout, "detached-line") {
			t.Fatalf("--attach: exit %d\n%s\n%s", at.Code, at.Stdout, at.Stderr)
		}
		// What the kubelet reported: the pod failed, its container exited 3.
		pods, err := a.SB.Client.CoreV1().Pods(a.NS).List(context.Background(), metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + name})
		if err != nil || len(pods.Items) != 1 {
			t.Fatalf("the run's pod: %v (%d pods)", err, len(pods.Items))
		}
		p := pods.Items[0]
		if p.Status.Phase != corev1.PodFailed || len(p.Status.ContainerStatuses) != 1 {
			t.Fatalf("pod phase %s, statuses %+v", p.Status.Phase, p.Status.ContainerStatuses)
		}
		if term := p.Status.ContainerStatuses[0].State.Terminated; term == nil || term.ExitCode != 3 || term.Reason != "Error" || term.ContainerID == "" {
			t.Fatalf("container state %+v", p.Status.ContainerStatuses[0].State)
		}
		lg := a.Run(t, "", "logs", "qa", "run/"+name, "--no-follow")
		if lg.Code != 0 || !strings.Contains(lg.Stdout, "detached-line") {
			t.Fatalf("logs run/%s: exit %d\n%s\n%s", name, lg.Code, lg.Stdout, lg.Stderr)
		}
		k := a.Run(t, "", "run", "qa", "--kill", name)
		if k.Code != 0 {
			t.Fatalf("--kill: exit %d\n%s\n%s", k.Code, k.Stdout, k.Stderr)
		}
		waitNoRunLeft(t, a, "after --kill")
	})
}

func TestRunSandboxTTY(t *testing.T) {
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{})
	env := a.Env("TERM=xterm")
	m := testenv.StartTmux(t, a.Dir, env, 100, 30, testenv.Ctl(t), "run", "qa", "--", "sh", "-c",
		`printf 'name? '; read n; echo "hi $n from $(tty)"; stty size; exit 7`)
	// The prompt may have been printed before the attach: the command
	// waits for a line either way.
	m.WaitFor("the Job's pod attached", func(s string) bool { return strings.Contains(s, "Job web-run-") })
	m.Type("ada\n")
	// The window's size reached the command's terminal through the attach.
	m.WaitFor("the command's answer and its terminal's size (30 rows, 100 columns)", func(s string) bool {
		return strings.Contains(s, "hi ada from /dev/pts/") && strings.Contains(s, "\n30 100")
	})
	if code := m.ExitCode(); code != 7 {
		t.Fatalf("exit %d, want 7:\n%s", code, m.Screen())
	}
	waitNoRunLeft(t, a, "after the TTY run")

	// A command that is done before the attach: its output still shows
	// (from its log), and its exit code is ctl's.
	m3 := testenv.StartTmux(t, a.Dir, env, 100, 30, testenv.Ctl(t), "run", "qa", "--", "sh", "-c", "echo quick-line; exit 5")
	if code := m3.ExitCode(); code != 5 || !strings.Contains(m3.Screen(), "quick-line") {
		t.Fatalf("quick command: exit %d:\n%s", code, m3.Screen())
	}

	// Ctrl-C goes to the command (its terminal's SIGINT), and the Job goes.
	m2 := testenv.StartTmux(t, a.Dir, env, 100, 30, testenv.Ctl(t), "run", "qa", "--", "sh", "-c", `echo ready; exec sleep 300`)
	m2.WaitFor("the Job's pod attached", func(s string) bool { return strings.Contains(s, "Job web-run-") })
	waitPodRunning(t, a)
	m2.Keys("C-c")
	if code := m2.ExitCode(); code != 130 {
		t.Fatalf("after Ctrl-C: exit %d, want 130:\n%s", code, m2.Screen())
	}
	waitNoRunLeft(t, a, "after Ctrl-C")
}

func waitPodRunning(t *testing.T, a *sandboxtest.App) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		pods, err := a.SB.Client.CoreV1().Pods(a.NS).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=ctl"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			for _, cs := range p.Status.ContainerStatuses {
				if p.Status.Phase == corev1.PodRunning && strings.HasPrefix(cs.ContainerID, "fakekubelet://") {
					return
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the run's pod never ran")
}

func waitOutput(t *testing.T, out *testenv.SyncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", text, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError) //nolint:errorlint // cmd.Wait returns it unwrapped
	if ok {
		*target = e
	}
	return ok
}
