package status

import "charm.land/bubbles/v2/key"

// KeyMap is every key the status view answers.
type KeyMap struct {
	Up, Down, Open, Back, Filter, Shell, PyShell, DBShell, Refresh, Help, Quit key.Binding
}

// DefaultKeyMap is the status view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Shell:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "shell")),
		PyShell: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pyshell")),
		DBShell: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "dbshell")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.Shell, k.Help, k.Quit}
}

// FullHelp is what ? shows.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Open, k.Back},
		{k.Filter, k.Refresh},
		{k.Shell, k.PyShell, k.DBShell},
		{k.Help, k.Quit},
	}
}
