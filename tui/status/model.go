// Package status is the full-screen view of `ctl status`: one row per
// environment, a detail pane, and keys that suspend the view to run a
// shell in the selected environment.
package status

import (
	"context"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/ctlops/ctl/status"
)

// LogsFunc returns the last lines of the environment's migration Job log.
type LogsFunc func(ctx context.Context, e *status.Env, lines int64) (string, error)

// Options wire the view to its data and the terminal.
type Options struct {
	Updates <-chan status.Snapshot
	Refresh func()
	Logs    LogsFunc
	In      io.Reader
	Out     io.Writer
	// Executable is the ctl binary run for s/p/d (os.Executable).
	Executable func() (string, error)
	Now        func() time.Time
	// Trace, when set, gets a line "first-complete-frame" when the first
	// frame with every provider synced is drawn (make bench-status).
	Trace io.Writer
}

// Model is the view's state.
type Model struct {
	opts   Options
	keys   KeyMap
	styles Styles
	help   help.Model

	snap status.Snapshot
	have bool

	visible   []int // indices of snap.Envs passing the filter
	cursor    int
	selected  string // the selected environment's name, kept across updates
	offset    int
	detail    bool
	filtering bool
	filter    string
	fullHelp  bool
	message   string // the outcome of the last session, or an error

	traced *bool
	logs   map[string]logState
	// rows caches each environment's cells between snapshots, so that
	// the clock's tick redraws the title, not rows that did not change;
	// cellRenders counts the rows rendered (for tests).
	rows        map[string]cachedRow
	cellRenders *int
	width       int
	height      int
	quiting     bool
}

type cachedRow struct {
	cells []string
	until time.Time // zero: until the next snapshot
}

type logState struct {
	text string
	err  string
}

// New builds the model.
func New(opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := help.New()
	return Model{opts: opts, keys: DefaultKeyMap(), styles: DefaultStyles(), help: h, logs: map[string]logState{}, traced: new(bool), width: 100, height: 30,
		rows: map[string]cachedRow{}, cellRenders: new(int)}
}

// Messages.
type (
	snapshotMsg status.Snapshot
	tickMsg     time.Time
	logsMsg     struct {
		env, text, err string
	}
	execDoneMsg struct {
		verb, env string
		err       error
	}
)

// Init waits for the first snapshot and starts the clock.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.waitSnapshot(), m.tick())
}

func (m Model) waitSnapshot() tea.Cmd {
	ch := m.opts.Updates
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return snapshotMsg(s)
	}
}

// tickEvery is the header clock's period: it moves once a second; rows
// are redrawn only when their data or an age in them changed.
const tickEvery = time.Second

// tick moves the clock (and the ages of rows whose age changed).
func (m Model) tick() tea.Cmd {
	return tea.Tick(tickEvery, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// rowCells are e's cells at now, from the cache while they still hold.
func (m Model) rowCells(e *status.Env, now time.Time) []string {
	if c, ok := m.rows[e.Name]; ok && (c.until.IsZero() || now.Before(c.until)) {
		return c.cells
	}
	*m.cellRenders++
	c := cachedRow{cells: status.Cells(e, now), until: status.CellsValidUntil(e, now)}
	m.rows[e.Name] = c
	return c.cells
}

// Selected is the selected environment (nil when none).
func (m Model) Selected() *status.Env {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return nil
	}
	return &m.snap.Envs[m.visible[m.cursor]]
}

func (m *Model) applyFilter() {
	m.visible = m.visible[:0]
	f := strings.ToLower(m.filter)
	for i := range m.snap.Envs {
		e := &m.snap.Envs[i]
		if f == "" || strings.Contains(strings.ToLower(e.Name), f) || strings.Contains(strings.ToLower(e.Target), f) ||
			strings.Contains(strings.ToLower(e.Version), f) || strings.Contains(string(e.Health), f) {
			m.visible = append(m.visible, i)
		}
	}
	m.cursor = 0
	for i, idx := range m.visible {
		if m.snap.Envs[idx].Name == m.selected {
			m.cursor = i
		}
	}
	m.clampCursor()
}

func (m *Model) clampCursor() {
	if m.cursor >= len(m.visible) {
		m.cursor = len(m.visible) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	if e := m.Selected(); e != nil {
		m.selected = e.Name
	}
	rows := m.listHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if rows > 0 && m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	if m.offset < 0 {
		m.offset = 0
	}
}

// listHeight is how many rows fit: the screen less title, header, status
// line and help bar.
func (m Model) listHeight() int {
	h := m.height - 4
	if m.filtering || m.filter != "" {
		h--
	}
	if m.fullHelp {
		h -= 4
	}
	if h < 1 {
		h = 1
	}
	return h
}
