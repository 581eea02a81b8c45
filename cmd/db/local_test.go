package db_test

// ctl db on local environments against the rig's PostgreSQL: the parts
// that do not depend on a tunnel (version rule, bad files, restore swap,
// sanitiser). The kube and ssh tests run the same verbs through tunnels.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

// testRows is the size of the tests' generated data: ~20k users and
// widgets (a few MB), enough for several tables of real rows while the
// suite stays quick; the 30 MB and 300 MB sizes are `make bench-db`'s.
const testRows = 20000

type localApp struct {
	dir, home, project string
	env                []string
}

// newLocalApp writes ctl.yaml with two local environments on the example
// project: "src" (protected when asked; its URL in SRC_URL) and "local"
// (DATABASE_URL, which the project's settings read).
func newLocalApp(t *testing.T, srcURL, dstURL string, srcExtra string) *localApp {
	t.Helper()
	a := &localApp{dir: t.TempDir(), home: t.TempDir(), project: testenv.ExampleProject(t)}
	cfg := fmt.Sprintf(`app: mysite
environments:
  src:
    target: local
    dir: %[1]s
    database:
      url_env: SRC_URL
%[2]s
  local:
    target: local
    dir: %[1]s
`, a.project, srcExtra)
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	a.env = testenv.CleanEnv("HOME="+a.home, "XDG_STATE_HOME="+filepath.Join(a.home, "state"), "SRC_URL="+srcURL, "DATABASE_URL="+dstURL)
	return a
}

type result struct {
	stdout, stderr string
	code           int
}

func (a *localApp) ctl(t *testing.T, extraEnv []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = a.dir
	cmd.Env = append(append([]string{}, a.env...), extraEnv...)
	out, errOut, code := testenv.Run(t, cmd, "")
	return result{out, errOut, code}
}

type trailLine struct {
	Verb     string
	ExitCode int
	Error    string
	Artifact *struct {
		Path   string
		Bytes  int64
		SHA256 string
	}
}

func readTrail(t *testing.T, home string) []trailLine {
	t.Helper()
	return testenv.ReadTrail[trailLine](t, home)
}

func noPartials(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".partial-") {
			t.Errorf("a partial file was left: %s", e.Name())
		}
	}
}

