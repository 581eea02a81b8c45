package shells

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
)

// TrailSchemaVersion is the version of one line of the session trail.
const TrailSchemaVersion = 1

// SessionRecord is one line of the session trail: who ran what, where,
// when, for how long and how it ended. It never holds a secret: Command
// and Error are redacted before they are written.
type SessionRecord struct {
	SchemaVersion int `json:"schemaVersion"`
	// User and Host are who ran ctl, and on which machine.
	User string `json:"user"`
	Host string `json:"host"`
	// Env is the environment's name; Target its kind (local, kubernetes, ssh).
	Env    string `json:"env"`
	Target string `json:"target"`
	// Context, Namespace, Pod and Container say where a kubernetes
	// session ran (empty elsewhere).
	Context   string `json:"context"`
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	Container string `json:"container"`
	// RemoteHost and RemoteUser say where an ssh session ran: the host as
	// ctl.yaml names it (several, comma-separated, after a fan-out) and
	// the login user there (empty elsewhere).
	RemoteHost string `json:"remoteHost"`
	RemoteUser string `json:"remoteUser"`
	// Verb is the ctl command: shell, pyshell, dbshell, exec, manage.
	Verb string `json:"verb"`
	// Command is what ran (empty: an interactive shell), redacted.
	Command []string `json:"command"`
	// Start is when the session began (RFC 3339 with nanoseconds).
	Start      time.Time `json:"start"`
	DurationMs int64     `json:"durationMs"`
	// ExitCode is the child's code, or the code ctl exited with when it
	// failed itself (Error is then set).
	ExitCode int `json:"exitCode"`
	// Error is ctl's own failure, redacted; empty when the child ran.
	Error string `json:"error,omitempty"`
	// Artifact is the file the session wrote (`ctl db dump`), with its
	// size and checksum; absent for other verbs.
	Artifact *Artifact `json:"artifact,omitempty"`
	// Job and Image say what a one-off run started (`ctl run`, `ctl
	// migrate`, `ctl restart`'s workloads): the Job's (or unit's) name and
	// the image it ran, pinned to a digest when known; absent otherwise.
	Job   string `json:"job,omitempty"`
	Image string `json:"image,omitempty"`
	// Detail is the verb's own summary (restart: what was restarted
	// and how it went).
	Detail string `json:"detail,omitempty"`
}

// Workload is what a verb started, as the trail keeps it.
type Workload struct {
	Job, Image, Detail string
}

// Artifact is a file a session produced or consumed, as the trail keeps it.
type Artifact struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// TrailPath is the trail file: $XDG_STATE_HOME/ctl/sessions.jsonl, or
// ~/.local/state/ctl/sessions.jsonl. It is "" when neither
// XDG_STATE_HOME (absolute) nor HOME is set.
func TrailPath(getenv func(string) string) string {
	base := getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the XDG spec: relative paths are invalid
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "ctl", "sessions.jsonl")
}

// ErrNoTrailPath is returned when the trail cannot be located.
var ErrNoTrailPath = errors.New("cannot locate the session trail: neither XDG_STATE_HOME nor HOME is set")

// AppendRecord appends rec as one JSON line to the trail at path. The
// directories are created 0700 and the file 0600. The line is written
// with a single write(2) on an O_APPEND descriptor, so concurrent
// sessions never interleave their lines. Command and Error are redacted
// again here, whatever the caller did.
func AppendRecord(path string, rec SessionRecord) error {
	if path == "" {
		return ErrNoTrailPath
	}
	if rec.SchemaVersion == 0 {
		rec.SchemaVersion = TrailSchemaVersion
	}
	rec.Command = RedactArgs(rec.Command)
	rec.Error = RedactString(rec.Error)
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("session trail: %w", err)
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("session trail: %w", err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("session trail: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600) // an older or hand-made file: tighten it
	}
	n, err := f.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("session trail %s: %w", path, err)
	}
	return nil
}

// TrailLineError is a line of the trail that is not a session record.
type TrailLineError struct {
	Path string
	Line int
	Err  error
}

func (e *TrailLineError) Error() string {
	return fmt.Sprintf("%s:%d: malformed session record: %v", e.Path, e.Line, e.Err)
}

