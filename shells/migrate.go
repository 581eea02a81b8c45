package shells

import (
	"strings"
)

// MigrationStep is one migration of Django's `migrate --plan`.
type MigrationStep struct {
	Migration  string   `json:"migration"`
	Operations []string `json:"operations"`
	// Irreversible: Django's plan marked one of its operations
	// IRREVERSIBLE (an unapply of a RunPython/RunSQL without a reverse).
	Irreversible bool `json:"irreversible"`
	// Raw: it runs raw Python or SQL, which Django cannot describe.
	Raw bool `json:"raw"`
}

// ParseMigratePlan reads the output of `manage.py migrate --plan`:
//
//	Planned operations:
//	inventory.0002_seed_widgets
//	    Raw Python operation
//	Undo inventory.0002_seed_widgets
//	    Raw Python operation -> IRREVERSIBLE
//
// or "No planned migration operations.". Lines before the header
// (warnings) are ignored; ok is false when the header is missing (not
// a plan).
func ParseMigratePlan(out string) ([]MigrationStep, bool) {
	var steps []MigrationStep
	in := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r ")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "Planned operations:":
			in = true
			continue
		case !in || trimmed == "" || strings.HasPrefix(trimmed, "No planned migration operations"):
			continue
		}
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") {
			steps = append(steps, MigrationStep{Migration: trimmed})
			continue
		}
		if len(steps) == 0 {
			continue
		}
		s := &steps[len(steps)-1]
		s.Operations = append(s.Operations, trimmed)
		if strings.Contains(trimmed, "IRREVERSIBLE") {
			s.Irreversible = true
		}
		if strings.HasPrefix(trimmed, "Raw Python operation") || strings.HasPrefix(trimmed, "Raw SQL operation") {
			s.Raw = true
		}
	}
	return steps, in
}
