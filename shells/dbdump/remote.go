package dbdump

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// RunFunc runs a non-interactive session on the host next to the database.
type RunFunc func(ctx context.Context, s targets.Command) (int, error)

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// remoteScript runs pg_dump on the remote host with db's address and
// user in its environment (not secrets) and the password read from the
// session's stdin into PGPASSWORD: in no argv, on no disk, there or here.
func remoteScript(db *targets.DB, exclude []string) string {
	var b strings.Builder
	b.WriteString("IFS= read -r PGPASSWORD || exit 111; export PGPASSWORD; ")
	b.WriteString("unset PGPASSFILE PGSERVICE PGSERVICEFILE PGHOSTADDR; ")
	fmt.Fprintf(&b, "export PGDATABASE=%s PGAPPNAME=%s", shQuote(db.Name), shQuote("ctl db dump --remote"))
	// No host (or port): the remote side's own defaults reach the server
	// (Kubernetes: inside the database's pod).
	if db.Host != "" {
		fmt.Fprintf(&b, " PGHOST=%s", shQuote(db.Host))
	}
	if db.Port != 0 {
		fmt.Fprintf(&b, " PGPORT=%s", strconv.Itoa(db.Port))
	}
	if db.User != "" {
		fmt.Fprintf(&b, " PGUSER=%s", shQuote(db.User))
	}
	if m := db.Options["sslmode"]; m != "" {
		fmt.Fprintf(&b, " PGSSLMODE=%s", shQuote(m))
	}
	b.WriteString("; exec pg_dump")
	for _, a := range DumpArgs(exclude) {
		b.WriteString(" " + shQuote(a))
	}
	return b.String()
}

// RemoteVersion runs `pg_dump --version` on the remote host.
func RemoteVersion(ctx context.Context, run RunFunc, where string) (int, string, error) {
	var out, errb bytes.Buffer
	code, err := run(ctx, targets.Command{Argv: []string{"pg_dump", "--version"}, NoStdin: true, Stdout: &out, Stderr: &errb})
	if err != nil {
		return 0, "", err
	}
	if code != 0 {
		return 0, "", exitcode.WithHint(fmt.Errorf("pg_dump --version on %s exits %d: %s", where, code, strings.TrimSpace(errb.String())),
			"install the PostgreSQL client there (apt install postgresql-client-N), or dump from here without --remote")
	}
	return ParseClientVersion(out.String())
}

// Remote is pg_dump run on a host of the environment (ssh: the db role's
// host, else the app host), its archive streamed back over the session's
// stdout.
func Remote(run RunFunc, db *targets.DB, exclude []string, where string) Source {
	return func(ctx context.Context, w io.Writer, tr *Tracker) error {
		pr, pw := io.Pipe()
		scanned := make(chan struct{})
		go func() { tr.scan(pr); close(scanned) }()
		cw := countingWriter{w, tr}
		code, err := run(ctx, targets.Command{
			Argv:   []string{"sh", "-c", remoteScript(db, exclude)},
			Stdin:  strings.NewReader(db.Password + "\n"),
			Stdout: cw, Stderr: pw,
		})
		_ = pw.Close()
		<-scanned
		if ctx.Err() != nil {
			return exitcode.CancelError
		}
		if err != nil {
			return err
		}
		if code == 0 {
			tr.Finish()
			return nil
		}
		said := tr.Errors()
		switch {
		case code == 127:
			return exitcode.WithHint(fmt.Errorf("pg_dump is not installed on %s", where), "install postgresql-client there, or dump from here without --remote")
		case code == 255 || lostConnection(said):
			return &DumpError{Lost: true, Msg: "the connection to " + where + " or the database was lost mid-dump: " + said,
				hint: "run the command again"}
		}
		return &DumpError{Msg: fmt.Sprintf("pg_dump on %s failed (exit %d): %s", where, code, said), hint: "see pg_dump's message above"}
	}
}
