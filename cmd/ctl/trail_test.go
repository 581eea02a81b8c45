package main_test

// The session trail and the CtlSession Events of every verb, against the
// sandbox: what really ran, and where.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

type trailRecord struct {
	Env, Verb, Namespace, Pod, Container, Error string
	Command                                     []string
	ExitCode                                    int
}

func readTrail(t *testing.T, a *sandboxtest.App) []trailRecord {
	t.Helper()
	return testenv.ReadTrail[trailRecord](t, a.Home)
}

// TestKubeTrailRecordsWhatRan: on a protected environment, shell records
// the shell the container had (not ctl's sh -c wrapper), pyshell
// shell_plus when it ran, dbshell the client and the database pod its
// tunnel reached, --tunnel-only nothing but the tunnel; each session
// leaves a CtlSession Event on that pod.
func TestKubeTrailRecordsWhatRan(t *testing.T) {
	testenv.RequireTool(t, "psql")
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Protected: true})
	r := a.Run(t, "echo shell-ran; exit 0\n", "shell", "qa", "--yes")
	if r.Code != 0 || !strings.Contains(r.Stdout, "shell-ran") {
		t.Fatalf("shell: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = a.Run(t, "", "pyshell", "qa", "--yes", "--", "-c", "print(6 * 7)")
	if r.Code != 0 || !strings.Contains(r.Stdout, "42") {
		t.Fatalf("pyshell: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = a.Run(t, "", "dbshell", "qa", "--yes", "--", "-XAtc", "select 40 + 2")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != "42" {
		t.Fatalf("dbshell: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// --tunnel-only: wait for the connection line, then close it as a user does.
	cmd := a.Command(t, "dbshell", "qa", "--yes", "--tunnel-only")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "host=127.0.0.1 ") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("--tunnel-only printed %q; stderr %q", line, errb.String())
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()

	recs := readTrail(t, a)
	if len(recs) != 4 {
		t.Fatalf("%d trail records, want 4: %+v", len(recs), recs)
	}
	want := []struct {
		verb, pod, container string
		command              []string
	}{
		{"shell", "web-", "web", []string{"bash", "-l"}},
		{"pyshell", "web-", "web", []string{"python", "manage.py", "shell_plus", "-c", "print(6 * 7)"}},
		{"dbshell", "postgres-0", "postgres", []string{"psql", "-XAtc", "select 40 + 2"}},
		{"dbshell --tunnel-only", "postgres-0", "postgres", nil},
	}
	for i, w := range want {
		got := recs[i]
		if got.Verb != w.verb || !strings.HasPrefix(got.Pod, w.pod) || got.Container != w.container ||
			strings.Join(got.Command, " ") != strings.Join(w.command, " ") || got.Error != "" || got.Namespace != a.NS {
			t.Errorf("record %d = %+v\nwant verb %q pod %s* container %q command %q", i, got, w.verb, w.pod, w.container, w.command)
		}
	}

	evs, err := a.SB.Client.CoreV1().Events(a.NS).List(context.Background(), metav1.ListOptions{FieldSelector: "reason=CtlSession"})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range evs.Items {
		msgs = append(msgs, e.InvolvedObject.Kind+" "+e.InvolvedObject.Name+": "+e.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, re := range []string{
		`(?m)^Pod web-\S+: ctl shell by \S+ in container web: bash -l \(exit 0,`,
		`(?m)^Pod web-\S+: ctl pyshell by \S+ in container web: python manage.py shell_plus -c print\(6 \* 7\) \(exit 0,`,
		`(?m)^Pod postgres-0: ctl dbshell by \S+ in container postgres: psql -XAtc select 40 \+ 2 \(exit 0,`,
		`(?m)^Pod postgres-0: ctl dbshell --tunnel-only by \S+ in container postgres: \(tunnel only\) \(exit 0,`,
	} {
		if !regexp.MustCompile(re).MatchString(all) {
			t.Errorf("no Event matching %s; events:\n%s", re, all)
		}
	}
}

// TestTmuxKubeSignalEndsSession: SIGTERM (or SIGHUP) sent to ctl during
// an interactive shell, pyshell or dbshell ends it with 128+n and no
// error line, the terminal restored; on a terminal shell and pyshell first
// say which pod and container they chose.
func TestTmuxKubeSignalEndsSession(t *testing.T) {
	testenv.RequireTool(t, "psql")
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{WebReplicas: 2, Sidecar: true, Shell: "bash --norc --noprofile"})
	tests := []struct {
		verb, ready string
		sig         syscall.Signal
	}{
		{"shell", "pod$", syscall.SIGTERM},
		{"pyshell", ">>>", syscall.SIGTERM},
		{"shell", "pod$", syscall.SIGHUP},
		{"dbshell", "=>", syscall.SIGTERM}, // psql, a local child, through the tunnel
	}
	for _, tt := range tests {
		t.Run(tt.verb+" "+tt.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			pidFile, sttyBefore, sttyAfter := filepath.Join(dir, "pid"), filepath.Join(dir, "stty.before"), filepath.Join(dir, "stty.after")
			script := filepath.Join(dir, "run.sh")
			body := fmt.Sprintf("#!/bin/sh\nstty -a > %s\nsh -c 'echo $$ > %s; exec \"$0\" \"$@\"' %s %s qa\ncode=$?\nstty -a > %s\nexit $code\n",
				sttyBefore, pidFile, testenv.Ctl(t), tt.verb, sttyAfter)
			if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
				t.Fatal(err)
			}
			m := testenv.StartTmux(t, a.Dir, kubeTmuxEnv(a), 120, 30, "/bin/sh", script)
			screen := m.WaitForText(tt.ready)
			placement := regexp.MustCompile(`(?m)^✓ qa \S+/` + regexp.QuoteMeta(a.NS) + `/web-\S+ \(web\)\s*$`)
			if tt.verb != "dbshell" && !placement.MatchString(screen) {
				t.Errorf("no line naming the pod and container:\n%s", screen)
			}
			b, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond) // let the remote side settle; not a timing assertion
			if err := syscall.Kill(pid, tt.sig); err != nil {
				t.Fatal(err)
			}
			if code := m.ExitCode(); code != 128+int(tt.sig) {
				t.Errorf("ctl exited %d, want %d\n%s", code, 128+int(tt.sig), m.Screen())
			}
			if s := m.Screen(); strings.Contains(s, "error:") || strings.Contains(s, "context canceled") {
				t.Errorf("an error line after the signal:\n%s", s)
			}
			before, _ := os.ReadFile(sttyBefore)
			after, _ := os.ReadFile(sttyAfter)
			if len(before) == 0 || string(before) != string(after) {
				t.Errorf("terminal modes not restored:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	// The trail has each session with its code and no error.
	for _, rec := range readTrail(t, a) {
		if (rec.ExitCode != 143 && rec.ExitCode != 129) || rec.Error != "" {
			t.Errorf("trail record %+v, want exit 143 or 129 and no error", rec)
		}
	}
}
