package status

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NoMigrationJob is the MIGRATIONS cell of a Kubernetes environment
// without a migration Job.
const NoMigrationJob = "no Job"

// Columns are the headers of a row's cells.
var Columns = []string{"NAME", "TARGET", "VERSION", "READY", "RESTARTS", "ROLLOUT", "MIGRATIONS", "LAST WARNING"}

// Cells renders a row as text cells (the table and the TUI share them).
func Cells(e *Env, now time.Time) []string {
	name := e.Name
	if e.Protected {
		name += " !"
	}
	ready, restarts, rollout, mig, warn := "", "", "", "", ""
	switch e.Target {
	case "kubernetes":
		if len(e.Components) > 0 {
			parts := make([]string, 0, len(e.Components))
			for _, c := range e.Components {
				parts = append(parts, fmt.Sprintf("%s %d/%d", c.Name, c.Ready, c.Desired))
			}
			ready = strings.Join(parts, " ")
			restarts = strconv.Itoa(int(e.Restarts))
		}
		if !e.RolloutAt.IsZero() {
			rollout = Age(now.Sub(e.RolloutAt))
			if e.RolloutProgress {
				rollout += " (rolling)"
			}
		}
		if e.Migration != nil {
			mig = e.Migration.State
			if e.Migration.Reason != "" {
				mig += " (" + e.Migration.Reason + ")"
			}
		} else if len(e.Components) > 0 {
			// The column follows migration Jobs; a `manage migrate` run
			// through exec leaves none, so say what is missing rather
			// than a bare dash (the detail pane says which Jobs count).
			mig = NoMigrationJob
		}
		if w := e.LastWarning; w != nil {
			warn = Age(now.Sub(w.Time)) + " " + w.Reason + ": " + w.Message
		} else if e.Note != "" {
			warn = e.Note
		}
	case "local":
		if l := e.Local; l != nil {
			switch {
			case l.PendingMigrations != nil && *l.PendingMigrations == 0:
				mig = "applied"
			case l.PendingMigrations != nil:
				mig = strconv.Itoa(*l.PendingMigrations) + " pending"
			default:
				mig = "?"
			}
			switch {
			case l.DBReachable == nil:
				ready = "db ?"
			case *l.DBReachable:
				ready = "db up"
			default:
				ready = "db down"
			}
		}
		warn = e.Note
	default:
		if e.Reachable != nil {
			if *e.Reachable {
				ready = "host up"
			} else {
				ready = "host down"
			}
		}
		warn = e.Note
	}
	version := e.Version
	switch {
	case version == "" && e.RevisionError != "":
		version = "?"
	case version == "":
		version = "-"
	}
	return []string{name, e.Target, version, ready, restarts, rollout, mig, oneLine(warn)}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// CellsValidUntil is when the row's cells would first read differently
// without new data (an age ticking from 45s to 46s, 12m to 13m); the zero
// time when they hold no age.
func CellsValidUntil(e *Env, now time.Time) time.Time {
	var until time.Time
	add := func(since time.Time) {
		if since.IsZero() {
			return
		}
		if u := ageChanges(since, now); until.IsZero() || u.Before(until) {
			until = u
		}
	}
	if e.Target == "kubernetes" {
		add(e.RolloutAt)
		if e.LastWarning != nil {
			add(e.LastWarning.Time)
		}
	}
	return until
}

// ageChanges is when Age(t.Sub(since)) first differs from Age(now.Sub(since)).
func ageChanges(since, now time.Time) time.Time {
	d := now.Sub(since)
	unit := 24 * time.Hour
	switch {
	case d < 0:
		return since
	case d < time.Minute:
		unit = time.Second
	case d < time.Hour:
		unit = time.Minute
	case d < 48*time.Hour:
		unit = time.Hour
	}
	return since.Add((d/unit + 1) * unit)
}

// Age renders a duration like kubectl: 45s, 12m, 3h, 5d.
func Age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h"
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d"
}
