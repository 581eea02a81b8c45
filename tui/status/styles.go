package status

import (
	"charm.land/lipgloss/v2"

	"github.com/ctlops/ctl/status"
)

// Styles are built once; views use nothing else.
type Styles struct {
	Title, Header, Selected, Muted, Stale, Section, Error lipgloss.Style
	Health                                                map[status.Health]lipgloss.Style
}

// DefaultStyles are the status view's styles (downsampled by bubbletea to
// the terminal's colour profile; ASCII in tests).
func DefaultStyles() Styles {
	return Styles{
		Title:    lipgloss.NewStyle().Bold(true),
		Header:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("8")),
		Selected: lipgloss.NewStyle().Reverse(true),
		Muted:    lipgloss.NewStyle().Foreground(lipgloss.Color("8")),
		Stale:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("3")),
		Section:  lipgloss.NewStyle().Bold(true),
		Error:    lipgloss.NewStyle().Foreground(lipgloss.Color("1")),
		Health: map[status.Health]lipgloss.Style{
			status.HealthOK:      lipgloss.NewStyle().Foreground(lipgloss.Color("2")),
			status.HealthWarn:    lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
			status.HealthFail:    lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
			status.HealthUnknown: lipgloss.NewStyle().Foreground(lipgloss.Color("8")),
		},
	}
}
