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

// MigrateLockID is the PostgreSQL advisory lock ctl migrate holds while it
// migrates where there is no Lease (ssh, local): "ctlm".
const MigrateLockID = 0x63746c6d

// MigrateLockedExit is the exit code of a migration refused because
// another one holds the advisory lock (EX_TEMPFAIL).
const MigrateLockedExit = 75

// lockedMigrate runs manage.py (argv[1]) with the rest of argv, but
// first, once Django is set up by manage.py itself, takes the advisory
// lock on a PostgreSQL database (held by the session until the process
// ends). Other engines migrate without it.
const lockedMigrate = `import sys, runpy
import django.core.management as m
_run = m.execute_from_command_line
def _locked(argv=None):
    import django
    django.setup()
    from django.db import connection
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("select pg_try_advisory_lock(%s)", [` + "1668574317" + `])
            if not c.fetchone()[0]:
                sys.stderr.write("ctl: another migration holds the lock (PostgreSQL advisory lock 1668574317, ctl migrate): nothing was applied\n")
                sys.exit(75)
    return _run(argv)
m.execute_from_command_line = _locked
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
`

// LockedMigrateArgv turns manage (the interpreter and manage.py, as
// ManageArgv gives them) and migrate's arguments into a command that
// migrates under the advisory lock: python -c SCRIPT manage.py migrate ARGS.
// ok is false when manage is not "python manage.py".
func LockedMigrateArgv(manage, args []string) ([]string, bool) {
	if len(manage) != 2 || !strings.HasSuffix(manage[1], ".py") {
		return nil, false
	}
	out := []string{manage[0], "-c", lockedMigrate, manage[1], "migrate"}
	return append(out, args...), true
}
