package status

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ctlops/ctl/status"
)

// View draws the screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.Render())
	if m.opts.Trace != nil && m.have && m.snap.Synced && !*m.traced {
		*m.traced = true
		fmt.Fprintln(m.opts.Trace, "first-complete-frame")
	}
	v.AltScreen = true
	return v
}

// Render is the screen's content (what goldens compare).
func (m Model) Render() string {
	var b strings.Builder
	b.WriteString(m.titleLine())
	b.WriteString("\n")
	var body string
	if m.detail {
		body = m.detailView()
	} else {
		body = m.listView()
	}
	b.WriteString(body)
	lines := strings.Count(b.String(), "\n")
	bottom := m.bottom()
	for pad := m.height - lines - strings.Count(bottom, "\n") - 1; pad > 0; pad-- {
		b.WriteString("\n")
	}
	b.WriteString(bottom)
	return b.String()
}

func (m Model) now() string { return m.opts.Now().Format("15:04:05") }

func (m Model) titleLine() string {
	left := m.styles.Title.Render("ctl status")
	var right string
	switch {
	case !m.have:
		right = m.styles.Muted.Render("connecting…")
	default:
		n := len(m.snap.Envs)
		right = fmt.Sprintf("%d environments", n)
		if len(m.visible) != n {
			right = fmt.Sprintf("%d of %d environments", len(m.visible), n)
		}
		if !m.snap.Synced {
			right += " · loading…"
		}
		if c, stale := m.snap.Stale(); stale {
			ago := ""
			if !c.Since.IsZero() {
				ago = " " + status.Age(m.opts.Now().Sub(c.Since))
			}
			right += " · " + m.styles.Stale.Render("STALE"+ago+": "+c.Err)
		}
	}
	return truncate(left+" · "+right+" · "+m.now(), m.width)
}

func (m Model) bottom() string {
	var parts []string
	if m.filtering || m.filter != "" {
		cursor := ""
		if m.filtering {
			cursor = "█"
		}
		parts = append(parts, "/"+m.filter+cursor)
	}
	msg := m.message
	if msg == "" {
		msg = " "
	}
	parts = append(parts, truncate(m.styles.Muted.Render(msg), m.width))
	parts = append(parts, m.help.View(m.keys))
	return strings.Join(parts, "\n")
}

func (m Model) listView() string {
	if !m.have {
		return ""
	}
	now := m.opts.Now()
	// Only the rows on screen are rendered (and size the columns): a
	// frame costs the same with 5 environments or 5,000.
	end := m.offset + m.listHeight()
	if end > len(m.visible) {
		end = len(m.visible)
	}
	rows := make([][]string, 0, end-m.offset+1)
	rows = append(rows, append([]string{" "}, status.Columns...))
	for r := m.offset; r < end; r++ {
		rows = append(rows, append([]string{" "}, m.rowCells(&m.snap.Envs[m.visible[r]], now)...))
	}
	widths := columnWidths(rows, m.width)
	var b strings.Builder
	b.WriteString(m.styles.Header.Render(formatRow(rows[0], widths, m.width)))
	b.WriteString("\n")
	for r := m.offset; r < end; r++ {
		e := &m.snap.Envs[m.visible[r]]
		cells := rows[r-m.offset+1]
		marker := " "
		if r == m.cursor {
			marker = ">"
		}
		cells[0] = marker
		line := formatRow(cells, widths, m.width)
		if r == m.cursor {
			line = m.styles.Selected.Render(line)
		} else {
			// colour the name by health
			name := pad(cells[1], widths[1])
			line = marker + " " + m.styles.Health[e.Health].Render(name) + line[len(marker)+1+len(name):]
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	if len(m.visible) == 0 {
		b.WriteString(m.styles.Muted.Render("  no environment matches"))
		b.WriteString("\n")
	}
	return b.String()
}

// columnWidths fits the columns; the last one (last warning) takes what
// is left.
func columnWidths(rows [][]string, width int) []int {
	w := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			if l := ansi.StringWidth(c); l > w[i] {
				w[i] = l
			}
		}
	}
	const maxCol = 26
	for i := 1; i < len(w)-1; i++ {
		if w[i] > maxCol {
			w[i] = maxCol
		}
	}
	// On a narrow screen the widest middle columns give way first, so
	// the last column keeps at least a few cells.
	total := func() int {
		n := 0
		for i := 0; i < len(w)-1; i++ {
			n += w[i] + 1
		}
		return n
	}
	for total()+12 > width {
		widest := 1
		for i := 2; i < len(w)-1; i++ {
			if w[i] > w[widest] {
				widest = i
			}
		}
		if w[widest] <= 8 {
			break
		}
		w[widest]--
	}
	used := 0
	for i := 0; i < len(w)-1; i++ {
		used += w[i] + 1
	}
	if rest := width - used; rest < w[len(w)-1] {
		w[len(w)-1] = max(rest, 0)
	}
	return w
}

