package migrate_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

// On an ssh environment the plan and the migration run on the host, in
// the app's environment (its env file), under the PostgreSQL advisory
// lock: a second migration while one holds it is refused (75) and applies
// nothing; then the rest is applied. The database URL (its password) is
// in no output.
func TestMigrateSSH(t *testing.T) {
	testenv.RequireDjango(t)
	db := freshDB(t)
	dsn := dbdumptest.DSNFor(t, db)
	fleet := testenv.StartSSHFleet(t, "web1")
	proj := testenv.ExampleProject(t)
	envFile := filepath.Join(t.TempDir(), "app.env")
	if err := os.WriteFile(envFile, []byte("DATABASE_URL="+dsn+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, home := t.TempDir(), t.TempDir()
	cfg := fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [web1]\n    dir: %s\n    python: /usr/bin/python3\n    env_file: %s\n", fleet.Config, proj, envFile)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	var outputs strings.Builder
	ctl := func(args ...string) (string, string, int) {
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir = dir
		cmd.Env = testenv.CleanEnv("HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
		out, errOut, code := testenv.Run(t, cmd, "")
		outputs.WriteString(out + errOut)
		return out, errOut, code
	}
	out, errOut, code := ctl("migrate", "vm", "--yes", "--", "inventory", "0001")
	if code != 0 || !strings.Contains(errOut, "inventory.0001_initial") || !applied(t, db, "inventory.0001_initial") || applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	conn, err := pgconn.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal("connecting to the test database")
	}
	if _, err := conn.Exec(context.Background(), "select pg_advisory_lock(1668574317)").ReadAll(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = ctl("migrate", "vm", "--yes")
	if code != 75 || !strings.Contains(errOut, "another migration holds the lock") || applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatalf("while locked: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	_ = conn.Close(context.Background())
	out, errOut, code = ctl("migrate", "vm", "--yes")
	if code != 0 || !applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := u.User.Password(); pw == "" || strings.Contains(outputs.String(), pw) {
		t.Fatal("the database password is in ctl's output (or the rig has none)")
	}
}
