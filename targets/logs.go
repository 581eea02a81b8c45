package targets

import (
	"context"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
)

// LogRequest is what `ctl logs` asks of a target: which processes, from
// when, and whether to keep following.
type LogRequest struct {
	// Components limits the streams to these components (Kubernetes:
	// the configured selectors; ssh: roles). Empty: all of them.
	Components []string
	// Follow keeps the streams open and picks up new ones.
	Follow bool
	// Since starts every stream this far back (0: from its beginning).
	Since time.Duration
	// Tail is how many lines of each stream's past to show first (-1: all
	// within Since).
	Tail int
	// Previous reads the last terminated instance of each container
	// (Kubernetes only).
	Previous bool
	// Container limits Kubernetes streams to this container name.
	Container string
	// MaxStreams bounds how many streams are read at once (0: the
	// target's default).
	MaxStreams int
}

// LogStream names one stream of lines.
type LogStream struct {
	Component string `json:"component,omitempty"`
	Pod       string `json:"pod,omitempty"`
	Host      string `json:"host,omitempty"`
	Container string `json:"container,omitempty"`
	// Source is where a host's lines come from: "journal:UNIT",
	// "file:PATH", "docker:NAME".
	Source string `json:"source,omitempty"`
}

// Key identifies the stream (stable across restarts of its container).
func (s LogStream) Key() string {
	return strings.Join([]string{s.Component, s.Pod, s.Host, s.Container, s.Source}, "\x00")
}

// LogEventKind says what an event carries.
type LogEventKind int

const (
	// LogLine is one line the process wrote.
	LogLine LogEventKind = iota
	// LogMarker is ctl's own note in the stream: a restart, a
	// reconnection, a stream that started or ended, a limit reached.
	LogMarker
)

// LogEvent is one line of a stream, or a marker about it.
type LogEvent struct {
	Stream LogStream
	Kind   LogEventKind
	// Time is when the line was written, if the source says (zero if not).
	Time time.Time
	// Text is the line without its newline, or the marker's text.
	Text string
	// Marker is the marker's kind: "start", "end", "restart",
	// "reconnect", "limit", "error".
	Marker string
}

// LogSink receives events. It is called concurrently from several
// streams, but in order within one stream.
type LogSink func(LogEvent)

// Logs is implemented by targets that can read their processes' logs.
type Logs interface {
	// Logs streams the request's lines into sink until every stream ended
	// (not following) or ctx is done; it returns ctx's error then.
	Logs(ctx context.Context, req LogRequest, sink LogSink) error
	// LogsDescription says in a few words what is read (the header).
	LogsDescription(req LogRequest) string
}

// LogsNotConfiguredError: the environment has no log source configured.
type LogsNotConfiguredError struct {
	Env  string
	What string // what to configure
}

func (e *LogsNotConfiguredError) Error() string {
	return "environment " + `"` + e.Env + `"` + " has no log source configured"
}

// Hint says what to configure.
func (e *LogsNotConfiguredError) Hint() string { return e.What }

// Is makes it a configuration problem (exit 2).
func (e *LogsNotConfiguredError) Is(target error) bool { return target == exitcode.ErrInvalid }

// SecretValuer is implemented by targets that can list the secret values
// of their environment (the database password, SECRET_KEY) without
// opening a tunnel, so that `ctl logs` masks them on protected
// environments.
type SecretValuer interface {
	SecretValues(ctx context.Context) ([]string, error)
}

// SecretKeyVars are the environment variables holding Django's SECRET_KEY
// (DJANGO_SECRET_KEY for settings that read it under that name), whose
// values SecretValues reports.
var SecretKeyVars = []string{"SECRET_KEY", "DJANGO_SECRET_KEY"}
