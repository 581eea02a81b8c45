package audit

import "sort"

// Severity orders findings; --fail-on compares against it.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string { return [...]string{"info", "warning", "error"}[s] }

// ParseSeverity reads error|warning|info.
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	case "info":
		return Info, true
	}
	return 0, false
}

// Finding is one problem in the settings.
type Finding struct {
	ID       string
	Severity Severity
	Message  string
	Hint     string
	DocURL   string
	// Setting is the setting the finding is about ("" when several).
	Setting string
	// Pos is the responsible line: where the value was written, or the
	// settings file's first line when Django's default applies.
	Pos Pos
	// Value is the evaluated value (Python repr) and Source where it came from.
	Value  string
	Source Source
	// Django is true for Django's own check IDs.
	Django bool
}

// sortFindings orders by file, line, column, then ID: stable output.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.ID < b.ID
	})
}
