package status

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ctlops/ctl/status"
)

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.clampCursor()
		return m, nil
	case snapshotMsg:
		m.snap = status.Snapshot(msg)
		m.have = true
		clear(m.rows) // new data: every row is rendered again once
		m.applyFilter()
		return m, m.waitSnapshot()
	case tickMsg:
		return m, m.tick()
	case logsMsg:
		m.logs[msg.env] = logState{text: msg.text, err: msg.err}
		return m, nil
	case execDoneMsg:
		m.message = sessionOutcome(msg)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func sessionOutcome(msg execDoneMsg) string {
	if msg.err == nil {
		return fmt.Sprintf("%s %s: exited 0", msg.verb, msg.env)
	}
	var ee *exec.ExitError
	if errors.As(msg.err, &ee) {
		return fmt.Sprintf("%s %s: exited %d", msg.verb, msg.env, ee.ExitCode())
	}
	return fmt.Sprintf("%s %s: %v", msg.verb, msg.env, msg.err)
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.filtering {
		switch msg.String() {
		case "enter":
			m.filtering = false
		case "esc":
			m.filtering, m.filter = false, ""
		case "backspace":
			if r := []rune(m.filter); len(r) > 0 {
				m.filter = string(r[:len(r)-1])
			}
		case "ctrl+c":
			m.quiting = true
			return m, tea.Quit
		default:
			if t := msg.Key().Text; t != "" {
				m.filter += t
			}
		}
		m.applyFilter()
		return m, nil
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.quiting = true
		return m, tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.fullHelp = !m.fullHelp
		m.help.ShowAll = m.fullHelp
		m.clampCursor()
	case key.Matches(msg, m.keys.Up):
		if !m.detail {
			m.cursor--
			m.clampCursor()
		}
	case key.Matches(msg, m.keys.Down):
		if !m.detail {
			m.cursor++
			m.clampCursor()
		}
	case key.Matches(msg, m.keys.Open):
		if e := m.Selected(); e != nil {
			m.detail = true
			return m, m.fetchLogs()
		}
	case key.Matches(msg, m.keys.Back):
		switch {
		case m.detail:
			m.detail = false
		case m.filter != "":
			m.filter = ""
			m.applyFilter()
		}
	case key.Matches(msg, m.keys.Filter):
		if !m.detail {
			m.filtering = true
			m.clampCursor()
		}
	case key.Matches(msg, m.keys.Refresh):
		if m.opts.Refresh != nil {
			m.opts.Refresh()
		}
		m.message = ""
		if m.detail {
			return m, m.fetchLogs()
		}
	case key.Matches(msg, m.keys.Shell):
		return m.session("shell")
	case key.Matches(msg, m.keys.PyShell):
		return m.session("pyshell")
	case key.Matches(msg, m.keys.DBShell):
		return m.session("dbshell")
	}
	return m, nil
}

// session suspends the view and runs `ctl VERB ENV` (this very binary), on
// the terminal; the view comes back when it exits.
func (m Model) session(verb string) (tea.Model, tea.Cmd) {
	e := m.Selected()
	if e == nil {
		return m, nil
	}
	if m.opts.Executable == nil {
		m.message = "cannot run sessions from here"
		return m, nil
	}
	exe, err := m.opts.Executable()
	if err != nil {
		m.message = err.Error()
		return m, nil
	}
	name := e.Name
	m.message = ""
	c := exec.Command(exe, verb, name)
	return m, tea.ExecProcess(c, func(err error) tea.Msg { return execDoneMsg{verb: verb, env: name, err: err} })
}

// fetchLogs reads the migration Job's last log lines (detail pane).
func (m Model) fetchLogs() tea.Cmd {
	e := m.Selected()
	if e == nil || e.Migration == nil || m.opts.Logs == nil {
		return nil
	}
	env := *e
	logs := m.opts.Logs
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		text, err := logs(ctx, &env, 8)
		msg := logsMsg{env: env.Name, text: strings.TrimRight(text, "\n")}
		if err != nil {
			msg.err = err.Error()
		}
		return msg
	}
}
