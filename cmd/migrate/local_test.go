package migrate_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

// On the local environment the plan and the migration run in the project
// (no Job, no lock): the example project against a fresh database.
func TestMigrateLocal(t *testing.T) {
	testenv.RequireDjango(t)
	db := freshDB(t)
	proj := testenv.ExampleProject(t)
	if err := os.WriteFile(filepath.Join(proj, ".env"), []byte("DATABASE_URL="+dbdumptest.DSNFor(t, db)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	ctl := func(args ...string) (string, string, int) {
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir = proj
		cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
		return testenv.Run(t, cmd, "")
	}
	out, errOut, code := ctl("migrate", "local", "--", "inventory", "0001")
	if code != 0 || !strings.Contains(errOut, "inventory.0001_initial") || !applied(t, db, "inventory.0001_initial") || applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Another migration holds the advisory lock: refused, nothing applied.
	conn, err := pgconn.Connect(context.Background(), dbdumptest.DSNFor(t, db))
	if err != nil {
		t.Fatal("connecting to the test database")
	}
	if _, err := conn.Exec(context.Background(), "select pg_advisory_lock(1668574317)").ReadAll(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = ctl("migrate", "local")
	if code != 75 || !strings.Contains(errOut, "another migration holds the lock") || applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatalf("while locked: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	_ = conn.Close(context.Background())

	out, errOut, code = ctl("migrate", "local", "--json")
	var doc struct {
		Applied  bool `json:"applied"`
		ExitCode int  `json:"exitCode"`
		Plan     []struct {
			Migration string `json:"migration"`
			Raw       bool   `json:"raw"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
	// The rest of the project's migrations, the seed one flagged raw.
	seed := false
	for _, s := range doc.Plan {
		if s.Migration == "inventory.0002_seed_widgets" && s.Raw {
			seed = true
		}
		if s.Migration == "inventory.0001_initial" {
			t.Errorf("the plan repeats an applied migration: %+v", doc.Plan)
		}
	}
	if !doc.Applied || doc.ExitCode != 0 || !seed {
		t.Fatalf("document: %+v", doc)
	}
	if !applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatal("not applied")
	}
}
