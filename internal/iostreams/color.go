package iostreams

import "charm.land/lipgloss/v2"

// ColorScheme renders the few styles ctl uses. With colour off every
// method returns its input unchanged, so callers never branch on colour.
type ColorScheme struct {
	enabled bool
	bold    lipgloss.Style
	muted   lipgloss.Style
	green   lipgloss.Style
	yellow  lipgloss.Style
	red     lipgloss.Style
	cyan    lipgloss.Style
}

// NewColorScheme builds the palette once. ANSI basic colours are used so
// the user's terminal theme decides the exact shade.
func NewColorScheme(enabled bool) *ColorScheme {
	return &ColorScheme{
		enabled: enabled,
		bold:    lipgloss.NewStyle().Bold(true),
		muted:   lipgloss.NewStyle().Foreground(lipgloss.Color("8")),
		green:   lipgloss.NewStyle().Foreground(lipgloss.Color("2")),
		yellow:  lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
		red:     lipgloss.NewStyle().Foreground(lipgloss.Color("1")),
		cyan:    lipgloss.NewStyle().Foreground(lipgloss.Color("6")),
	}
}

func (c *ColorScheme) render(st lipgloss.Style, s string) string {
	if !c.enabled {
		return s
	}
	return st.Render(s)
}

func (c *ColorScheme) Enabled() bool          { return c.enabled }
func (c *ColorScheme) Bold(s string) string   { return c.render(c.bold, s) }
func (c *ColorScheme) Muted(s string) string  { return c.render(c.muted, s) }
func (c *ColorScheme) Green(s string) string  { return c.render(c.green, s) }
func (c *ColorScheme) Yellow(s string) string { return c.render(c.yellow, s) }
func (c *ColorScheme) Red(s string) string    { return c.render(c.red, s) }
func (c *ColorScheme) Cyan(s string) string   { return c.render(c.cyan, s) }

// SuccessIcon, WarningIcon and FailureIcon are the status marks of ctl's
// reports (✓ ! ✗), coloured when colour is on.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }
func (c *ColorScheme) FailureIcon() string { return c.Red("✗") }
