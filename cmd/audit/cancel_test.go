package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	auditCmd "github.com/ctlops/ctl/cmd/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
)

// heavySettings keeps the evaluator busy up to its step limit (some
// 2·10^6 steps) unless it is cancelled: uncancelled, it ends with
// findings on stdout.
var heavySettings = "DEBUG = True\nL = [" + strings.Repeat("1, ", 199) + "1]\n" +
	"for a in L:\n    for b in L:\n        for c in L:\n            X = a\nSECRET_KEY = 'x'\n"

// TestCancelledContext: the command honours its context (cobra passes the
// signal context of main): cancelled, it prints nothing and its error maps
// to exit 130.
func TestCancelledContext(t *testing.T) {
	dir := writeProject(t, map[string]string{"manage.py": "", "app/__init__.py": "", "app/settings.py": heavySettings})
	ios, _, out, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Cwd: func() (string, error) { return dir, nil }}
	cmd := auditCmd.NewCmdAudit(f, nil)
	cmd.SetArgs([]string{"app/settings.py"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := cmd.ExecuteContext(ctx)
	if !errors.Is(err, context.Canceled) || cmdutil.ExitCode(err, false) != cmdutil.ExitCancelled {
		t.Fatalf("err %v (exit %d), want context.Canceled (exit 130)", err, cmdutil.ExitCode(err, false))
	}
	if out.Len() != 0 {
		t.Errorf("a cancelled audit printed %q", out.String())
	}
}

// TestInterruptEndToEnd: Ctrl-C (SIGINT) to the real binary while it
// audits stops the audit: exit 130 and no findings. The settings file is a
// FIFO, so the signal provably arrives while ctl is inside the audit: ctl
// has opened the file for reading when the test's open for writing
// returns, and reads until the test closes it.
func TestInterruptEndToEnd(t *testing.T) {
	ctl := testenv.Ctl(t)
	dir := writeProject(t, map[string]string{"manage.py": "", "app/__init__.py": ""})
	fifo := filepath.Join(dir, "app", "settings.py")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	cmd := exec.Command(ctl, "audit", "app/settings.py", "--django-version", "4.2")
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv("HOME=" + t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	opened := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // returns once ctl opened it
		if err == nil {
			opened <- w
		}
	}()
	var w *os.File
	select {
	case w = <-opened:
	case err := <-exited:
		// Unblock the opener: open the FIFO for reading ourselves.
		if r, e := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); e == nil {
			defer r.Close()
		}
		t.Fatalf("ctl exited before reading the settings: %v\nstderr: %s", err, errb.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitSignalTaken(t, cmd.Process.Pid, syscall.SIGINT)
	if _, err := w.WriteString(heavySettings); err != nil {
		t.Fatal(err)
	}
	w.Close()
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != cmdutil.ExitCancelled {
		t.Fatalf("exit %v, want %d\nstdout: %s\nstderr: %s", err, cmdutil.ExitCancelled, out.String(), errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("the interrupted audit still printed findings:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "cancelled") {
		t.Errorf("stderr %q, want it to say cancelled", errb.String())
	}
}

// waitSignalTaken waits until sig is no longer pending for pid, i.e. a
// thread of the process took it (/proc/PID/status ShdPnd and SigPnd).
func waitSignalTaken(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	bit := uint64(1) << (uint(sig) - 1)
	status := fmt.Sprintf("/proc/%d/status", pid)
	for i := 0; i < 1000; i++ {
		b, err := os.ReadFile(status)
		if err != nil {
			return // not Linux, or gone: nothing to wait for
		}
		pending := uint64(0)
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(line, ":")
			if k == "ShdPnd" || k == "SigPnd" {
				n, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				pending |= n
			}
		}
		if pending&bit == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("signal %v still pending for process %d", sig, pid)
}
