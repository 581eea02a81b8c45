package doctor

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/checks/doctor"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
)

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// maxLive is how many running checks the live block shows.
const maxLive = 8

// reporter prints results in the checks' order as soon as every earlier
// one is known; on a terminal, a live block under them shows a spinner
// per running check and says when one is slow.
type reporter struct {
	opts   *Options
	cs     *iostreams.ColorScheme
	out    io.Writer
	human  bool // terminal rendering
	live   bool // spinner block (stdout and stderr are terminals)
	checks []*doctor.Check

	mu        sync.Mutex
	results   []*doctor.Result
	started   []time.Time
	printed   int
	lastGroup string
	liveLines int
	frame     int
	stop      chan struct{}
	stopped   chan struct{}
}

func newReporter(opts *Options, checks []*doctor.Check) *reporter {
	io := opts.IO
	r := &reporter{opts: opts, cs: io.ColorScheme(), out: io.Out, checks: checks,
		human:   io.IsStdoutTTY() && !opts.Exporter.Enabled(),
		results: make([]*doctor.Result, len(checks)), started: make([]time.Time, len(checks))}
	r.live = r.human && io.IsStderrTTY()
	if r.live {
		r.stop, r.stopped = make(chan struct{}), make(chan struct{})
		go r.tick()
	}
	return r
}

func (r *reporter) observer() doctor.Observer {
	return doctor.Observer{
		Started: func(i int, _ *doctor.Check, at time.Time) {
			r.mu.Lock()
			r.started[i] = at
			r.mu.Unlock()
		},
		Done: func(i int, res doctor.Result) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.results[i] = &res
			r.flush()
		},
	}
}

func (r *reporter) tick() {
	defer close(r.stopped)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			r.frame++
			r.eraseLive()
			r.drawLive()
			r.mu.Unlock()
		}
	}
}