func formatRow(cells []string, widths []int, width int) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString(" ")
		}
		if i == len(cells)-1 {
			b.WriteString(truncate(c, widths[i]))
			continue
		}
		b.WriteString(pad(truncate(c, widths[i]), widths[i]))
	}
	return truncate(strings.TrimRight(b.String(), " "), width)
}

func pad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

func (m Model) detailView() string {
	e := m.Selected()
	if e == nil {
		return ""
	}
	now := m.opts.Now()
	var b strings.Builder
	line := func(s string) {
		b.WriteString(truncate(s, m.width))
		b.WriteString("\n")
	}
	title := e.Name
	if e.Protected {
		title += " (protected)"
	}
	line(m.styles.Health[e.Health].Render(title) + " · " + e.Target + " · " + e.Where + " · health " + string(e.Health))
	if e.Note != "" {
		line(m.styles.Muted.Render(e.Note))
	}
	switch e.Target {
	case "kubernetes":
		comps := make([]string, 0, len(e.Components))
		for _, c := range e.Components {
			s := fmt.Sprintf("%s %d/%d", c.Name, c.Ready, c.Desired)
			if c.Rolling {
				s += " (rolling)"
			}
			comps = append(comps, s)
		}
		line("version " + dash(e.Version) + " · components " + dash(strings.Join(comps, ", ")) + " · restarts (1h) " + strconv.Itoa(int(e.Restarts)))
		line("")
		line(m.styles.Section.Render("PODS"))
		rows := [][]string{{"NAME", "COMPONENT", "PHASE", "READY", "RESTARTS", "NODE", "AGE", "REASON"}}
		for _, p := range e.Pods {
			rows = append(rows, []string{p.Name, dash(p.Component), p.Phase, p.Ready, strconv.Itoa(int(p.Restarts)), dash(p.Node), status.Age(now.Sub(p.Created)), p.Reason})
		}
		b.WriteString(m.table(rows))
		line("")
		line(m.styles.Section.Render("WARNING EVENTS"))
		if len(e.Events) == 0 {
			line(m.styles.Muted.Render("none"))
		} else {
			rows = [][]string{{"AGE", "OBJECT", "REASON", "MESSAGE"}}
			for _, ev := range e.Events {
				rows = append(rows, []string{status.Age(now.Sub(ev.Time)), ev.Object, ev.Reason, strings.Join(strings.Fields(ev.Message), " ")})
			}
			b.WriteString(m.table(rows))
		}
		line("")
		line(m.styles.Section.Render("MIGRATIONS"))
		if mg := e.Migration; mg == nil {
			line(m.styles.Muted.Render("no migration Job (a Job labelled app.kubernetes.io/component=migrate, or named migrate…)"))
		} else {
			s := "job " + mg.Job + ": " + mg.State
			if mg.Reason != "" {
				s += " (" + mg.Reason + ")"
			}
			if !mg.Started.IsZero() {
				s += " · started " + status.Age(now.Sub(mg.Started)) + " ago"
			}
			line(s)
			if l, ok := m.logs[e.Name]; ok {
				if l.err != "" {
					line(m.styles.Muted.Render("log: " + l.err))
				}
				for _, ll := range strings.Split(l.text, "\n") {
					if ll != "" {
						line("  " + ll)
					}
				}
			}
		}
	case "local":
		if l := e.Local; l != nil {
			line("project " + dash(l.Dir))
			line("git " + dash(l.Git))
			switch {
			case l.PendingMigrations != nil:
				line("migrations: " + strconv.Itoa(*l.PendingMigrations) + " pending (manage.py showmigrations --plan)")
			case l.MigrationsError != "":
				line("migrations: " + l.MigrationsError)
			}
			switch {
			case l.DBReachable == nil:
				line("database: not configured")
			case *l.DBReachable:
				line("database " + l.DB + ": reachable")
			default:
				line("database " + l.DB + ": not reachable")
			}
		}
	default:
		if e.Reachable != nil {
			line("hosts reachable: " + strconv.FormatBool(*e.Reachable))
		}
	}
	return b.String()
}

func (m Model) table(rows [][]string) string {
	widths := columnWidths(rows, m.width)
	var b strings.Builder
	for i, r := range rows {
		s := formatRow(r, widths, m.width)
		if i == 0 {
			s = m.styles.Header.Render(s)
		}
		b.WriteString(s)
		b.WriteString("\n")
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var _ = lipgloss.Width
