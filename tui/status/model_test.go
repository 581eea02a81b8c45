package status

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ctlops/ctl/status"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var clock = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func intp(i int) *int    { return &i }
func boolp(b bool) *bool { return &b }

func fixture() status.Snapshot {
	return status.Snapshot{Updated: clock, Synced: true, Envs: []status.Env{
		{Name: "local", Target: "local", Where: "/srv/mysite", Health: status.HealthWarn, Version: "v1.4.2-3-gabc123-dirty",
			Local: &status.Local{Dir: "/srv/mysite", Git: "v1.4.2-3-gabc123-dirty", PendingMigrations: intp(2), DBReachable: boolp(true), DB: "127.0.0.1:5432"}},
		{Name: "qa", Target: "kubernetes", Where: "sbx/myapp-qa", Health: status.HealthOK, Version: "1.4.2", Namespace: "myapp-qa",
			Components: []status.Component{{Name: "web", Kind: "Deployment", Ready: 2, Desired: 2}, {Name: "worker", Kind: "Deployment", Ready: 1, Desired: 1}},
			RolloutAt:  clock.Add(-5 * time.Minute), Migration: &status.Migration{Job: "migrate-7", State: "Succeeded", Pods: []string{"migrate-7-x"}},
			Pods: []status.Pod{{Name: "web-7d9f-abcde", Component: "web", Phase: "Running", Ready: "2/2", Node: "kwok-node-0", Created: clock.Add(-5 * time.Minute)}}},
		{Name: "prod", Target: "kubernetes", Where: "sbx/myapp-prod", Protected: true, Health: status.HealthFail, Version: "1.4.1", Namespace: "myapp-prod",
			Components: []status.Component{{Name: "web", Kind: "Deployment", Ready: 1, Desired: 2, Rolling: true}},
			Restarts:   7, RolloutAt: clock.Add(-2 * time.Minute), RolloutProgress: true,
			Migration:   &status.Migration{Job: "migrate-8", State: "Failed", Reason: "BackoffLimitExceeded", Started: clock.Add(-3 * time.Minute), Pods: []string{"migrate-8-y"}},
			LastWarning: &status.Event{Time: clock.Add(-30 * time.Second), Reason: "BackOff", Object: "pod/web-1", Message: "Back-off restarting failed container web"},
			Events:      []status.Event{{Time: clock.Add(-30 * time.Second), Reason: "BackOff", Object: "pod/web-1", Message: "Back-off restarting failed container web"}},
			Pods: []status.Pod{
				{Name: "web-1", Component: "web", Phase: "Running", Ready: "1/2", Restarts: 7, Reason: "CrashLoopBackOff", Node: "kwok-node-0", Created: clock.Add(-2 * time.Hour)},
				{Name: "web-2", Component: "web", Phase: "Running", Ready: "2/2", Node: "kwok-node-0", Created: clock.Add(-2 * time.Minute)},
			}},
		{Name: "legacy", Target: "ssh", Where: "deploy@127.0.0.1", Health: status.HealthOK, Reachable: boolp(true), Note: "ssh: 1 host(s) reachable; revision not shown yet"},
	}}
}

func newModel(t *testing.T) Model {
	t.Helper()
	m := New(Options{Now: func() time.Time { return clock }, Executable: func() (string, error) { return "/usr/bin/ctl", nil }})
	return step(t, m, tea.WindowSizeMsg{Width: 120, Height: 20}, snapshotMsg(fixture()))
}

