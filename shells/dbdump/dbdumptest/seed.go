// Package dbdumptest generates databases with the example project's
// schema (examples/mysite, migrated by Django) and bulk rows, on the rig's
// PostgreSQL, for the tests and the benchmark of ctl db.
package dbdumptest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/internal/testenv"
)

// EmailDomain is the domain of every generated user's e-mail address:
// a test asserts none is left after a sanitiser.
const EmailDomain = "customer-mail.example"

// DB is a generated database.
type DB struct {
	Name string
	DSN  string // the rig's DSN with this database's name (holds the password)
}

// DSNFor is the rig's DSN naming database name.
func DSNFor(t testing.TB, name string) string {
	t.Helper()
	u, err := url.Parse(testenv.PostgresDSN(t))
	if err != nil {
		t.Fatal("CTL_TEST_PG_DSN does not parse")
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs SQL on database name of the rig.
func Exec(t testing.TB, name, sql string) [][][]byte {
	t.Helper()
	conn, err := pgconn.Connect(context.Background(), DSNFor(t, name))
	if err != nil {
		t.Fatalf("connecting to %s: %v", name, redact(t, err))
	}
	defer conn.Close(context.Background())
	res, err := conn.Exec(context.Background(), sql).ReadAll()
	if err != nil {
		t.Fatalf("on %s: %v", name, redact(t, err))
	}
	if len(res) == 0 {
		return nil
	}
	return res[len(res)-1].Rows
}

// Value is the first column of the first row of a query.
func Value(t testing.TB, name, sql string) string {
	t.Helper()
	rows := Exec(t, name, sql)
	if len(rows) == 0 {
		return ""
	}
	return string(rows[0][0])
}

// OriginalEmails counts the users of database name whose e-mail address is
// still a generated one (EmailDomain): what a sanitiser must leave at 0.
func OriginalEmails(t testing.TB, name string) string {
	t.Helper()
	return Value(t, name, "select count(*) from auth_user where email like '%@"+EmailDomain+"'")
}

func redact(t testing.TB, err error) string {
	u, _ := url.Parse(testenv.PostgresDSN(t))
	pw, _ := u.User.Password()
	s := err.Error()
	if pw != "" {
		s = strings.ReplaceAll(s, pw, "***")
	}
	return s
}

// Drop drops database name (ending its connections).
func Drop(t testing.TB, name string) {
	t.Helper()
	// WITH (FORCE) refuses, for a non-superuser, while an autovacuum
	// worker is in the database (PostgreSQL 15: SQLSTATE 42501, as after
	// a bulk seed); the worker soon stops: try again.
	sql := fmt.Sprintf(`drop database if exists "%s" with (force)`, name)
	for attempt := 0; ; attempt++ {
		conn, err := pgconn.Connect(context.Background(), DSNFor(t, "postgres"))
		if err != nil {
			t.Fatalf("connecting to postgres: %v", redact(t, err))
		}
		_, err = conn.Exec(context.Background(), sql).ReadAll()
		conn.Close(context.Background())
		var pe *pgconn.PgError
		if err == nil {
			return
		}
		if !errors.As(err, &pe) || pe.Code != "42501" || attempt >= 40 {
			t.Fatalf("dropping %s: %v", name, redact(t, err))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// DropLike drops every database whose name starts with prefix.
func DropLike(t testing.TB, prefix string) {
	t.Helper()
	for _, r := range Exec(t, "postgres", fmt.Sprintf("select datname from pg_database where starts_with(datname, '%s')", prefix)) {
		Drop(t, string(r[0]))
	}
}

// Seed creates database name, migrates the example project into it and
// adds rows users and widgets rows, plus rows/4 sessions and admin log
// entries (excluded by default from dumps). About 300 bytes a row: a
// million rows is ~300 MB of table data. The database is dropped when
// the test ends, with every database whose name it prefixes (the
// _prev_ and _new_ copies of restores).
func Seed(t testing.TB, project, name string, rows int) *DB {
	t.Helper()
	DropLike(t, name)
	Exec(t, "postgres", fmt.Sprintf(`create database "%s"`, name))
	t.Cleanup(func() { DropLike(t, name) })
	dsn := DSNFor(t, name)
	start := time.Now()
	cmd := exec.Command(filepath.Join(project, ".venv", "bin", "python"), "manage.py", "migrate", "-v0", "--no-input")
	cmd.Dir = project
	cmd.Env = testenv.CleanEnv("DATABASE_URL=" + dsn)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v: %s", err, out)
	}
	Exec(t, name, SeedSQL(rows))
	t.Logf("seeded %s: %d rows in %s, %s of table data", name, rows, time.Since(start).Round(time.Millisecond),
		Value(t, name, "select pg_size_pretty(sum(pg_table_size(c.oid))) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'"))
	return &DB{Name: name, DSN: dsn}
}

// SeedSQL generates the rows with generate_series, in the server.
func SeedSQL(rows int) string {
	return fmt.Sprintf(`
insert into auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
select 'pbkdf2_sha256$600000$' || md5(g::text) || '$' || md5((g * 7)::text) || md5((g * 13)::text),
       now() - (g || ' seconds')::interval, false, 'user' || g, 'First' || g, 'Family' || g,
       'user' || g || '@%[2]s', false, true, now() - (g || ' minutes')::interval
from generate_series(1, %[1]d) g;
insert into inventory_widget (name, quantity, created)
select 'widget-' || g || '-' || md5(g::text), g %% 1000, now() from generate_series(1, %[1]d) g;
insert into django_session (session_key, session_data, expire_date)
select substr(md5(g::text) || md5((g + 1)::text), 1, 40), repeat(md5(g::text), 8), now() + interval '1 day'
from generate_series(1, greatest(%[1]d / 4, 1)) g;
insert into django_admin_log (action_time, object_id, object_repr, action_flag, change_message, content_type_id, user_id)
select now(), g::text, 'user' || g, 1, '[]', null, 1 from generate_series(1, greatest(%[1]d / 4, 1)) g;
analyze;
`, rows, EmailDomain)
}

// Lock holds an ACCESS EXCLUSIVE lock on table in database name until
// release: a pg_dump started meanwhile waits at its start, which gives a
// test a dump in flight for as long as it needs.
func Lock(t testing.TB, name, table string) (release func()) {
	t.Helper()
	conn, err := pgconn.Connect(context.Background(), DSNFor(t, name))
	if err != nil {
		t.Fatalf("connecting to %s: %v", name, redact(t, err))
	}
	if _, err := conn.Exec(context.Background(), "begin; lock table "+table+" in access exclusive mode").ReadAll(); err != nil {
		conn.Close(context.Background())
		t.Fatalf("lock: %v", redact(t, err))
	}
	done := false
	release = func() {
		if !done {
			done = true
			_, _ = conn.Exec(context.Background(), "rollback").ReadAll()
			_ = conn.Close(context.Background())
		}
	}
	t.Cleanup(release)
	return release
}

// Children lists the processes whose parent is pid, by command name.
func Children(pid int) map[string][]int {
	out := map[string][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		s := string(b)
		open, closeP := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closeP < 0 {
			continue
		}
		f := strings.Fields(s[closeP+1:])
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		child, _ := strconv.Atoi(strings.Fields(s)[0])
		out[s[open+1:closeP]] = append(out[s[open+1:closeP]], child)
	}
	return out
}
