package ssh

// `ctl logs` on ssh environments: every configured source (logs.journal,
// logs.files, logs.docker) on every selected host, one ssh session each
// over the host's multiplexed connection, merged by the caller.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/targets"
)

var _ targets.Logs = (*Target)(nil)

// FileTail is how many lines of a file are shown without --tail (a file
// cannot be read from a time: --since then drops those of its last lines
// whose own times are older).
const FileTail = 100

type logSource struct {
	kind, name string // journal|file|docker, unit/path/container
}

func (s logSource) String() string { return s.kind + ":" + s.name }

func (t *Target) logSources() []logSource {
	var out []logSource
	for _, u := range t.env.Logs.Journal {
		out = append(out, logSource{"journal", u})
	}
	for _, f := range t.env.Logs.Files {
		out = append(out, logSource{"file", f})
	}
	for _, d := range t.env.Logs.Docker {
		out = append(out, logSource{"docker", d})
	}
	return out
}

// logHosts: --host, the hosts of --role (or of the components, read as
// roles), else every host.
func (t *Target) logHosts(req targets.LogRequest) ([]string, error) {
	o := t.deps.Opts
	if o.Host != "" || o.Role != "" {
		return t.candidates, nil
	}
	if len(req.Components) == 0 {
		return t.hosts, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range req.Components {
		hs, ok := t.roles[c]
		if !ok {
			return nil, fmt.Errorf("environment %q has no role %q (ssh environments read components as roles; its roles: %s)",
				t.env.Name, c, strings.Join(t.roleNames(t.roles), ", "))
		}
		for _, h := range hs {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out, nil
}

// LogsDescription says what is read where.
func (t *Target) LogsDescription(req targets.LogRequest) string {
	var names []string
	for _, s := range t.logSources() {
		names = append(names, s.String())
	}
	hosts, _ := t.logHosts(req)
	d := fmt.Sprintf("%s on %s", strings.Join(names, ", "), strings.Join(hosts, ", "))
	if len(t.env.Logs.Files) > 0 && req.Tail < 0 {
		d += fmt.Sprintf(" (files: last %d lines, those with a time within --since)", FileTail)
	}
	return d
}

// Logs follows every source on every host.
func (t *Target) Logs(ctx context.Context, req targets.LogRequest, sink targets.LogSink) error {
	sources := t.logSources()
	if len(sources) == 0 {
		return &targets.LogsNotConfiguredError{Env: t.env.Name,
			What: "add a logs: block to the environment in ctl.yaml, e.g. logs: {journal: [myapp-web], files: [/var/log/myapp/app.log]} (docs/logs.md)"}
	}
	hosts, err := t.logHosts(req)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, h := range hosts {
		for _, s := range sources {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.followSource(ctx, h, s, req, sink)
			}()
		}
	}
	wg.Wait()
	return ctx.Err()
}

// remoteLogCommand is the shell command reading one source.
// A file the ssh user may not read is read as sudo_user, when one is set
// (the app's own log, owned by the app user).
func remoteLogCommand(s logSource, req targets.LogRequest, since time.Duration, resumed bool, sudoUser string) string {
	var argv []string
	switch s.kind {
	case "journal":
		argv = []string{"journalctl", "-u", s.name, "-o", "json", "--output-fields=MESSAGE", "--no-pager"}
		if since > 0 {
			argv = append(argv, "--since=-"+strconv.Itoa(int(since.Seconds()+0.999))+"s")
		}
		if req.Tail >= 0 && !resumed {
			argv = append(argv, "-n", strconv.Itoa(req.Tail))
		} else {
			argv = append(argv, "-n", "all")
		}
		if req.Follow {
			argv = append(argv, "-f")
		}
	case "file":
		n := req.Tail
		if n < 0 {
			n = FileTail
		}
		if resumed {
			n = 0
		}
		argv = []string{"tail", "-n", strconv.Itoa(n)}
		if req.Follow {
			argv = append(argv, "-F")
		}
		argv = append(argv, "--", s.name)
	case "docker":
		argv = []string{"docker", "logs", "--timestamps"}
		if since > 0 {
			argv = append(argv, "--since", strconv.Itoa(int(since.Seconds()+0.999))+"s")
		}
		if req.Tail >= 0 && !resumed {
			argv = append(argv, "--tail", strconv.Itoa(req.Tail))
		}
		if req.Follow {
			argv = append(argv, "--follow")
		}
		argv = append(argv, s.name)
	}
	cmd := quoteArgv(argv)
	if s.kind == "docker" {
		cmd += " 2>&1"
	}
	if s.kind == "file" {
		// The host's zone first: the times a file's lines carry without
		// one are the host's (--since).
		cmd = "date +%z; " + cmd
	}
	if s.kind == "file" && sudoUser != "" {
		f := quote(s.name)
		tail := strings.TrimPrefix(cmd, "date +%z; ")
		// Not readable (or not visible: the app's directory may be closed
		// to the ssh user): as sudo_user.
		cmd = "date +%z; if [ -r " + f + " ]; then exec " + tail + "; else exec sudo -n -u " + quote(sudoUser) + " -- " + tail + "; fi"
		if !req.Follow {
			return "sh -c " + quote(cmd)
		}
	}
	if !req.Follow {
		if s.kind == "file" {
			return "sh -c " + quote(cmd)
		}
		return cmd
	}
	// Followed: the reader ends when ssh's stdin does (ctl went away or
	// the connection dropped), since sshd sends no hangup without a TTY.
	// (An asynchronous list's stdin is /dev/null: the watcher reads a copy.)
	return "sh -c " + quote("exec 3<&0; "+cmd+" & p=$!; (cat <&3 >/dev/null 2>&1; kill $p 2>/dev/null) >/dev/null 2>&1 & exec 3<&-; wait $p")
}

// followSource runs one source on one host, again after a dropped
// connection (with a marker).
func (t *Target) followSource(ctx context.Context, host string, s logSource, req targets.LogRequest, sink targets.LogSink) {
	stream := targets.LogStream{Host: hostName(host), Source: s.String()}
	if len(t.logSources()) == 1 {
		stream.Source = ""
	}
	since := req.Since
	var last time.Time
	failures := 0
	for ctx.Err() == nil {
		resumed := !last.IsZero() || failures > 0
		if !last.IsZero() {
			since = time.Since(last) + time.Second
		}
		remote := remoteLogCommand(s, req, since, resumed, t.env.SudoUser)
		args := append(t.sshArgs(host, true), "-T", "--", destination(host), remote)
		cmd := exec.CommandContext(ctx, t.ssh, args...)
		cmd.Env = t.deps.Environ()
		var stdin io.WriteCloser
		if req.Follow {
			var err error
			if stdin, err = cmd.StdinPipe(); err != nil {
				sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "error", Text: err.Error()})
				return
			}
		}
		var errb limitedBuffer
		cmd.Stderr = &errb
		out, err := cmd.StdoutPipe()
		if err == nil {
			err = cmd.Start()
		}
		if err != nil {
			sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "error", Text: "ssh: " + err.Error()})
			return
		}
		started := time.Now()
		var filter *targets.SinceFilter
		if s.kind == "file" {
			filter = &targets.SinceFilter{Loc: time.UTC}
			if since > 0 && !resumed {
				filter.Cutoff = time.Now().Add(-since)
			}
		}
		last = readLogLines(out, s.kind, stream, last, filter, sink)
		werr := cmd.Wait()
		if stdin != nil {
			stdin.Close() //nolint:errcheck,gosec // the command is over
		}
		if ctx.Err() != nil {
			return
		}
		msg := targets.LastLine(string(errb.b))
		var ee *exec.ExitError
		code := 0
		if errors.As(werr, &ee) {
			code = ee.ExitCode()
		}
		if !req.Follow || (code != 0 && code != 255) {
			// The command itself failed (no such unit, file, container):
			// retrying would not help.
			if werr != nil {
				if msg == "" {
					msg = werr.Error()
				}
				sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "error", Text: fmt.Sprintf("%s on %s: %s", s, host, msg)})
			}
			return
		}
		// ssh ended (255: the connection) while following: retry.
		if time.Since(started) > 10*time.Second {
			failures = 0
		}
		failures++
		if msg == "" {
			msg = "the connection ended"
		}
		sink(targets.LogEvent{Stream: stream, Kind: targets.LogMarker, Marker: "reconnect", Text: fmt.Sprintf("%s: %s; reconnecting", host, msg)})
		select {
		case <-ctx.Done():
			return
		case <-time.After(min(time.Duration(failures)*500*time.Millisecond, 5*time.Second)):
		}
	}
}