// TestLocalDumpRestorePull: dump (verified, checksummed, in the trail),
// restore into a fresh database swapped in by rename, pull with a
// sanitiser, and the bad inputs.
func TestLocalDumpRestorePull(t *testing.T) {
	testenv.RequireTool(t, "pg_dump")
	name := fmt.Sprintf("i18loc%d", os.Getpid())
	project := testenv.ExampleProject(t)
	src := dbdumptest.Seed(t, project, name+"_src", testRows)
	dst := dbdumptest.Seed(t, project, name+"_dst", 10)
	sanitizer := filepath.Join(testenv.RepoRoot(t), "examples", "sanitize", "auth_user.sql") // the one docs/db.md shows
	a := newLocalApp(t, src.DSN, dst.DSN, "    protected: true\n    sanitize:\n      sql: "+sanitizer+"\n")
	u, _ := url.Parse(src.DSN)
	password, _ := u.User.Password()

	// dump
	out := filepath.Join(a.dir, "src.dump")
	r := a.ctl(t, nil, "db", "dump", "src", "-o", out, "--yes", "--json")
	if r.code != 0 {
		t.Fatalf("dump: exit %d\n%s", r.code, r.stderr)
	}
	var doc struct {
		SchemaVersion int
		File, Sha256  string
		Bytes         int64
		Tables        int
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("dump --json: %v: %s", err, r.stdout)
	}
	sum, size, err := dbdump.FileSHA256(out)
	if err != nil || doc.Sha256 != sum || doc.Bytes != size || doc.SchemaVersion != 1 || doc.Tables < 8 {
		t.Fatalf("dump result %+v, file sha256 %s size %d (%v)", doc, sum, size, err)
	}
	if strings.Contains(r.stdout+r.stderr, password) {
		t.Fatal("the password is in ctl's output")
	}
	if tr := readTrail(t, a.home); len(tr) != 1 || tr[0].Verb != "db dump" || tr[0].Artifact == nil || tr[0].Artifact.SHA256 != sum || tr[0].Artifact.Bytes != size {
		t.Fatalf("trail %+v", tr)
	}
	// The archive has the sessions' schema but not their rows.
	list, err := exec.Command("pg_restore", "--list", out).Output()
	if err != nil || !strings.Contains(string(list), "TABLE public django_session") || strings.Contains(string(list), "TABLE DATA public django_session") ||
		!strings.Contains(string(list), "TABLE DATA public auth_user") {
		t.Fatalf("pg_restore --list: %v\n%s", err, list)
	}
	noPartials(t, a.dir)

	// An existing file is not replaced without --force.
	if r := a.ctl(t, nil, "db", "dump", "src", "-o", out, "--yes"); r.code != 2 || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("dump over an existing file: exit %d\n%s", r.code, r.stderr)
	}

	// restore into local: a new database, swapped in; the old one kept.
	r = a.ctl(t, nil, "db", "restore", "local", out, "--yes", "--json")
	if r.code != 0 {
		t.Fatalf("restore: exit %d\n%s", r.code, r.stderr)
	}
	var rdoc struct{ Database, Previous, MigrateCheck string }
	if err := json.Unmarshal([]byte(r.stdout), &rdoc); err != nil {
		t.Fatalf("restore --json: %v: %s", err, r.stdout)
	}
	if rdoc.Database != dst.Name || !strings.HasPrefix(rdoc.Previous, dst.Name+"_prev_") || rdoc.MigrateCheck != "ok" {
		t.Fatalf("restore result %+v\n%s", rdoc, r.stderr)
	}
	if n := dbdumptest.Value(t, dst.Name, "select count(*) from auth_user"); n != fmt.Sprint(testRows) {
		t.Fatalf("restored auth_user has %s rows", n)
	}
	if n := dbdumptest.Value(t, dst.Name, "select count(*) from django_session"); n != "0" {
		t.Fatalf("restored django_session has %s rows (excluded by default)", n)
	}
	if n := dbdumptest.Value(t, rdoc.Previous, "select count(*) from auth_user"); n != "10" {
		t.Fatalf("the previous database has %s users, want the 10 it had", n)
	}

	// pull src (protected, with a sanitiser) into local.
	r = a.ctl(t, nil, "db", "pull", "src", "--yes", "--drop-previous")
	if r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.OriginalEmails(t, dst.Name); n != "0" {
		t.Fatalf("%s original e-mail addresses remain after the sanitiser", n)
	}
	if n := dbdumptest.Value(t, dst.Name, "select count(*) from auth_user"); n != fmt.Sprint(testRows) {
		t.Fatalf("pulled auth_user has %s rows", n)
	}
	if n := dbdumptest.Value(t, "postgres", "select count(*) from pg_database where starts_with(datname, '"+dst.Name+"_')"); n != "0" {
		t.Fatalf("%s previous/new copies left after --drop-previous", n)
	}

	// Ctrl-C mid-pull (the dump waits for a lock on the source): exit 130,
	// the half-filled copy dropped, the destination untouched, no child left.
	release := dbdumptest.Lock(t, src.Name, "auth_user")
	dbdumptest.Exec(t, dst.Name, "create table i18_marker (x int)")
	cmd := exec.Command(testenv.Ctl(t), "db", "pull", "src", "--yes")
	cmd.Dir, cmd.Env = a.dir, a.env
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kids := waitDumping(cmd.Process.Pid)
	if len(kids["pg_restore"]) == 0 {
		t.Errorf("no pg_restore beside pg_dump: %v\n%s", kids, errb.String())
	}
	if n := dbdumptest.Value(t, "postgres", "select count(*) from pg_database where starts_with(datname, '"+dst.Name+"_new_')"); n != "1" {
		t.Errorf("%s new databases while pulling", n)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	release()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("Ctrl-C mid-pull: exit %d\n%s", code, errb.String())
	}
	for _, ps := range kids {
		for _, p := range ps {
			if alive(p) {
				t.Errorf("child %d survived Ctrl-C", p)
			}
		}
	}
	if n := dbdumptest.Value(t, "postgres", "select count(*) from pg_database where starts_with(datname, '"+dst.Name+"_')"); n != "0" {
		t.Errorf("%s copies left after Ctrl-C", n)
	}
	if n := dbdumptest.Value(t, dst.Name, "select count(*) from pg_tables where tablename = 'i18_marker'"); n != "1" {
		t.Error("the destination was replaced despite Ctrl-C")
	}

	// Without a sanitiser, a protected source is refused; --raw needs the
	// typed confirmation, so never without a terminal.
	b := newLocalApp(t, src.DSN, dst.DSN, "    protected: true\n")
	if r := b.ctl(t, nil, "db", "pull", "src", "--yes"); r.code != 2 || !strings.Contains(r.stderr, "without a sanitiser") {
		t.Fatalf("raw pull from protected: exit %d\n%s", r.code, r.stderr)
	}
	if r := b.ctl(t, nil, "db", "pull", "src", "--yes", "--raw"); r.code != 2 || !strings.Contains(r.stderr, "without a terminal") {
		t.Fatalf("--raw pull without a terminal: exit %d\n%s", r.code, r.stderr)
	}

	// Bad files: nothing is created or swapped.
	before := dbdumptest.Value(t, "postgres", "select count(*) from pg_database")
	for _, c := range []struct{ name, file, want string }{
		{"missing", filepath.Join(a.dir, "nope.dump"), "no such file"},
		{"truncated", truncated(t, out), "truncated"},
		{"plain SQL", writeFile(t, "plain.sql", "--\n-- PostgreSQL database dump\n--\n\ncreate table x (y int);\n"), "plain SQL dump"},
		{"garbage", writeFile(t, "garbage.dump", strings.Repeat("not a dump ", 100)), "not a PostgreSQL custom-format archive"},
	} {
		r := a.ctl(t, nil, "db", "restore", "local", c.file, "--yes")
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, want 2 and %q\n%s", c.name, r.code, c.want, r.stderr)
		}
	}
	if after := dbdumptest.Value(t, "postgres", "select count(*) from pg_database"); after != before {
		t.Errorf("bad files changed the databases: %s before, %s after", before, after)
	}

	// A restore into a protected environment needs --yes and a terminal.
	if r := a.ctl(t, nil, "db", "restore", "src", out); r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("protected restore without --yes: exit %d\n%s", r.code, r.stderr)
	}
	if r := a.ctl(t, nil, "db", "restore", "src", out, "--yes"); r.code != 2 || !strings.Contains(r.stderr, "without a terminal") {
		t.Errorf("protected restore without a terminal: exit %d\n%s", r.code, r.stderr)
	}

	// Version rule: a pg_dump older than the server is refused before anything runs.
	fake := t.TempDir()
	script := "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"
	if err := os.WriteFile(filepath.Join(fake, "pg_dump"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r = a.ctl(t, []string{"PATH=" + fake + ":" + os.Getenv("PATH")}, "db", "dump", "src", "-o", filepath.Join(a.dir, "old.dump"), "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "pg_dump 9.6") || !strings.Contains(r.stderr, "postgresql-client-") {
		t.Fatalf("version mismatch: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "old.dump")); err == nil {
		t.Error("a dump file was written despite the version mismatch")
	}
	noPartials(t, a.dir)
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// truncated copies the first 60% of a dump.
func truncated(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "truncated.dump", string(b[:len(b)*6/10]))
}

// TestTmuxProtectedRestore: on a terminal, a restore into a protected
// environment with --yes still asks the typed confirmation; the right
// name lets it run (progress on the terminal), a wrong one changes nothing.
func TestTmuxProtectedRestore(t *testing.T) {
	testenv.RequireTool(t, "pg_dump")
	testenv.RequireTool(t, "tmux")
	name := fmt.Sprintf("i18tty%d", os.Getpid())
	project := testenv.ExampleProject(t)
	src := dbdumptest.Seed(t, project, name+"_src", 2000)
	a := newLocalApp(t, src.DSN, src.DSN, "    protected: true\n")
	out := filepath.Join(a.dir, "src.dump")
	if r := a.ctl(t, nil, "db", "dump", "src", "-o", out, "--yes"); r.code != 0 {
		t.Fatalf("dump: exit %d\n%s", r.code, r.stderr)
	}
	env := append(append([]string{}, a.env...), "TERM=xterm-256color", "LANG=C.UTF-8")

	// A wrong name: cancelled (130), nothing created.
	before := dbdumptest.Value(t, "postgres", "select count(*) from pg_database")
	m := testenv.StartTmux(t, a.dir, env, 160, 40, testenv.Ctl(t), "db", "restore", "src", out, "--yes", "--no-migrate-check")
	m.WaitForText("Type the environment name (src)")
	m.Type("prod")
	if code := m.ExitCode(); code != 130 {
		t.Fatalf("wrong name: exit %d\n%s", code, m.Screen())
	}
	if after := dbdumptest.Value(t, "postgres", "select count(*) from pg_database"); after != before {
		t.Fatalf("a wrong confirmation changed the databases (%s -> %s)", before, after)
	}

	// The right name: restored and swapped in.
	dbdumptest.Exec(t, src.Name, "delete from inventory_widget")
	m = testenv.StartTmux(t, a.dir, env, 160, 40, testenv.Ctl(t), "db", "restore", "src", out, "--yes", "--no-migrate-check")
	screen := m.WaitForText("Type the environment name (src)")
	if !strings.Contains(screen, "PRODUCTION") || !strings.Contains(screen, "rename "+src.Name+" to "+src.Name+"_prev_") {
		t.Errorf("no banner or plan before the question:\n%s", screen)
	}
	m.Type("src")
	screen = m.WaitForText("swapped in")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("exit %d\n%s", code, m.Screen())
	}
	if !strings.Contains(screen, "restore ") || !strings.Contains(screen, " tables") {
		t.Errorf("no restore progress on the terminal:\n%s", screen)
	}
	if n := dbdumptest.Value(t, src.Name, "select count(*) from inventory_widget"); n == "0" {
		t.Error("the restore did not bring the rows back")
	}
}
