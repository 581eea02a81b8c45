package ssh_test

// `ctl logs` on an ssh environment against real sshd "hosts" (all on this
// machine, so both read the same file: each line comes once per host).

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

func TestLogsSSHFileTwoHosts(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "app.log")
	var b strings.Builder
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	b.WriteString(`{"levelname": "ERROR", "name": "django.request", "message": "boom"}` + "\n")
	if err := os.WriteFile(logFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	a := newVMApp(t, []string{"web1", "web2"}, "web: [web1, web2]", "    logs:\n      files: ["+logFile+"]\n")

	r := a.ctl(t, "logs", "vm", "--no-follow")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, h := range []string{"web1", "web2"} {
		var got []string
		for l := range strings.SplitSeq(strings.TrimSpace(r.stdout), "\n") {
			if rest, ok := strings.CutPrefix(l, h+" "); ok {
				got = append(got, rest)
			}
		}
		want := "line 1|line 2|line 3|line 4|line 5|ERROR django.request boom"
		if strings.Join(got, "|") != want {
			t.Fatalf("%s: %q\nall:\n%s", h, got, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "file:"+logFile+" on web1, web2") || !strings.Contains(r.stderr, "last 100 lines") {
		t.Fatalf("header: %q", r.stderr)
	}

	r = a.ctl(t, "logs", "vm", "--no-follow", "--host", "web2", "--json", "--tail", "2")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	var e struct {
		SchemaVersion int
		Env, Host     string
		Line          *string
		JSON          map[string]any
	}
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil || e.Host != "web2" || e.Env != "vm" || e.JSON["message"] != "boom" {
		t.Fatalf("envelope %q: %v", lines[1], err)
	}

	// Following: an appended line arrives from both hosts; Ctrl-C ends it, 130.
	cmd := exec.Command(testenv.Ctl(t), "logs", "vm", "-f", "--tail", "0")
	cmd.Dir = a.dir
	cmd.Env = testenv.CleanEnv(a.env()...)
	var out, errOut testenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck
	errOut.WaitFor(t, "following")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "web1 appended") || !strings.Contains(out.String(), "web2 appended") {
		if time.Now().After(deadline) {
			t.Fatalf("appended line not followed from both hosts:\n%s\n%s", out.String(), errOut.String())
		}
		f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(f, "appended")
		f.Close() //nolint:errcheck
		time.Sleep(300 * time.Millisecond)
	}
	if strings.Contains(out.String(), "line 1") {
		t.Fatalf("--tail 0 printed old lines:\n%s", out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if e, ok := err.(*exec.ExitError); ok { //nolint:errorlint // Wait returns it as is
		ee = e
	}
	if ee == nil || ee.ExitCode() != 130 {
		t.Fatalf("after Ctrl-C: %v\n%s", err, errOut.String())
	}
	// The remote readers end with the session: no tail is left behind.
	time.Sleep(500 * time.Millisecond)
	if out, _ := exec.Command("pgrep", "-f", "tail -n 0 -F -- "+logFile).Output(); len(out) > 0 {
		t.Fatalf("remote tail left running: %s", out)
	}
}

func TestLogsSSHNotConfigured(t *testing.T) {
	a := newVMApp(t, []string{"web1"}, "web: [web1]", "")
	r := a.ctl(t, "logs", "vm", "--no-follow")
	if r.code != 2 || !strings.Contains(r.stderr, `has no log source configured`) || !strings.Contains(r.stderr, "logs:") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// Protected: SECRET_KEY and the database password, as the host's env file
// (database.url_from) gives them, are masked in text and --json.
func TestLogsSSHMasksSecrets(t *testing.T) {
	const key, pw = "sk-ssh-e2e-key-1234", "pw-ssh-e2e-5678"
	logFile := filepath.Join(t.TempDir(), "app.log")
	line := "boot SECRET_KEY=" + key + " dsn=postgres://app:" + pw + "@db/app\n"
	if err := os.WriteFile(logFile, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	a := newVMApp(t, []string{"web1"}, "web: [web1]", "    protected: true\n    logs:\n      files: ["+logFile+"]\n")
	a.writeEnvFile(t, "DATABASE_URL=postgres://app:"+pw+"@db/app\nSECRET_KEY='"+key+"'\n")
	for _, args := range [][]string{{"logs", "vm", "--no-follow"}, {"logs", "vm", "--no-follow", "--json"}} {
		r := a.ctl(t, args...)
		if strings.Contains(r.stdout+r.stderr, key) || strings.Contains(r.stdout+r.stderr, pw) {
			t.Fatalf("%v: a secret was printed", args)
		}
		if r.code != 0 || !strings.Contains(r.stdout, "boot SECRET_KEY=**** dsn=postgres://app:****@db/app") {
			t.Fatalf("%v: exit %d, stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