// finish prints what is left and stops the spinner.
func (r *reporter) finish(results []doctor.Result) {
	if r.live {
		close(r.stop)
		<-r.stopped
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range results {
		if r.results[i] == nil {
			res := results[i]
			r.results[i] = &res
		}
	}
	r.eraseLive()
	r.flush()
	r.eraseLive()
}

// flush prints the results that are next in order (mu held).
func (r *reporter) flush() {
	if r.opts.Exporter.Enabled() {
		return
	}
	r.eraseLive()
	if r.printed < len(r.results) && r.results[r.printed] != nil {
		for r.printed < len(r.results) && r.results[r.printed] != nil {
			r.printResult(r.results[r.printed])
			r.printed++
		}
	}
	r.drawLive()
}

func (r *reporter) eraseLive() {
	if r.liveLines > 0 {
		fmt.Fprintf(r.out, "\r\x1b[%dA\x1b[J", r.liveLines)
		r.liveLines = 0
	}
}

func (r *reporter) drawLive() {
	if !r.live || r.stop == nil {
		return
	}
	select {
	case <-r.stop:
		return
	default:
	}
	var lines []string
	more := 0
	for i, c := range r.checks {
		if r.results[i] != nil || r.started[i].IsZero() {
			continue
		}
		if len(lines) == maxLive {
			more++
			continue
		}
		el := time.Since(r.started[i])
		line := fmt.Sprintf("  %s %s %s", r.cs.Cyan(spinnerFrames[r.frame%len(spinnerFrames)]), r.cs.Muted(groupLabel(c)), c.Title)
		if el > r.opts.Timeout/2 {
			line += r.cs.Yellow(fmt.Sprintf("  slow: %.1fs of %s", el.Seconds(), r.opts.Timeout))
		} else if el > 300*time.Millisecond {
			line += r.cs.Muted(fmt.Sprintf("  %.1fs", el.Seconds()))
		}
		lines = append(lines, truncate(line, r.opts.IO.TerminalWidth()))
	}
	if more > 0 {
		lines = append(lines, r.cs.Muted(fmt.Sprintf("  … and %d more", more)))
	}
	for _, l := range lines {
		fmt.Fprintln(r.out, l)
	}
	r.liveLines = len(lines)
}

func groupLabel(c *doctor.Check) string {
	if c.Env != "" && c.Group == c.Env {
		return c.Group + ":"
	}
	return strings.ToLower(c.Group) + ":"
}

// truncate cuts a line with ANSI codes to width visible cells (roughly:
// escape sequences do not count).
func truncate(s string, width int) string {
	vis, inEsc := 0, false
	for i, r := range s {
		switch {
		case r == '\x1b':
			inEsc = true
		case inEsc:
			if r >= '@' && r <= '~' && r != '[' {
				inEsc = false
			}
		default:
			vis++
			if vis >= width {
				return s[:i] + "\x1b[0m"
			}
		}
	}
	return s
}

func (r *reporter) icon(st doctor.Status) string {
	switch st {
	case doctor.Pass:
		return r.cs.SuccessIcon()
	case doctor.Warn:
		return r.cs.WarningIcon()
	case doctor.Fail:
		return r.cs.FailureIcon()
	}
	return r.cs.Muted("-")
}

func (r *reporter) groupTitle(c *doctor.Check) string { return c.Group }

// printResult prints one result (mu held).
func (r *reporter) printResult(res *doctor.Result) {
	c := res.Check
	if !r.human {
		fmt.Fprintln(r.out, plainLine(res))
		return
	}
	if g := r.groupTitle(c); g != r.lastGroup {
		if r.lastGroup != "" {
			fmt.Fprintln(r.out)
		}
		fmt.Fprintln(r.out, r.cs.Bold(g))
		r.lastGroup = g
	}
	id := c.ID
	if c.Subject != "" && c.Env == "" {
		id += " " + c.Subject
	}
	msg := res.Message
	if res.Status == doctor.Skip {
		msg = r.cs.Muted(msg)
	}
	line := fmt.Sprintf("  %s %s  %s", r.icon(res.Status), r.cs.Muted(id), msg)
	if res.Slow && !res.TimedOut {
		line += r.cs.Yellow(fmt.Sprintf("  (slow: %s)", res.Duration.Round(10*time.Millisecond)))
	} else if r.opts.Verbose {
		line += r.cs.Muted(fmt.Sprintf("  %s", res.Duration.Round(time.Millisecond)))
	}
	fmt.Fprintln(r.out, line)
	if res.Status == doctor.Fail || res.Status == doctor.Warn {
		if res.Hint != "" {
			fmt.Fprintf(r.out, "      %s %s\n", r.cs.Muted("→"), res.Hint)
		}
		if res.Fixable() && !r.opts.Fix {
			fmt.Fprintf(r.out, "      %s %s %s\n", r.cs.Muted("fix:"), res.Fix.Title, r.cs.Muted("(ctl doctor --fix)"))
		}
	}
	if r.opts.Verbose {
		for _, d := range res.Details {
			fmt.Fprintf(r.out, "      %s\n", r.cs.Muted(d))
		}
	}
}

// plainLine is the off-terminal form: status, group, ID, subject,
// message, hint, tab-separated (tabs and newlines inside are spaces).
func plainLine(res *doctor.Result) string {
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
	c := res.Check
	return strings.Join([]string{string(res.Status), clean(c.Group), c.ID, clean(c.Subject), clean(res.Message), clean(res.Hint)}, "\t")
}

// summarize counts statuses.
func summarize(results []doctor.Result) map[doctor.Status]int {
	n := map[doctor.Status]int{}
	for _, r := range results {
		n[r.Status]++
	}
	return n
}

func (r *reporter) summary(results []doctor.Result, elapsed time.Duration, fixing bool) {
	n := summarize(results)
	fixable := 0
	for i := range results {
		if results[i].Fixable() {
			fixable++
		}
	}
	parts := []string{fmt.Sprintf("%d passed", n[doctor.Pass])}
	if n[doctor.Warn] > 0 {
		parts = append(parts, plural(n[doctor.Warn], "warning"))
	}
	if n[doctor.Fail] > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n[doctor.Fail]))
	}
	if n[doctor.Skip] > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", n[doctor.Skip]))
	}
	line := strings.Join(parts, ", ") + fmt.Sprintf(" in %.1fs", elapsed.Seconds())
	if !r.human {
		// Off a terminal the summary is status, not data.
		fmt.Fprintln(r.opts.IO.ErrOut, line)
		return
	}
	icon := r.cs.SuccessIcon()
	switch {
	case n[doctor.Fail] > 0:
		icon = r.cs.FailureIcon()
	case n[doctor.Warn] > 0:
		icon = r.cs.WarningIcon()
	}
	fmt.Fprintf(r.out, "\n%s %s\n", icon, line)
	if fixable > 0 && !fixing && !r.opts.DryRun {
		fmt.Fprintf(r.out, "%s\n", r.cs.Muted(fmt.Sprintf("%s: ctl doctor --fix (or --dry-run to see the plans first)", plural(fixable, "problem can be fixed", "problems can be fixed"))))
	}
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// plans prints every available fix's plan (--dry-run).
func (r *reporter) plans(results []doctor.Result) {
	w := r.out
	if r.opts.Exporter.Enabled() {
		w = r.opts.IO.ErrOut
	}
	n := 0
	for i := range results {
		res := &results[i]
		if !res.Fixable() {
			continue
		}
		if n == 0 {
			fmt.Fprintf(w, "\n%s\n", r.cs.Bold("Fixes (dry run: nothing is changed)"))
		}
		n++
		writePlan(w, r.cs, res)
	}
	if n == 0 {
		fmt.Fprintf(w, "\n%s\n", r.cs.Muted("no fix to offer"))
	}
}

func writePlan(w io.Writer, cs *iostreams.ColorScheme, res *doctor.Result) {
	fmt.Fprintf(w, "  %s %s: %s\n", cs.Cyan("•"), where(res.Check), res.Fix.Title)
	for _, p := range res.Fix.Plan {
		for _, l := range strings.Split(p, "\n") {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
}

func where(c *doctor.Check) string {
	s := c.ID
	if c.Env != "" {
		s = c.Env + " " + s
	}
	if c.Subject != "" && c.Subject != c.Env {
		s += " (" + c.Subject + ")"
	}
	return s
}

// writeList prints the catalog.
func writeList(opts *Options) error {
	if opts.Exporter.Enabled() {
		return opts.Exporter.Write(opts.IO.Out, map[string]any{"schemaVersion": cmdutil.SchemaVersion, "checks": doctor.Catalog})
	}
	if !opts.IO.IsStdoutTTY() {
		for _, s := range doctor.Catalog {
			fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\t%s\n", s.ID, s.Scope, s.Title, s.Fix)
		}
		return nil
	}
	cs := opts.IO.ColorScheme()
	var tb tableprinter.Table
	tb.AddRow(cs.Bold("ID"), cs.Bold("SCOPE"), cs.Bold("CHECKS THAT"))
	for _, s := range doctor.Catalog {
		title := s.Title
		if s.Fix != "" {
			title += cs.Muted("  (fix: " + s.Fix + ")")
		}
		tb.AddRow(s.ID, cs.Muted(s.Scope), title)
	}
	return tb.Render(opts.IO.Out)
}
