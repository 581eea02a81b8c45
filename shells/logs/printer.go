package logs

import (
	"bufio"
	"encoding/json"
	"hash/fnv"
	"io"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctlops/ctl/targets"
)

// SchemaVersion is the version of the --json envelope. Adding a field
// keeps it; renaming or removing one bumps it.
const SchemaVersion = 1

// Format is how lines are chosen and printed.
type Format struct {
	// Env is the environment's name (in every JSON envelope).
	Env string
	// JSON writes NDJSON envelopes instead of human lines.
	JSON bool
	// Color colours prefixes and levels (only on a terminal, never with NO_COLOR).
	Color bool
	// Timestamps prints each line's time.
	Timestamps bool
	// Grep keeps only lines matching; Exclude drops lines matching.
	Grep, Exclude *regexp.Regexp
	// Level keeps structured lines of these levels.
	Level *LevelFilter
	// Secrets are values masked in every line (protected environments).
	Secrets []string
	// FlushEvery bounds how long a printed line may sit in the buffer
	// (default 50ms).
	FlushEvery time.Duration
}

// Printer merges every stream into one output. Sink may be called from
// many goroutines; a line is written whole, and lines of one stream keep
// their order.
type Printer struct {
	f    Format
	mask *strings.Replacer

	mu    sync.Mutex
	w     *bufio.Writer
	dirty bool
	width int // widest prefix so far, for alignment

	prefixes sync.Map // stream key -> *prefix

	lines   atomic.Int64
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

type prefix struct {
	text  string
	color string // ANSI SGR, "" without colour
}

// NewPrinter starts a printer on w; Close flushes it.
func NewPrinter(w io.Writer, f Format) *Printer {
	if f.FlushEvery == 0 {
		f.FlushEvery = 50 * time.Millisecond
	}
	p := &Printer{f: f, w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), stopped: make(chan struct{})}
	var pairs []string
	for _, s := range f.Secrets {
		if len(s) >= 4 { // masking "x" everywhere would wreck the output and say little
			pairs = append(pairs, s, "****")
		}
	}
	if len(pairs) > 0 {
		p.mask = strings.NewReplacer(pairs...)
	}
	go p.flusher()
	return p
}

func (p *Printer) flusher() {
	defer close(p.stopped)
	t := time.NewTicker(p.f.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.dirty {
				p.w.Flush() //nolint:errcheck,gosec // a closed pipe ends the run through ctx
				p.dirty = false
			}
			p.mu.Unlock()
		}
	}
}

// Close stops the flusher and flushes what is left.
func (p *Printer) Close() error {
	p.once.Do(func() { close(p.stop) })
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.w.Flush()
}

// Lines is how many lines were printed (markers not counted).
func (p *Printer) Lines() int64 { return p.lines.Load() }

// Sink is the targets.LogSink to hand a target.
func (p *Printer) Sink(ev targets.LogEvent) {
	text := ev.Text
	if p.mask != nil {
		text = p.mask.Replace(text)
	}
	var out []byte
	if ev.Kind == targets.LogLine {
		if p.f.Grep != nil && !p.f.Grep.MatchString(text) {
			return
		}
		if p.f.Exclude != nil && p.f.Exclude.MatchString(text) {
			return
		}
		var rec Record
		structured := false
		if len(text) > 0 && (text[0] == '{' || text[0] == ' ') {
			rec, structured = ParseJSON(text)
		}
		if p.f.Level != nil && !p.f.Level.Match(rec.Level) {
			return
		}
		if p.f.JSON {
			out = p.envelope(ev, text, structured)
		} else {
			out = p.human(ev, text, rec, structured)
		}
		p.lines.Add(1)
	} else {
		if p.f.JSON {
			out = p.envelope(ev, text, false)
		} else {
			out = p.human(ev, text, Record{}, false)
		}
	}
	p.mu.Lock()
	p.w.Write(out) //nolint:errcheck,gosec // see flusher
	p.dirty = true
	p.mu.Unlock()
}

// envelope is one NDJSON line:
// {"schemaVersion":1,"env":…,"component":…,"pod"|"host":…,"container":…,"ts":…,"line"|"json":…}
type envelope struct {
	SchemaVersion int             `json:"schemaVersion"`
	Env           string          `json:"env"`
	Component     string          `json:"component,omitempty"`
	Pod           string          `json:"pod,omitempty"`
	Host          string          `json:"host,omitempty"`
	Container     string          `json:"container,omitempty"`
	Source        string          `json:"source,omitempty"`
	TS            string          `json:"ts,omitempty"`
	Line          *string         `json:"line,omitempty"`
	JSON          json.RawMessage `json:"json,omitempty"`
	Marker        string          `json:"marker,omitempty"`
	Text          string          `json:"text,omitempty"`
}

func (p *Printer) envelope(ev targets.LogEvent, text string, structured bool) []byte {
	e := envelope{
		SchemaVersion: SchemaVersion, Env: p.f.Env,
		Component: ev.Stream.Component, Pod: ev.Stream.Pod, Host: ev.Stream.Host,
		Container: ev.Stream.Container, Source: ev.Stream.Source,
	}
	if !ev.Time.IsZero() {
		e.TS = ev.Time.UTC().Format(time.RFC3339Nano)
	}
	switch {
	case ev.Kind == targets.LogMarker:
		e.Marker, e.Text = ev.Marker, text
	case structured && json.Valid([]byte(text)):
		e.JSON = json.RawMessage(strings.TrimSpace(text))
	default:
		e.Line = &text
	}
	b, err := json.Marshal(e)
	if err != nil { // a JSON line that json.Valid accepted but Marshal did not compact
		e.JSON, e.Line = nil, &text
		b, _ = json.Marshal(e) //nolint:errcheck // strings always marshal
	}
	return append(b, '\n')
}

