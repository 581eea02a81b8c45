package shells

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/targets"
)

// HostResult is how a command ended on one host of a fan-out.
type HostResult struct {
	Host     string
	Code     int   // the command's exit code (255: ssh itself failed)
	Err      error // ctl could not run it at all
	Duration time.Duration
}

// FanoutOptions configure RunFanout.
type FanoutOptions struct {
	Hosts  []string
	Argv   []string
	Stdout io.Writer
	Stderr io.Writer
	// Prefix renders a host's padded label ("web1 | "); plain when nil.
	Prefix func(host, padded string) string
	// Parallel caps concurrent hosts (default 32).
	Parallel int
}

// RunFanout runs argv on every host at once (up to Parallel), each output
// line prefixed with its host, and returns the results in host order.
func RunFanout(ctx context.Context, t targets.Fanout, o FanoutOptions) []HostResult {
	if o.Parallel <= 0 {
		o.Parallel = 32
	}
	width := 0
	for _, h := range o.Hosts {
		width = max(width, len(h))
	}
	var mu sync.Mutex // one line at a time on each stream
	results := make([]HostResult, len(o.Hosts))
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for i, h := range o.Hosts {
		padded := h + strings.Repeat(" ", width-len(h)) + " | "
		prefix := padded
		if o.Prefix != nil {
			prefix = o.Prefix(h, padded)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out := &LinePrefixer{W: o.Stdout, Prefix: prefix, Mu: &mu}
			errw := &LinePrefixer{W: o.Stderr, Prefix: prefix, Mu: &mu}
			start := time.Now()
			code, err := t.RunOn(ctx, h, targets.Command{Argv: o.Argv, NoStdin: true, Stdout: out, Stderr: errw})
			out.Flush()
			errw.Flush()
			results[i] = HostResult{Host: h, Code: code, Err: err, Duration: time.Since(start)}
		}()
	}
	wg.Wait()
	return results
}

// WorstCode is the highest exit code of the results; a host ctl could not
// run on counts as 255.
func WorstCode(rs []HostResult) int {
	worst := 0
	for _, r := range rs {
		c := r.Code
		if r.Err != nil {
			c = 255
		}
		worst = max(worst, c)
	}
	return worst
}

// LinePrefixer writes whole lines to W, each starting with Prefix, under
// Mu so that lines of concurrent writers never interleave.
type LinePrefixer struct {
	W      io.Writer
	Prefix string
	Mu     *sync.Mutex
	buf    []byte
}

func (p *LinePrefixer) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.emit(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
	if len(p.buf) > 64<<10 { // a very long line without newline: flush it anyway
		p.Flush()
	}
	return len(b), nil
}

// Flush writes a final partial line, ending it with a newline.
func (p *LinePrefixer) Flush() {
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}

func (p *LinePrefixer) emit(line []byte) {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	_, _ = fmt.Fprintf(p.W, "%s%s", p.Prefix, line)
}
