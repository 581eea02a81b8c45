// Package tableprinter aligns columns by their visible width, so cells
// may carry ANSI colour (text/tabwriter counts escape bytes).
package tableprinter

import (
	"io"
	"strings"

	"charm.land/lipgloss/v2"
)

// Table collects rows and prints them aligned with two spaces between columns.
type Table struct {
	rows [][]string
}

// AddRow appends a row.
func (t *Table) AddRow(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table; the last column is not padded.
func (t *Table) Render(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], lipgloss.Width(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)+2))
			}
		}
		s := strings.TrimRight(b.String(), " ")
		b.Reset()
		if _, err := io.WriteString(w, s+"\n"); err != nil {
			return err
		}
	}
	return nil
}
