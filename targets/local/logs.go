package local

// `ctl logs` on the local environment: the files of logs.files (relative
// to the project directory), the last lines then followed like tail -F
// (a truncated or replaced file is read again from its start).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/targets"
)

var (
	_ targets.Logs         = (*Target)(nil)
	_ targets.SecretValuer = (*Target)(nil)
)

// FileTail is how many lines of a file are shown without --tail.
const FileTail = 100

// pollEvery is how often a followed file is looked at for more.
var pollEvery = 100 * time.Millisecond

func (t *Target) logFiles() []string {
	out := make([]string, len(t.env.Logs.Files))
	for i, f := range t.env.Logs.Files {
		out[i] = t.abs(f)
	}
	return out
}

// LogsDescription names the files.
func (t *Target) LogsDescription(req targets.LogRequest) string {
	d := strings.Join(t.logFiles(), ", ")
	if req.Tail < 0 {
		d += fmt.Sprintf(" (last %d lines, those with a time within --since)", FileTail)
	}
	return d
}

// Logs follows the configured files.
func (t *Target) Logs(ctx context.Context, req targets.LogRequest, sink targets.LogSink) error {
	files := t.logFiles()
	if len(files) == 0 {
		return &targets.LogsNotConfiguredError{Env: t.env.Name,
			What: "the local environment's processes write where you run them; to have ctl follow their files, add to ctl.yaml:\n" +
				"  environments:\n    " + t.env.Name + ":\n      logs:\n        files: [logs/django.log]   # relative to " + t.dir}
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil && !req.Follow {
			return fmt.Errorf("logs.files: %w", err)
		}
	}
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := targets.LogStream{Source: "file:" + f}
			if err := tailFile(ctx, f, req, stream, sink); err != nil && ctx.Err() == nil {
				sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "error", Text: err.Error()})
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// SecretValues are DATABASE_URL's password and SECRET_KEY (and
// DJANGO_SECRET_KEY) as ctl resolves them (environment, then .env),
// without asking Django.
func (t *Target) SecretValues(context.Context) ([]string, error) {
	var out []string
	key := "DATABASE_URL"
	if t.env.Has("database.url_env") {
		key = t.env.Database.URLEnv
	}
	raw, _, ok := t.lookup(key)
	if !ok && t.env.Has("database.url") {
		raw, ok = t.env.Database.URL, true
	}
	if ok {
		if db, err := targets.ParseDatabaseURL(raw, t.dir); err == nil && db.Password != "" {
			out = append(out, db.Password)
		}
	}
	for _, k := range targets.SecretKeyVars {
		if v, _, ok := t.lookup(k); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// tailFile sends the last lines of path, then (following) what is
// appended, reopening the file when it is replaced or truncated.
func tailFile(ctx context.Context, path string, req targets.LogRequest, stream targets.LogStream, sink targets.LogSink) error {
	n := req.Tail
	if n < 0 {
		n = FileTail
	}
	var f *os.File
	var err error
	for {
		f, err = os.Open(path)
		if err == nil {
			break
		}
		if !req.Follow {
			return err
		}
		if !sleep(ctx, pollEvery*5) { // not there yet: wait for it, as tail -F does
			return nil
		}
	}
	defer func() { f.Close() }() //nolint:errcheck,gosec // read-only
	off, err := lastLinesOffset(f, n)
	if err != nil {
		return err
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	br := bufio.NewReaderSize(f, 32<<10)
	var partial []byte
	// --since: lines that carry a time (written here, in the local zone
	// when they name none) older than it are skipped.
	filter := &targets.SinceFilter{Loc: time.Local}
	if req.Since > 0 {
		filter.Cutoff = time.Now().Add(-req.Since)
	}
	emit := func(text string) {
		if ts, keep := filter.Keep(text); keep {
			sink(targets.LogEvent{Stream: stream, Time: ts, Text: text})
		}
	}
	for {
		line, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			partial = append(partial, line...)
			off += int64(len(line))
			continue
		case err == nil:
			off += int64(len(line)) // every piece read is counted once, when read
			if len(partial) > 0 {
				line = append(partial, line...)
				partial = partial[:0]
			}
			emit(string(bytes.TrimRight(line, "\r\n")))
			continue
		case !errors.Is(err, io.EOF):
			return err
		}
		// EOF: an unfinished line waits for its newline.
		partial = append(partial, line...)
		off += int64(len(line))
		if !req.Follow {
			if len(partial) > 0 {
				emit(string(partial))
			}
			return nil
		}
		if !sleep(ctx, pollEvery) {
			return nil
		}
		// Replaced (rotated) or truncated: start again from the top.
		cur, serr := f.Stat()
		now, nerr := os.Stat(path)
		if serr == nil && nerr == nil && (!os.SameFile(cur, now) || now.Size() < off) {
			nf, err := os.Open(path)
			if err != nil {
				continue
			}
			f.Close() //nolint:errcheck,gosec // replaced
			f, off, partial = nf, 0, partial[:0]
			br.Reset(f)
			sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "restart", Text: path + " was replaced or truncated: reading it from the start"})
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// lastLinesOffset is where the last n lines of f start.
func lastLinesOffset(f *os.File, n int) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	if n == 0 {
		return size, nil
	}
	buf := make([]byte, 32<<10)
	pos, count := size, 0
	for pos > 0 {
		sz := min(int64(len(buf)), pos)
		pos -= sz
		if _, err := f.ReadAt(buf[:sz], pos); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		for i := sz - 1; i >= 0; i-- {
			if buf[i] == '\n' && pos+i != size-1 {
				count++
				if count == n {
					return pos + i + 1, nil
				}
			}
		}
	}
	return 0, nil
}