func (e *TrailLineError) Unwrap() error { return e.Err }

// ReadTrail reads every record of the trail in file order. A missing file
// is an empty trail. Malformed lines (a crash mid-write, a hand edit) are
// skipped and reported as *TrailLineError with their line number; an
// unreadable file is the only error that yields no records.
func ReadTrail(path string) ([]SessionRecord, []error) {
	if path == "" {
		return nil, []error{ErrNoTrailPath}
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{err}
	}
	defer f.Close()
	var recs []SessionRecord
	var errs []error
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, rerr := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if rec, err := parseRecord(line); err != nil {
				errs = append(errs, &TrailLineError{Path: path, Line: n, Err: err})
			} else {
				recs = append(recs, rec)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", path, n, rerr))
			break
		}
	}
	return recs, errs
}

func parseRecord(line []byte) (SessionRecord, error) {
	var rec SessionRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		return rec, err
	}
	if rec.SchemaVersion < 1 {
		return rec, errors.New("no schemaVersion")
	}
	return rec, nil
}

// Session measures one session for the trail:
//
//	s := shells.Begin(shells.SessionRecord{User: u, Host: h, Env: "prod", Verb: "shell", ...}, time.Now)
//	code, err := t.Run(ctx, ...)
//	rec := s.End(code, err)
//	if err := shells.AppendRecord(shells.TrailPath(getenv), rec); err != nil { warn }
type Session struct {
	rec   SessionRecord
	start time.Time
	now   func() time.Time
}

// Begin starts measuring: it stamps Start with now() (time.Now when nil),
// sets the schema version and redacts Command.
func Begin(rec SessionRecord, now func() time.Time) *Session {
	if now == nil {
		now = time.Now
	}
	start := now()
	rec.SchemaVersion = TrailSchemaVersion
	rec.Start = start.Round(0) // drop the monotonic reading; kept in s.start
	rec.Command = RedactArgs(rec.Command)
	return &Session{rec: rec, start: start, now: now}
}

// End completes the record. code is the session's exit code as the
// command layer computed it (cmdutil.ExitCode: 255 for ctl's own failure
// in a passthrough verb); err is what the verb returned:
//
//   - nil: exitCode = code;
//   - an *exitcode.ExitError (a child's non-zero code as an error):
//     exitCode = its code, no error recorded;
//   - any other error, ctl's own failure: error = its redacted message,
//     exitCode = code.
func (s *Session) End(code int, err error) SessionRecord {
	rec := s.rec
	rec.DurationMs = max(s.now().Sub(s.start).Milliseconds(), 0)
	rec.ExitCode = code
	var ee *exitcode.ExitError
	var se *exitcode.SignalError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		rec.ExitCode = ee.Code
	case errors.As(err, &se): // ctl was sent a signal: 128+n, not a failure
		rec.ExitCode = se.ExitCode()
	default:
		rec.Error = RedactString(err.Error())
	}
	return rec
}

// Finish is End followed by AppendRecord(path, ...): it returns the record
// and the trail's error, which callers should only warn about.
func (s *Session) Finish(path string, code int, err error) (SessionRecord, error) {
	rec := s.End(code, err)
	return rec, AppendRecord(path, rec)
}

// Redacted replaces a secret in the trail.
const Redacted = "***"

