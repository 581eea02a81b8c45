package dbdump

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// ArchiveError: a file that is not a readable custom-format dump.
type ArchiveError struct {
	Path string
	Msg  string
	hint string
}

func (e *ArchiveError) Error() string { return e.Path + ": " + e.Msg }

// Hint says what to do.
func (e *ArchiveError) Hint() string { return e.hint }

// Is makes a bad input file an invalid-input error (exit 2).
func (e *ArchiveError) Is(target error) bool { return target == exitcode.ErrInvalid }

// TOC is what `pg_restore --list` tells of an archive.
type TOC struct {
	// TableData counts the archive's TABLE DATA entries.
	TableData int
	// DumpedFrom is the server version the dump was taken from.
	DumpedFrom string
	// DumpedBy is pg_dump's version.
	DumpedBy string
}

func classifyArchive(path, said string) error {
	switch {
	case strings.Contains(said, "text format"):
		return &ArchiveError{Path: path, Msg: "a plain SQL dump, not a custom-format archive",
			hint: "restore it with `ctl dbshell ENV -- -f FILE`, or take the dump again with `ctl db dump`"}
	case strings.Contains(said, "unsupported version"):
		return &ArchiveError{Path: path, Msg: "written by a newer pg_dump than this pg_restore reads: " + said,
			hint: "install the newer PostgreSQL client (postgresql-client-N)"}
	case strings.Contains(said, "input file is too short"), strings.Contains(said, "could not read input file"),
		strings.Contains(said, "unexpected end of file"), strings.Contains(said, "end of file"):
		return &ArchiveError{Path: path, Msg: "the archive is truncated: " + said,
			hint: "the file is incomplete (an interrupted copy?); compare its size and sha256 with what `ctl db dump` printed"}
	case strings.Contains(said, "does not appear to be a valid archive"), strings.Contains(said, "did not find magic string"):
		return &ArchiveError{Path: path, Msg: "not a PostgreSQL custom-format archive",
			hint: "ctl db restore reads files written by `ctl db dump` or `pg_dump -Fc`"}
	}
	return &ArchiveError{Path: path, Msg: "pg_restore cannot read it: " + said, hint: "is it a dump written by `ctl db dump` or `pg_dump -Fc`?"}
}

func lastLines(b []byte) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, strings.TrimPrefix(l, "pg_restore: "))
		}
	}
	if len(out) > 3 {
		out = out[len(out)-3:]
	}
	return strings.Join(out, "; ")
}

// List runs `pg_restore --list` on path: the archive's table of contents.
func (t *Tools) List(ctx context.Context, path string) (*TOC, error) {
	if st, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &ArchiveError{Path: path, Msg: "no such file", hint: "check the path"}
		}
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, &ArchiveError{Path: path, Msg: "not a regular file", hint: "ctl db restore reads a dump file (pipes are not supported)"}
	}
	cmd := command(ctx, t.PgRestore, []string{"--list", "--", path}, t.Environ())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, exitcode.CancelError
		}
		return nil, classifyArchive(path, lastLines(errb.Bytes()))
	}
	toc := &TOC{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		l := sc.Text()
		if v, ok := strings.CutPrefix(l, ";     Dumped from database version: "); ok {
			toc.DumpedFrom = v
		}
		if v, ok := strings.CutPrefix(l, ";     Dumped by pg_dump version: "); ok {
			toc.DumpedBy = v
		}
		if !strings.HasPrefix(l, ";") && strings.Contains(l, " TABLE DATA ") {
			toc.TableData++
		}
	}
	return toc, nil
}

// Verify reads the whole archive (pg_restore into /dev/null), which
// catches a truncated file that --list alone would pass: the table of
// contents is at the start of the file, the data after it.
func (t *Tools) Verify(ctx context.Context, path string) (*TOC, error) {
	toc, err := t.List(ctx, path)
	if err != nil {
		return nil, err
	}
	cmd := command(ctx, t.PgRestore, []string{"--file=" + os.DevNull, "--", path}, t.Environ())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, exitcode.CancelError
		}
		return nil, classifyArchive(path, lastLines(errb.Bytes()))
	}
	return toc, nil
}

// RestoreArgs: into database name, owned by the connecting user (no
// owner or privilege statements: the roles of the source may not exist
// here), stopping at the first error.
func RestoreArgs(name string) []string {
	return []string{"--dbname=" + name, "--no-owner", "--no-privileges", "--exit-on-error", "--verbose", "--no-password"}
}

// RestoreError is a failed pg_restore.
type RestoreError struct{ Msg string }

func (e *RestoreError) Error() string { return e.Msg }

// Hint: nothing was swapped.
func (e *RestoreError) Hint() string {
	return "the new database was dropped; the environment's database is untouched"
}

// Restore runs pg_restore into database name on db's server, reading the
// archive from path, or from r when path is "". tr counts tables and the
// bytes read from r.
func (t *Tools) Restore(ctx context.Context, db *targets.DB, name, path string, r io.Reader, tr *Tracker) error {
	args := RestoreArgs(name)
	if path != "" {
		args = append(args, "--", path)
	}
	cmd := command(ctx, t.PgRestore, args, t.childEnv(db, name, "ctl db restore"))
	if r != nil {
		cmd.Stdin = readCounter{r, tr}
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting pg_restore: %w", err)
	}
	tr.scan(stderr)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return exitcode.CancelError
		}
		said := tr.Errors()
		if path != "" && (strings.Contains(said, "end of file") || strings.Contains(said, "could not read input file")) {
			return classifyArchive(path, said)
		}
		return &RestoreError{Msg: "pg_restore failed: " + said}
	}
	tr.Finish()
	return nil
}

type readCounter struct {
	r io.Reader
	t *Tracker
}

func (c readCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.t.Add(n)
	return n, err
}

// Sanitize runs a SQL file on database name with psql: one transaction,
// stopping at the first error.
func (t *Tools) Sanitize(ctx context.Context, db *targets.DB, name, sqlFile string, stderr io.Writer) error {
	if _, err := os.Stat(sqlFile); err != nil {
		return exitcode.WithHint(fmt.Errorf("sanitiser %s: %w", sqlFile, err), "check sanitize.sql in ctl.yaml (relative to the file that sets it)")
	}
	cmd := command(ctx, t.Psql, []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", sqlFile}, t.childEnv(db, name, "ctl db sanitize"))
	var errb bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = io.MultiWriter(&errb, stderr)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return exitcode.CancelError
		}
		return exitcode.WithHint(fmt.Errorf("the sanitiser %s failed: %s", sqlFile, lastLines(errb.Bytes())),
			"nothing was swapped: the new database was dropped; fix the SQL and pull again")
	}
	return nil
}

// DB returns a copy of db naming another database.
func WithName(db *targets.DB, name string) *targets.DB {
	d := *db
	d.Name = name
	return &d
}
