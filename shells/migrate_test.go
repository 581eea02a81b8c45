package shells

import "testing"

func TestParseMigratePlan(t *testing.T) {
	out := `System check identified some issues:
WARNINGS:
?: (some.W001) something
Planned operations:
inventory.0001_initial
    Create model Widget
inventory.0002_seed_widgets
    Raw Python operation
Undo shop.0003_backfill
    Raw Python operation -> IRREVERSIBLE
`
	steps, ok := ParseMigratePlan(out)
	if !ok || len(steps) != 3 {
		t.Fatalf("%d steps: %+v", len(steps), steps)
	}
	if steps[0].Migration != "inventory.0001_initial" || steps[0].Operations[0] != "Create model Widget" || steps[0].Raw || steps[0].Irreversible {
		t.Errorf("step 0: %+v", steps[0])
	}
	if !steps[1].Raw || steps[1].Irreversible {
		t.Errorf("step 1: %+v", steps[1])
	}
	if steps[2].Migration != "Undo shop.0003_backfill" || !steps[2].Irreversible {
		t.Errorf("step 2: %+v", steps[2])
	}
	if got, ok := ParseMigratePlan("Planned operations:\n  No planned migration operations.\n"); !ok || len(got) != 0 {
		t.Errorf("nothing planned: %+v", got)
	}
	if _, ok := ParseMigratePlan(""); ok {
		t.Error("no output is a plan")
	}
}

func TestLockedMigrateArgv(t *testing.T) {
	argv, ok := LockedMigrateArgv([]string{"/srv/app/.venv/bin/python", "manage.py"}, []string{"inventory", "0001"})
	if !ok || len(argv) != 7 || argv[0] != "/srv/app/.venv/bin/python" || argv[1] != "-c" || argv[3] != "manage.py" || argv[4] != "migrate" || argv[6] != "0001" {
		t.Fatalf("%q", argv)
	}
	if _, ok := LockedMigrateArgv([]string{"./manage"}, nil); ok {
		t.Error("a manage command that is not python manage.py was wrapped")
	}
}