// sensitiveName reports whether a flag or variable name names a secret:
// --password, --db-pass, PGPASSWORD, SECRET_KEY, API_TOKEN, --api-key.
func sensitiveName(name string) bool {
	n := strings.ToLower(strings.TrimLeft(name, "-"))
	n = strings.NewReplacer("-", "", "_", "", ".", "").Replace(n)
	switch n {
	case "pass", "pwd", "pw", "key", "auth":
		return true
	}
	for _, w := range []string{"password", "passwd", "passphrase", "secret", "token", "credential", "apikey", "accesskey", "privatekey", "authorization"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return strings.HasSuffix(n, "pass") || strings.HasSuffix(n, "pwd")
}

var (
	envAssign = textutil.Regexp(`^[A-Za-z_][A-Za-z0-9_]*=`)
	// scheme://user:PASSWORD@host (up to the last @: unencoded @ in passwords happen)
	urlUserinfo = textutil.Regexp(`([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):([^/?#\s]*)@`)
	// password=x in conninfo strings and query strings, PGPASSWORD=x in text
	keyValue = textutil.Regexp(`(?i)([A-Za-z0-9_.-]*(?:password|passwd|secret|token)[A-Za-z0-9_.-]*\s*=\s*)('[^']*'|"[^"]*"|[^\s&;,'"]+)`)
	// ALTER USER x WITH PASSWORD 'y' / IDENTIFIED BY 'y'
	sqlPassword = textutil.Regexp(`(?i)\b(password|identified\s+by)(\s+)('[^']*'|"[^"]*")`)
)

// RedactString masks secrets inside free text: URL passwords
// (postgres://u:***@h), key=value pairs whose key names a secret, and
// SQL password literals.
func RedactString(s string) string {
	if s == "" {
		return s
	}
	s = urlUserinfo().ReplaceAllString(s, "${1}:"+Redacted+"@")
	s = keyValue().ReplaceAllString(s, "${1}"+Redacted)
	s = sqlPassword().ReplaceAllString(s, "${1}${2}'"+Redacted+"'")
	return s
}

// RedactArgs returns a copy of args with secrets masked: the value of a
// flag naming a secret (--password=x, or --password x when the next
// argument is not a flag), the value of an assignment naming one
// (PGPASSWORD=x, SECRET_KEY=x), and anything RedactString masks.
func RedactArgs(args []string) []string {
	if args == nil {
		return nil
	}
	out := make([]string, len(args))
	maskNext := false
	for i, a := range args {
		switch {
		case maskNext && !strings.HasPrefix(a, "-"):
			out[i] = Redacted
			maskNext = false
			continue
		case a == "--":
			maskNext = false
			out[i] = a
			continue
		}
		maskNext = false
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			name, _, hasValue := strings.Cut(a, "=")
			if sensitiveName(name) {
				if hasValue {
					out[i] = name + "=" + Redacted
				} else {
					out[i] = a
					maskNext = true
				}
				continue
			}
		} else if envAssign().MatchString(a) {
			name, _, _ := strings.Cut(a, "=")
			if sensitiveName(name) {
				out[i] = name + "=" + Redacted
				continue
			}
		}
		out[i] = RedactString(a)
	}
	return out
}

// SetPlacement records where the session ran once the target has chosen
// (context, namespace, pod, container).
func (s *Session) SetPlacement(context, namespace, pod, container string) {
	s.rec.Context, s.rec.Namespace, s.rec.Pod, s.rec.Container = context, namespace, pod, container
}

// SetCommand replaces the command with what really ran (redacted), once
// the verb knows it: shell_plus rather than shell, the shell the
// container had, the database client, or nothing but a tunnel (nil).
func (s *Session) SetCommand(cmd []string) {
	s.rec.Command = RedactArgs(cmd)
}

// SetArtifact records the file the session wrote.
func (s *Session) SetArtifact(a Artifact) {
	s.rec.Artifact = &a
}

// SetWorkload records what a verb started (Job, image, detail).
func (s *Session) SetWorkload(w Workload) {
	s.rec.Job, s.rec.Image, s.rec.Detail = w.Job, w.Image, RedactString(w.Detail)
}

// SetRemote records the host(s) and login user an ssh session ran on.
func (s *Session) SetRemote(host, user string) {
	s.rec.RemoteHost, s.rec.RemoteUser = host, user
}

// Where is where the session ran, in a few words: the pod for
// kubernetes, user@host (user@{web1,web2} after a fan-out) for ssh, ""
// for a local session.
func (r SessionRecord) Where() string {
	switch {
	case r.Pod != "":
		return r.Pod
	case r.RemoteHost == "" || r.RemoteUser == "" || strings.Contains(r.RemoteHost, "@"):
		return r.RemoteHost
	case strings.Contains(r.RemoteHost, ","):
		return r.RemoteUser + "@{" + r.RemoteHost + "}"
	}
	return r.RemoteUser + "@" + r.RemoteHost
}