// readLogLines sends a source's output to the sink and returns the last
// line's time (lines at or before after are skipped: a resumed journal or
// docker stream starts a little early).
//
// A file's stream starts with the host's zone (date +%z), which filter
// (--since over the lines' own times) reads them in.
func readLogLines(r io.Reader, kind string, stream targets.LogStream, after time.Time, filter *targets.SinceFilter, sink targets.LogSink) time.Time {
	br := bufio.NewReaderSize(r, 32<<10)
	last := after
	var long []byte
	first := true
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if len(long) > 0 {
			line = append(long, line...)
			long = long[:0]
		}
		line = bytes.TrimRight(line, "\r\n")
		if first && filter != nil {
			first = false
			if z, zerr := time.Parse("-0700", string(line)); zerr == nil {
				filter.Loc = z.Location()
				if err != nil {
					return last
				}
				continue
			}
		}
		if len(line) > 0 || err == nil {
			ts, text, ok := parseSourceLine(kind, line)
			if filter != nil {
				var keep bool
				if ts, keep = filter.Keep(text); !keep {
					ok = false
				}
			}
			if ok && (kind == "file" || after.IsZero() || ts.IsZero() || ts.After(after)) { // a resumed file starts at its end
				sink(targets.LogEvent{Stream: stream, Time: ts, Text: text})
				if !ts.IsZero() {
					last = ts
				}
			}
		}
		if err != nil {
			return last
		}
	}
}