func step(t *testing.T, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// ascii renders the view as an ASCII terminal shows it: no colours.
func ascii(t *testing.T, m Model) string {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.ASCII}
	if _, err := w.Write([]byte(m.Render())); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test ./tui/status -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGoldenList(t *testing.T) {
	m := newModel(t)
	out := ascii(t, m)
	if n := strings.Count(out, "\n") + 1; n != 20 {
		t.Errorf("%d lines, want the 20 of the terminal", n)
	}
	golden(t, "list", out)
}

func TestGoldenDetail(t *testing.T) {
	m := step(t, newModel(t), press("j"), press("j"), press("enter"), logsMsg{env: "prod", text: "Applying inventory.0003_auto...\ndjango.db.utils.ProgrammingError: column exists"})
	golden(t, "detail_prod", ascii(t, m))
}

func TestGoldenStaleAndHelp(t *testing.T) {
	s := fixture()
	s.Conns = []status.Conn{{Name: "kubernetes:sbx", Stale: true, Since: clock.Add(-42 * time.Second), Err: "dial tcp 127.0.0.1:6443: connect: connection refused"}}
	m := step(t, newModel(t), snapshotMsg(s), press("?"))
	golden(t, "stale_help", ascii(t, m))
}

func TestNavigationKeepsSelectionAcrossUpdates(t *testing.T) {
	m := step(t, newModel(t), press("down"), press("j"))
	if e := m.Selected(); e == nil || e.Name != "prod" {
		t.Fatalf("selected %v, want prod", e)
	}
	// A new snapshot with the rows in another order keeps prod selected.
	s := fixture()
	s.Envs[0], s.Envs[2] = s.Envs[2], s.Envs[0]
	m = step(t, m, snapshotMsg(s))
	if e := m.Selected(); e.Name != "prod" {
		t.Fatalf("after update selected %s, want prod", e.Name)
	}
	m = step(t, m, press("up"), press("k"), press("k"), press("k"))
	if m.cursor != 0 {
		t.Fatalf("cursor %d past the top", m.cursor)
	}
}

func TestFilter(t *testing.T) {
	m := step(t, newModel(t), press("/"), press("p"), press("r"), press("o"))
	if !m.filtering || m.filter != "pro" || len(m.visible) != 1 || m.Selected().Name != "prod" {
		t.Fatalf("filter %q visible %v", m.filter, m.visible)
	}
	// While filtering, keys are text: q does not quit.
	nm, cmd := m.Update(press("q"))
	if cmd != nil || nm.(Model).filter != "proq" {
		t.Fatalf("q while filtering: cmd %v filter %q", cmd, nm.(Model).filter)
	}
	m = step(t, nm.(Model), press("backspace"), press("enter"))
	if m.filtering || m.filter != "pro" {
		t.Fatalf("enter ends editing, keeps the filter: %v %q", m.filtering, m.filter)
	}
	m = step(t, m, press("esc"))
	if m.filter != "" || len(m.visible) != 4 {
		t.Fatalf("esc clears the filter: %q %v", m.filter, m.visible)
	}
}

func TestQuit(t *testing.T) {
	_, cmd := newModel(t).Update(press("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
}

func TestSessionKeysRunCtlItself(t *testing.T) {
	for _, tt := range []struct{ key, verb string }{{"s", "shell"}, {"p", "pyshell"}, {"d", "dbshell"}} {
		m := step(t, newModel(t), press("j"))
		nm, cmd := m.Update(press(tt.key))
		if cmd == nil {
			t.Fatalf("%s: no command", tt.key)
		}
		// The outcome comes back as a message shown in the status line.
		m = step(t, nm.(Model), execDoneMsg{verb: tt.verb, env: "qa", err: &exec.ExitError{}})
		if !strings.Contains(m.message, tt.verb+" qa: exited") {
			t.Errorf("%s: message %q", tt.key, m.message)
		}
	}
	m := step(t, newModel(t), execDoneMsg{verb: "shell", env: "qa", err: errors.New("boom")})
	if m.message != "shell qa: boom" {
		t.Errorf("message %q", m.message)
	}
}

func TestRefreshCallsProviders(t *testing.T) {
	n := 0
	m := New(Options{Now: func() time.Time { return clock }, Refresh: func() { n++ }})
	step(t, m, snapshotMsg(fixture()), press("r"))
	if n != 1 {
		t.Fatalf("refresh called %d times", n)
	}
}

func TestLoadingScreen(t *testing.T) {
	m := step(t, New(Options{Now: func() time.Time { return clock }}), tea.WindowSizeMsg{Width: 80, Height: 10})
	if !strings.Contains(ascii(t, m), "connecting…") {
		t.Fatalf("no connecting marker:\n%s", ascii(t, m))
	}
}
