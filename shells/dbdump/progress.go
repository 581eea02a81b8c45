package dbdump

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctlops/ctl/internal/textutil"
)

// Progress is a snapshot of a dump's or a restore's progress.
type Progress struct {
	Phase       string // dump | restore
	TablesDone  int
	TablesTotal int
	Current     string // the table being copied
	// Bytes went through ctl: written to the file (dump) or read from
	// the archive (restore).
	Bytes int64
	// DataDone and DataTotal estimate the table data read, from
	// pg_table_size: the ETA's basis.
	DataDone, DataTotal int64
	Elapsed             time.Duration
	Done                bool
}

// ETA is the estimated time left, when it can be told.
func (p Progress) ETA() (time.Duration, bool) {
	if p.DataTotal <= 0 || p.DataDone <= 0 || p.Elapsed < time.Second || p.DataDone >= p.DataTotal {
		return 0, false
	}
	rate := float64(p.DataDone) / p.Elapsed.Seconds()
	return time.Duration(float64(p.DataTotal-p.DataDone) / rate * float64(time.Second)), true
}

// Tracker follows one pg_dump or pg_restore from its --verbose lines and
// the bytes ctl moves. Safe for concurrent use.
type Tracker struct {
	phase   string
	est     *Estimate
	start   time.Time
	now     func() time.Time
	bytes   atomic.Int64
	mu      sync.Mutex
	done    int
	total   int
	current string
	data    int64
	errs    []string
	last    []string
}

// NewTracker follows a phase ("dump" or "restore") of total tables with
// est's sizes (est may be nil).
func NewTracker(phase string, total int, est *Estimate, now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	return &Tracker{phase: phase, est: est, total: total, start: now(), now: now}
}

var tableLine = textutil.Regexp(`^pg_(?:dump|restore): (?:dumping contents of table|processing data for table) "(.+)"$`)

// Line takes one line of the child's stderr.
func (t *Tracker) Line(line string) {
	line = strings.TrimRight(line, "\r\n")
	t.mu.Lock()
	defer t.mu.Unlock()
	if m := tableLine().FindStringSubmatch(line); m != nil {
		if t.current != "" {
			t.done++
			t.data += t.est.SizeOf(t.current)
		}
		t.current = m[1]
		return
	}
	if strings.Contains(line, ": error: ") || strings.Contains(line, ": detail: ") || strings.HasPrefix(line, "Command was:") {
		if len(t.errs) < 20 {
			t.errs = append(t.errs, line)
		}
	}
	t.last = append(t.last, line)
	if len(t.last) > 5 {
		t.last = t.last[1:]
	}
}

// Finish marks the last table done (the child exited 0).
func (t *Tracker) Finish() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != "" {
		t.done++
		t.data += t.est.SizeOf(t.current)
		t.current = ""
	}
	// Every table is done: the count from the catalog may differ from
	// pg_dump's (tables of extensions), so the total follows the work.
	t.total = t.done
}

// Add counts bytes moved.
func (t *Tracker) Add(n int) { t.bytes.Add(int64(n)) }

// Snapshot is the progress now.
func (t *Tracker) Snapshot() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := Progress{Phase: t.phase, TablesDone: t.done, TablesTotal: max(t.total, t.done), Current: t.current,
		Bytes: t.bytes.Load(), DataDone: t.data, Elapsed: t.now().Sub(t.start)}
	if t.est != nil {
		p.DataTotal = t.est.Bytes
	}
	return p
}

// Errors are the child's error lines (never a password: pg_dump and
// pg_restore do not print it).
func (t *Tracker) Errors() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.errs) == 0 {
		return strings.Join(t.last, "; ")
	}
	return strings.Join(t.errs, "; ")
}

// scan feeds r's lines to t until EOF.
func (t *Tracker) scan(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		t.Line(sc.Text())
	}
	_, _ = io.Copy(io.Discard, r)
}

// countingWriter counts what it passes on.
type countingWriter struct {
	w io.Writer
	t *Tracker
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.t.Add(n)
	return n, err
}

// Bytes formats a byte count: 512 B, 1.5 kB, 12.3 MB, 1.02 GB.
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// Render is the one-line progress of p for a terminal:
//
//	dump   12/34 tables · 45.2 MB written · ~1.2 GB of ~3.4 GB read · ETA 0:42
func Render(p Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s %d/%d tables", p.Phase, p.TablesDone, p.TablesTotal)
	verb := "written"
	if p.Phase == "restore" {
		verb = "read"
	}
	fmt.Fprintf(&b, " · %s %s", Bytes(p.Bytes), verb)
	if p.DataTotal > 0 {
		fmt.Fprintf(&b, " · ~%s of ~%s table data", Bytes(p.DataDone), Bytes(p.DataTotal))
	}
	if eta, ok := p.ETA(); ok {
		fmt.Fprintf(&b, " · ETA %s", clock(eta))
	} else if p.Done {
		fmt.Fprintf(&b, " · %s", clock(p.Elapsed))
	}
	return b.String()
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Display draws trackers' progress on w: a line rewritten in place on a
// terminal (several trackers side by side, one line), or a plain line
// every interval otherwise.
type Display struct {
	w        io.Writer
	tty      bool
	interval time.Duration
	trackers []*Tracker
	stop     chan struct{}
	done     chan struct{}
	width    int
}

// NewDisplay starts drawing; Stop ends it.
func NewDisplay(w io.Writer, tty bool, width int, trackers ...*Tracker) *Display {
	interval := 200 * time.Millisecond
	if !tty {
		interval = 5 * time.Second
	}
	return newDisplay(w, tty, width, interval, trackers...)
}

func newDisplay(w io.Writer, tty bool, width int, interval time.Duration, trackers ...*Tracker) *Display {
	d := &Display{w: w, tty: tty, trackers: trackers, stop: make(chan struct{}), done: make(chan struct{}), width: width, interval: interval}
	go d.loop()
	return d
}

func (d *Display) line() string {
	parts := make([]string, 0, len(d.trackers))
	for _, t := range d.trackers {
		parts = append(parts, Render(t.Snapshot()))
	}
	s := strings.Join(parts, "  |  ")
	if d.tty && d.width > 10 && len([]rune(s)) > d.width-1 {
		s = string([]rune(s)[:d.width-2]) + "…"
	}
	return s
}

func (d *Display) loop() {
	defer close(d.done)
	tick := time.NewTicker(d.interval)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-tick.C:
			if d.tty {
				fmt.Fprintf(d.w, "\r\x1b[K%s", d.line())
			} else {
				fmt.Fprintln(d.w, d.line())
			}
		}
	}
}

// Stop ends the display; on a terminal the last line is replaced by the
// final figures (ok) or erased.
func (d *Display) Stop(ok bool) {
	select {
	case <-d.stop:
		return
	default:
	}
	close(d.stop)
	<-d.done
	if d.tty {
		fmt.Fprint(d.w, "\r\x1b[K")
	}
	if ok {
		parts := make([]string, 0, len(d.trackers))
		for _, t := range d.trackers {
			p := t.Snapshot()
			p.Done = true
			parts = append(parts, Render(p))
		}
		fmt.Fprintln(d.w, strings.Join(parts, "  |  "))
	}
}
