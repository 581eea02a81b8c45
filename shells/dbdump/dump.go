package dbdump

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// childEnv is a pg_dump/pg_restore/psql environment for db (the password
// in PGPASSWORD only), connecting to database name, as application app.
func (t *Tools) childEnv(db *targets.DB, name, app string) []string {
	d := *db
	d.Name = name
	env := shells.PsqlEnv(t.Environ(), &d, false)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PGAPPNAME=") {
			env[i] = "PGAPPNAME=" + app
		}
	}
	return env
}

// command builds a child that ends with ctx (SIGTERM, then SIGKILL after
// 5 s) and, on Linux, with ctl.
func command(ctx context.Context, bin string, args []string, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = childProcAttr()
	return cmd
}

// DumpArgs are pg_dump's arguments: custom format, verbose (progress),
// no password prompt, and the table data exclusions. The connection is
// in the environment.
func DumpArgs(exclude []string) []string {
	args := []string{"--format=custom", "--verbose", "--no-password"}
	for _, p := range exclude {
		args = append(args, "--exclude-table-data="+p)
	}
	return args
}

// DumpError is a failed pg_dump, with what it said.
type DumpError struct {
	Msg  string
	hint string
	// Lost is true when the connection dropped mid-dump (a tunnel gone).
	Lost bool
}

func (e *DumpError) Error() string { return e.Msg }

// Hint says what to try.
func (e *DumpError) Hint() string { return e.hint }

func lostConnection(s string) bool {
	for _, m := range []string{"server closed the connection", "connection to server", "could not receive data", "SSL SYSCALL", "lost synchronization", "PQgetCopyData", "terminating connection", "EOF detected", "no connection to the server"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// Stream runs pg_dump on db and copies its archive into w, counting
// bytes and tables into tr. A write error (a full disk, a restore that
// died) stops pg_dump; its error is returned as is.
func (t *Tools) Stream(parent context.Context, db *targets.DB, exclude []string, w io.Writer, tr *Tracker) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	cmd := command(ctx, t.PgDump, DumpArgs(exclude), t.childEnv(db, db.Name, "ctl db dump"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting pg_dump: %w", err)
	}
	scanned := make(chan struct{})
	go func() { tr.scan(stderr); close(scanned) }()
	buf := make([]byte, 256*1024)
	_, copyErr := io.CopyBuffer(countingWriter{w, tr}, stdout, buf)
	var writeErr error
	if copyErr != nil {
		writeErr = copyErr
		cancel() // pg_dump cannot go on without a reader
		_, _ = io.Copy(io.Discard, stdout)
	}
	<-scanned
	waitErr := cmd.Wait()
	if parent.Err() != nil {
		return exitcode.CancelError
	}
	if writeErr != nil {
		return writeErr
	}
	if waitErr != nil {
		said := tr.Errors()
		e := &DumpError{Msg: "pg_dump failed: " + said, hint: "see pg_dump's message above; the tunnel and pg_dump are closed"}
		if said == "" {
			e.Msg = "pg_dump failed: " + waitErr.Error()
		}
		if lostConnection(said) {
			e.Lost = true
			e.Msg = "the connection to the database was lost mid-dump: " + said
			e.hint = "the tunnel or the server went away; run the command again (a long dump through a port-forward may need a steadier connection, or --remote)"
		}
		return e
	}
	tr.Finish()
	return nil
}

// DumpResult is a verified dump file.
type DumpResult struct {
	Path   string
	Bytes  int64
	SHA256 string
	Tables int
}

// WriteError is a failure writing the dump file.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string { return fmt.Sprintf("writing %s: %v", e.Path, e.Err) }
func (e *WriteError) Unwrap() error { return e.Err }

// Hint names the usual cause.
func (e *WriteError) Hint() string {
	if errors.Is(e.Err, syscall.ENOSPC) {
		return "the disk is full: free space or write elsewhere with -o; no partial file was left"
	}
	return "no partial file was left under that name"
}

// Source produces a custom-format archive into w, counting into tr: a
// local pg_dump through the tunnel (Tools.Local), or one on a host next
// to the database (Remote).
type Source func(ctx context.Context, w io.Writer, tr *Tracker) error

// Local is pg_dump on this machine, through the tunnel to db.
func (t *Tools) Local(db *targets.DB, exclude []string) Source {
	return func(ctx context.Context, w io.Writer, tr *Tracker) error { return t.Stream(ctx, db, exclude, w, tr) }
}

// DumpFile dumps src into path: a temporary file next to it (mode 0600),
// renamed to path only when pg_dump exited 0 and `pg_restore --list`
// reads it. On any failure (and on ctx's end) the temporary file is
// removed and path is untouched.
func (t *Tools) DumpFile(ctx context.Context, src Source, path string, tr *Tracker) (*DumpResult, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, &WriteError{Path: path, Err: err}
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	h := sha256.New()
	fw := &fileWriter{w: sink(tmp)}
	if err := src(ctx, io.MultiWriter(fw, h), tr); err != nil {
		if fw.err != nil {
			return nil, &WriteError{Path: path, Err: fw.err}
		}
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, &WriteError{Path: path, Err: err}
	}
	if err := tmp.Close(); err != nil {
		return nil, &WriteError{Path: path, Err: err}
	}
	if _, err := t.List(ctx, name); err != nil {
		return nil, fmt.Errorf("the dump does not read back: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		return nil, &WriteError{Path: path, Err: err}
	}
	ok = true
	p := tr.Snapshot()
	return &DumpResult{Path: path, Bytes: fw.n, SHA256: hex.EncodeToString(h.Sum(nil)), Tables: p.TablesDone}, nil
}

// sink is where the dump's bytes go: the temporary file (tests put a
// full disk in front of it).
var sink = func(f *os.File) io.Writer { return f }

type fileWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = err
	}
	return n, err
}

// FileSHA256 hashes a file.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
