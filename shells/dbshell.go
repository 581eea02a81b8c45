// Package shells holds the recipes of ctl's verbs on top of a Target:
// which command a pyshell runs, and how a database shell is launched
// (pgx preflight, then psql with the password in its environment only).
package shells

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/run"
	"github.com/ctlops/ctl/targets"
)

// DBError is a classified database connection failure. Its message
// names user, host and database, never the password.
type DBError struct {
	Kind string // auth | unreachable | missing-database | timeout | other
	Msg  string
	hint string
	err  error
}

func (e *DBError) Error() string { return e.Msg }
func (e *DBError) Hint() string  { return e.hint }
func (e *DBError) Unwrap() error { return e.err }

// pgConfig builds a pgconn config without ever putting the password in a
// string that could end up in an error.
func pgConfig(db *targets.DB, timeout time.Duration) (*pgconn.Config, error) {
	kv := []string{
		"host=" + quoteKV(db.Host),
		"port=" + strconv.Itoa(db.Port),
		"dbname=" + quoteKV(db.Name),
		"connect_timeout=" + strconv.Itoa(max(1, int(timeout.Seconds()))),
	}
	if db.User != "" {
		kv = append(kv, "user="+quoteKV(db.User))
	}
	if m := db.Options["sslmode"]; m != "" {
		kv = append(kv, "sslmode="+quoteKV(m))
	}
	cfg, err := pgconn.ParseConfig(strings.Join(kv, " "))
	if err != nil {
		return nil, fmt.Errorf("database settings: %w", err)
	}
	cfg.Password = db.Password
	cfg.RuntimeParams["application_name"] = "ctl preflight"
	return cfg, nil
}

func quoteKV(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Connect opens a pgconn connection to db as application app, with the
// same classified errors as Preflight. The caller closes it.
func Connect(ctx context.Context, db *targets.DB, timeout time.Duration, app string) (*pgconn.PgConn, error) {
	cfg, err := pgConfig(db, timeout)
	if err != nil {
		return nil, err
	}
	if app != "" {
		cfg.RuntimeParams["application_name"] = app
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgconn.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, classify(db, err, cctx.Err() != nil)
	}
	return conn, nil
}

// Preflight connects with pgx and runs `select 1`, so that a bad password,
// an unreachable server or a missing database is reported clearly before
// psql starts.
func Preflight(ctx context.Context, db *targets.DB, timeout time.Duration) error {
	cfg, err := pgConfig(db, timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return classify(db, err, ctx.Err() != nil)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "select 1").ReadAll(); err != nil {
		return classify(db, err, ctx.Err() != nil)
	}
	return nil
}

func classify(db *targets.DB, err error, timedOut bool) error {
	who := fmt.Sprintf("database %q on %s as user %q", db.Name, db.Addr(), db.User)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01", "28000":
			return &DBError{Kind: "auth", err: err,
				Msg:  fmt.Sprintf("authentication failed for %s: %s", who, pgErr.Message),
				hint: "the credentials came from " + db.Source + "; check the user and password there"}
		case "3D000":
			return &DBError{Kind: "missing-database", err: err,
				Msg:  fmt.Sprintf("database %q does not exist on %s", db.Name, db.Addr()),
				hint: "create it (createdb, or manage.py migrate on a fresh server), or fix the name in " + db.Source}
		}
		return &DBError{Kind: "other", err: err, Msg: fmt.Sprintf("%s: %s (SQLSTATE %s)", who, pgErr.Message, pgErr.Code)}
	}
	if timedOut || errors.Is(err, context.DeadlineExceeded) {
		return &DBError{Kind: "timeout", err: err,
			Msg:  fmt.Sprintf("cannot reach %s: no answer before the timeout", db.Addr()),
			hint: "is the server up and the address right? (from " + db.Source + ")"}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &DBError{Kind: "unreachable", err: err,
			Msg:  fmt.Sprintf("cannot resolve the database host %q: %s", dnsErr.Name, dnsErr.Err),
			hint: "the host name came from " + db.Source}
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.As(err, &netErr) {
		reason := "connection failed"
		if opErr != nil && opErr.Err != nil {
			reason = opErr.Err.Error()
		}
		return &DBError{Kind: "unreachable", err: err,
			Msg:  fmt.Sprintf("cannot reach the database server at %s: %s", db.Addr(), reason),
			hint: "is PostgreSQL running there? the address came from " + db.Source}
	}
	return &DBError{Kind: "other", err: err, Msg: fmt.Sprintf("cannot connect to %s: %v", who, err)}
}

