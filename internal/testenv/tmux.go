package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tmux drives one interactive program in a private tmux server, as a
// person at a terminal would: type, read the screen, see the exit code.
type Tmux struct {
	t        testing.TB
	socket   string
	codeFile string
}

// StartTmux runs argv in dir with exactly env, on a w×h terminal.
func StartTmux(t testing.TB, dir string, env []string, w, h int, argv ...string) *Tmux {
	t.Helper()
	bin := RequireTool(t, "tmux")
	tmp := t.TempDir()
	m := &Tmux{t: t, socket: filepath.Join(tmp, "sock"), codeFile: filepath.Join(tmp, "code")}
	// The script records the exit code, then keeps the pane for a final capture.
	var quoted []string
	for _, a := range argv {
		quoted = append(quoted, shellQuote(a))
	}
	// The environment goes through a private file the script sources,
	// not tmux's argv: it may hold a secret (a DSN), and argv is readable
	// by every process — other tests scan /proc for their secrets. The
	// script removes the file once read (tests scan files too).
	envFile := filepath.Join(tmp, "env")
	var eb strings.Builder
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			fmt.Fprintf(&eb, "%s=%s\n", k, shellQuote(v))
		}
	}
	if err := os.WriteFile(envFile, []byte(eb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(tmp, "run.sh")
	body := fmt.Sprintf("#!/bin/sh\nset -a\n. %s\nset +a\nrm -f %s\ncd %s || exit 99\n%s\necho $? > %s.tmp && mv %s.tmp %s\nsleep 600\n",
		shellQuote(envFile), shellQuote(envFile), shellQuote(dir), strings.Join(quoted, " "), m.codeFile, m.codeFile, m.codeFile)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-S", m.socket, "-f", "/dev/null", "new-session", "-d", "-s", "ctl",
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "/usr/bin/env", "-i", "/bin/sh", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("starting tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(bin, "-S", m.socket, "kill-server").Run() })
	return m
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (m *Tmux) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-S", m.socket}, args...)...).CombinedOutput()
	return string(out), err
}

// Type sends text literally, then Enter.
func (m *Tmux) Type(text string) {
	m.t.Helper()
	if strings.HasSuffix(text, ";") {
		// tmux reads an argument ending in ';' as a command separator.
		text = text[:len(text)-1] + `\;`
	}
	if out, err := m.tmux("send-keys", "-t", "ctl", "-l", text); err != nil {
		m.t.Fatalf("send-keys: %v: %s", err, out)
	}
	if out, err := m.tmux("send-keys", "-t", "ctl", "Enter"); err != nil {
		m.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

// Keys sends tmux key names (C-c, C-d...).
func (m *Tmux) Keys(keys ...string) {
	m.t.Helper()
	if out, err := m.tmux(append([]string{"send-keys", "-t", "ctl"}, keys...)...); err != nil {
		m.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

// Resize changes the terminal size.
func (m *Tmux) Resize(w, h int) {
	m.t.Helper()
	if out, err := m.tmux("resize-window", "-t", "ctl", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)); err != nil {
		m.t.Fatalf("resize-window: %v: %s", err, out)
	}
}

// Screen returns the visible pane plus scrollback.
func (m *Tmux) Screen() string {
	out, _ := m.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "ctl")
	return out
}

// WaitFor waits until the screen satisfies ok; it fails the test with the
// screen after the (generous) deadline. This bounds a hang; it does not
// measure speed.
func (m *Tmux) WaitFor(what string, ok func(screen string) bool) string {
	m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := m.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitForText waits until the screen contains text.
func (m *Tmux) WaitForText(text string) string {
	m.t.Helper()
	return m.WaitFor(strconv.Quote(text), func(s string) bool { return strings.Contains(s, text) })
}

// ExitCode waits for the program to end and returns its exit code.
func (m *Tmux) ExitCode() int {
	m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(m.codeFile); err == nil {
			code, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				m.t.Fatalf("exit code file: %q", b)
			}
			return code
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("program did not exit; screen:\n%s", m.Screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
