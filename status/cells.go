package status

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
			mig = "-"
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