// DBShellOptions configures a database shell.
type DBShellOptions struct {
	DB       *targets.DB
	Args     []string // extra arguments for psql / sqlite3
	ReadOnly bool
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
	Environ  func() []string
	LookPath func(string) (string, error)
}

// pgIdentityVars are replaced by ctl's own values in psql's environment.
var pgIdentityVars = []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
	"PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGAPPNAME"}

// PsqlEnv is psql's environment: the password travels here, never in argv.
func PsqlEnv(base []string, db *targets.DB, readOnly bool) []string {
	out := make([]string, 0, len(base)+8)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, v := range pgIdentityVars {
			if k == v {
				drop = true
				break
			}
		}
		if readOnly && k == "PGOPTIONS" {
			drop = true
		}
		if !drop {
			out = append(out, kv)
		}
	}
	out = append(out, "PGHOST="+db.Host, "PGPORT="+strconv.Itoa(db.Port), "PGDATABASE="+db.Name, "PGAPPNAME=ctl dbshell")
	if db.User != "" {
		out = append(out, "PGUSER="+db.User)
	}
	if db.Password != "" {
		out = append(out, "PGPASSWORD="+db.Password)
	}
	if m := db.Options["sslmode"]; m != "" {
		out = append(out, "PGSSLMODE="+m)
	}
	if readOnly {
		out = append(out, "PGOPTIONS=-c default_transaction_read_only=on")
	}
	return out
}

// DBClientArgv is the client dbshell runs on db: psql with the user's
// arguments (the connection travels in its environment), or sqlite3 on
// the file.
func DBClientArgv(db *targets.DB, args []string, readOnly bool) []string {
	if db.Engine == "sqlite" {
		argv := []string{"sqlite3"}
		if readOnly {
			argv = append(argv, "-readonly")
		}
		return append(append(argv, db.Name), args...)
	}
	return append([]string{"psql"}, args...)
}

// RunDBShell opens psql or sqlite3 on db in the foreground and returns its
// exit code.
func RunDBShell(opts DBShellOptions) (int, error) {
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	if opts.Environ == nil {
		opts.Environ = os.Environ
	}
	db := opts.DB
	var cmd *exec.Cmd
	switch db.Engine {
	case "sqlite":
		bin, err := opts.LookPath("sqlite3")
		if err != nil {
			return 0, exitcode.WithHint(errors.New("sqlite3 is not installed"), "install it (apt install sqlite3, brew install sqlite)")
		}
		if _, err := os.Stat(db.Name); err != nil {
			return 0, exitcode.WithHint(fmt.Errorf("SQLite database %s does not exist", db.Name), "run `ctl manage ENV -- migrate` to create it")
		}
		// sqlite3 [OPTIONS] FILENAME [SQL...]: options may follow the file,
		// so the user's arguments go last and may be SQL.
		cmd = exec.Command(bin, DBClientArgv(db, opts.Args, opts.ReadOnly)[1:]...)
		cmd.Env = opts.Environ()
	case "postgres":
		bin, err := opts.LookPath("psql")
		if err != nil {
			return 0, exitcode.WithHint(errors.New("psql is not installed"), "install the PostgreSQL client (apt install postgresql-client, brew install libpq)")
		}
		cmd = exec.Command(bin, opts.Args...)
		cmd.Env = PsqlEnv(opts.Environ(), db, opts.ReadOnly)
	default:
		return 0, fmt.Errorf("database engine %q is not supported by dbshell", db.Engine)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, opts.Stdout, opts.Stderr
	return run.Foreground(cmd)
}