const reset = "\x1b[0m"

// palette: colours readable on dark and light terminals.
var palette = []string{"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[91m",
	"\x1b[96m", "\x1b[93m", "\x1b[92m", "\x1b[95m", "\x1b[94m", "\x1b[31m"}

// ShortName is a stream's prefix: "web/7f9c" (component and the pod's
// own suffix), with ":container" when the container is not the
// component's; "host1" (with ":source" when a host has several).
func ShortName(s targets.LogStream) string {
	var b strings.Builder
	switch {
	case s.Pod != "":
		comp := s.Component
		suffix := s.Pod
		if i := strings.LastIndexByte(s.Pod, '-'); i >= 0 && i+1 < len(s.Pod) {
			suffix = s.Pod[i+1:]
		}
		if comp == "" {
			comp = strings.TrimSuffix(s.Pod, "-"+suffix)
		}
		b.WriteString(comp + "/" + suffix)
		if s.Container != "" && s.Container != s.Component {
			b.WriteString(":" + s.Container)
		}
	case s.Host != "":
		b.WriteString(s.Host)
		if s.Source != "" {
			b.WriteString(":" + sourceName(s.Source))
		}
	default:
		b.WriteString(sourceName(s.Source))
	}
	return b.String()
}

// sourceName shortens "file:/var/log/myapp/web.log" to "web.log",
// "journal:myapp-web.service" to "myapp-web".
func sourceName(src string) string {
	_, v, ok := strings.Cut(src, ":")
	if !ok {
		v = src
	}
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSuffix(v, ".service")
}

// ColorFor is the stream's colour: the same stream, the same colour, run
// after run.
func ColorFor(s targets.LogStream) string {
	h := fnv.New32a()
	h.Write([]byte(ShortName(s))) //nolint:errcheck,gosec // hashes never fail
	return palette[h.Sum32()%uint32(len(palette))]
}

func (p *Printer) prefixFor(s targets.LogStream) *prefix {
	key := s.Key()
	if v, ok := p.prefixes.Load(key); ok {
		return v.(*prefix)
	}
	pf := &prefix{text: ShortName(s)}
	if p.f.Color {
		pf.color = ColorFor(s)
	}
	v, _ := p.prefixes.LoadOrStore(key, pf)
	return v.(*prefix)
}

func levelColor(l Level) string {
	switch l {
	case LevelDebug:
		return "\x1b[2m"
	case LevelWarning:
		return "\x1b[33m"
	case LevelError, LevelCritical:
		return "\x1b[1;31m"
	}
	return ""
}

func (p *Printer) human(ev targets.LogEvent, text string, rec Record, structured bool) []byte {
	pf := p.prefixFor(ev.Stream)
	p.mu.Lock()
	if len(pf.text) > p.width && len(pf.text) <= 32 {
		p.width = len(pf.text)
	}
	width := p.width
	p.mu.Unlock()
	b := make([]byte, 0, len(text)+width+48)
	if pf.color != "" {
		b = append(b, pf.color...)
	}
	b = append(b, pf.text...)
	for i := len(pf.text); i < width; i++ {
		b = append(b, ' ')
	}
	if pf.color != "" {
		b = append(b, reset...)
	}
	b = append(b, ' ')
	if p.f.Timestamps && !ev.Time.IsZero() {
		b = append(b, p.dim(ev.Time.UTC().Format("2006-01-02T15:04:05.000Z"))...)
		b = append(b, ' ')
	}
	switch {
	case ev.Kind == targets.LogMarker:
		b = append(b, p.dim(markerIcon(ev.Marker)+" "+text)...)
	case structured:
		if rec.Time != "" {
			b = append(b, p.dim(rec.Time)...)
			b = append(b, ' ')
		}
		if rec.Level != LevelUnknown || rec.RawLvl != "" {
			lvl := strings.ToUpper(rec.RawLvl)
			if rec.Level != LevelUnknown {
				lvl = strings.ToUpper(rec.Level.String())
			}
			if c := levelColor(rec.Level); c != "" && p.f.Color {
				lvl = c + lvl + reset
			}
			b = append(b, lvl...)
			b = append(b, ' ')
		}
		if rec.Logger != "" {
			b = append(b, p.dim(rec.Logger)...)
			b = append(b, ' ')
		}
		b = append(b, rec.Message...)
		if len(rec.Extra) > 0 {
			b = append(b, ' ')
			b = append(b, p.dim(strings.Join(rec.Extra, " "))...)
		}
	default:
		b = append(b, text...)
	}
	return append(b, '\n')
}

func (p *Printer) dim(s string) string {
	if !p.f.Color {
		return s
	}
	return "\x1b[2m" + s + reset
}

func markerIcon(kind string) string {
	switch kind {
	case "restart":
		return "↻"
	case "reconnect":
		return "⟳"
	case "start":
		return "+"
	case "end":
		return "−"
	case "limit", "error":
		return "!"
	}
	return "·"
}
