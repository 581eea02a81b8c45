package dbdump

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Admin is a connection to a maintenance database of db's server (postgres,
// else template1), from which databases are created, renamed and dropped:
// a database cannot be renamed from a connection to itself.
type Admin struct {
	db   *targets.DB
	conn *pgconn.PgConn
}

// OpenAdmin connects to the server's maintenance database as db's user.
func OpenAdmin(ctx context.Context, db *targets.DB) (*Admin, error) {
	var firstErr error
	for _, name := range []string{"postgres", "template1"} {
		conn, err := shells.Connect(ctx, WithName(db, name), 10*time.Second, "ctl db")
		if err == nil {
			return &Admin{db: db, conn: conn}, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		var de *shells.DBError
		if !errors.As(err, &de) || de.Kind != "missing-database" && de.Kind != "other" {
			break
		}
	}
	return nil, fmt.Errorf("connecting to the server's maintenance database (postgres) to create and rename databases: %w", firstErr)
}

// Close ends the connection.
func (a *Admin) Close() { _ = a.conn.Close(context.Background()) }

// Ident quotes a database name for SQL.
func Ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func (a *Admin) exec(ctx context.Context, sql string) error {
	_, err := a.conn.Exec(ctx, sql).ReadAll()
	return err
}

func (a *Admin) query(ctx context.Context, sql string, args ...string) ([][][]byte, error) {
	params := make([][]byte, len(args))
	for i, s := range args {
		params[i] = []byte(s)
	}
	res := a.conn.ExecParams(ctx, sql, params, nil, nil, nil).Read()
	return res.Rows, res.Err
}

// Create makes an empty database owned by the connecting user.
func (a *Admin) Create(ctx context.Context, name string) error {
	if err := a.exec(ctx, "create database "+Ident(name)+" template template0"); err != nil {
		return fmt.Errorf("creating database %q: %w", name, err)
	}
	return nil
}

// Drop removes a database (and ends its connections).
func (a *Admin) Drop(ctx context.Context, name string) error {
	if err := a.exec(ctx, "drop database if exists "+Ident(name)+" with (force)"); err != nil {
		return fmt.Errorf("dropping database %q: %w", name, err)
	}
	return nil
}

// Exists says whether a database exists.
func (a *Admin) Exists(ctx context.Context, name string) (bool, error) {
	rows, err := a.query(ctx, "select 1 from pg_database where datname = $1", name)
	return len(rows) > 0, err
}

// Connections counts the other sessions on database name.
func (a *Admin) Connections(ctx context.Context, name string) (int, error) {
	rows, err := a.query(ctx, "select count(*) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'", name)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	n, _ := strconv.Atoi(string(rows[0][0]))
	return n, nil
}

// Previous lists the databases kept by earlier swaps of name
// (NAME_prev_<timestamp>), oldest first.
func (a *Admin) Previous(ctx context.Context, name string) ([]string, error) {
	rows, err := a.query(ctx, "select datname from pg_database where starts_with(datname, $1) order by datname", PrevPrefix(name))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, string(r[0]))
	}
	return out, nil
}

// maxIdent is PostgreSQL's identifier limit (NAMEDATALEN - 1).
const maxIdent = 63

func suffixed(name, suffix string) string {
	if len(name)+len(suffix) > maxIdent {
		name = name[:maxIdent-len(suffix)]
	}
	return name + suffix
}

// Stamp is the timestamp in generated database names.
func Stamp(t time.Time) string { return t.UTC().Format("20060102T150405") }

// PrevPrefix is the prefix of the databases kept by swaps of name.
func PrevPrefix(name string) string { return suffixed(name, "_prev_") }

// PrevName is where a swap keeps name's previous database.
func PrevName(name string, t time.Time) string { return suffixed(name, "_prev_"+Stamp(t)) }

// NewName is the database a restore fills before the swap.
func NewName(name string, t time.Time) string { return suffixed(name, "_new_"+Stamp(t)) }

// SwapNames are the databases a swap of name at t uses: fresh, which a
// restore fills, and prev, where name's database is kept. Both are new:
// a name an earlier swap in the same second took gets _2, _3... (which
// still sorts after it, and still starts with PrevPrefix).
func (a *Admin) SwapNames(ctx context.Context, name string, t time.Time) (fresh, prev string, err error) {
	unused := func(base string) (string, error) {
		for i := 1; ; i++ {
			n := base
			if i > 1 {
				n = suffixed(base, fmt.Sprintf("_%d", i))
			}
			exists, err := a.Exists(ctx, n)
			if err != nil || !exists {
				return n, err
			}
		}
	}
	if fresh, err = unused(NewName(name, t)); err != nil {
		return "", "", err
	}
	prev, err = unused(PrevName(name, t))
	return fresh, prev, err
}

// Swap puts fresh in place of name: new connections to name are refused,
// the remaining ones terminated, name renamed to prev and fresh to name.
// When name does not exist, fresh is just renamed. It returns how many
// connections were terminated.
func (a *Admin) Swap(ctx context.Context, name, fresh, prev string) (int, error) {
	exists, err := a.Exists(ctx, name)
	if err != nil {
		return 0, err
	}
	if !exists {
		if err := a.exec(ctx, "alter database "+Ident(fresh)+" rename to "+Ident(name)); err != nil {
			return 0, fmt.Errorf("renaming %q to %q: %w", fresh, name, err)
		}
		return 0, nil
	}
	if err := a.exec(ctx, "alter database "+Ident(name)+" with allow_connections false"); err != nil {
		return 0, fmt.Errorf("closing %q to new connections: %w", name, err)
	}
	reopen := func(db string) {
		_ = a.exec(context.WithoutCancel(ctx), "alter database "+Ident(db)+" with allow_connections true")
	}
	killed := 0
	var renameErr error
	for attempt := 0; attempt < 10; attempt++ {
		rows, err := a.query(ctx, "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", name)
		if err != nil {
			reopen(name)
			return killed, fmt.Errorf("terminating the connections to %q: %w", name, err)
		}
		if len(rows) > 0 {
			n, _ := strconv.Atoi(string(rows[0][0]))
			killed += n
		}
		renameErr = a.exec(ctx, "alter database "+Ident(name)+" rename to "+Ident(prev))
		if renameErr == nil {
			break
		}
		time.Sleep(200 * time.Millisecond) // backends take a moment to exit
	}
	if renameErr != nil {
		reopen(name)
		return killed, fmt.Errorf("renaming %q to %q: %w", name, prev, renameErr)
	}
	reopen(prev)
	if err := a.exec(ctx, "alter database "+Ident(fresh)+" rename to "+Ident(name)); err != nil {
		// Put the old one back rather than leave the environment without a database.
		if back := a.exec(context.WithoutCancel(ctx), "alter database "+Ident(prev)+" rename to "+Ident(name)); back != nil {
			return killed, fmt.Errorf("renaming %q to %q: %w (and putting %q back failed: %v)", fresh, name, err, prev, back)
		}
		return killed, fmt.Errorf("renaming %q to %q: %w (the previous database is back in place)", fresh, name, err)
	}
	return killed, nil
}