// parseSourceLine reads one line of journalctl -o json, docker logs
// --timestamps or a file.
func parseSourceLine(kind string, line []byte) (time.Time, string, bool) {
	switch kind {
	case "journal":
		var e struct {
			Realtime string          `json:"__REALTIME_TIMESTAMP"`
			Message  json.RawMessage `json:"MESSAGE"`
		}
		if json.Unmarshal(line, &e) != nil {
			return time.Time{}, string(line), true
		}
		var ts time.Time
		if us, err := strconv.ParseInt(e.Realtime, 10, 64); err == nil {
			ts = time.UnixMicro(us)
		}
		var msg string
		if json.Unmarshal(e.Message, &msg) != nil {
			// Not UTF-8: journald gives the bytes as an array of numbers.
			var bs []byte
			var nums []int
			if json.Unmarshal(e.Message, &nums) == nil {
				for _, n := range nums {
					bs = append(bs, byte(n)) //nolint:gosec // bytes
				}
			}
			msg = string(bs)
		}
		return ts, strings.TrimRight(msg, "\n"), true
	case "docker":
		if sp := bytes.IndexByte(line, ' '); sp > 0 {
			if ts, err := time.Parse(time.RFC3339Nano, string(line[:sp])); err == nil {
				return ts, string(line[sp+1:]), true
			}
		}
	}
	return time.Time{}, string(line), true
}

var _ targets.SecretValuer = (*Target)(nil)

// SecretValues are the database password and SECRET_KEY (and
// DJANGO_SECRET_KEY) as the app gets them on its first answering host:
// from database.url_from (the env file, or the systemd unit's
// Environment), read once over ssh into memory. Without url_from, the
// password as dbshell resolves it (database.url, else Django), without a
// tunnel. Errors never hold a value.
func (t *Target) SecretValues(ctx context.Context) ([]string, error) {
	host, err := t.pickHost(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []string
	if t.env.Database.URLFrom == "" {
		db, err := t.credentials(ctx, host)
		if err != nil {
			return nil, err
		}
		if db.Password != "" {
			out = append(out, db.Password)
		}
		return out, nil
	}
	vars, _, err := t.remoteEnv(ctx, host)
	if err != nil {
		return nil, err
	}
	key := t.env.Database.URLEnv
	if key == "" {
		key = "DATABASE_URL"
	}
	if db, err := targets.ParseDatabaseURL(vars[key], ""); err == nil && db.Password != "" {
		out = append(out, db.Password)
	}
	for _, k := range targets.SecretKeyVars {
		if v := vars[k]; v != "" {
			out = append(out, v)
		}
	}
	return out, nil
}
