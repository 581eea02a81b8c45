package doctor

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// DefaultTimeout bounds each check.
const DefaultTimeout = 5 * time.Second

// Observer hears about progress (from several goroutines; it must be
// safe for concurrent use). Either func may be nil.
type Observer struct {
	Started func(i int, c *Check, at time.Time)
	Done    func(i int, r Result)
}

// Run runs every check in parallel, each bounded by timeout, and returns
// the results in the order of checks. A check whose Needs did not pass
// is skipped. A check that does not return within the timeout is
// reported as failed (timed out) and abandoned: nothing hangs past it.
func Run(ctx context.Context, checks []*Check, timeout time.Duration, obs Observer) []Result {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	results := make([]Result, len(checks))
	done := make([]chan struct{}, len(checks))
	index := make(map[*Check]int, len(checks))
	for i, c := range checks {
		done[i] = make(chan struct{})
		index[c] = i
	}
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[i])
			for _, n := range c.Needs {
				j, ok := index[n]
				if !ok {
					continue
				}
				select {
				case <-done[j]:
				case <-ctx.Done():
					results[i] = Result{Check: c, Outcome: Outcome{Status: Skip, Message: "cancelled"}}
					notify(obs, i, results[i])
					return
				}
				if st := results[j].Status; st == Fail || st == Skip {
					results[i] = Result{Check: c, Outcome: Outcome{Status: Skip,
						Message: fmt.Sprintf("skipped: %s did not pass", n.ID)}}
					notify(obs, i, results[i])
					return
				}
			}
			results[i] = RunOne(ctx, c, timeout, func(at time.Time) {
				if obs.Started != nil {
					obs.Started(i, c, at)
				}
			})
			notify(obs, i, results[i])
		}()
	}
	wg.Wait()
	return results
}

func notify(obs Observer, i int, r Result) {
	if obs.Done != nil {
		obs.Done(i, r)
	}
}

// RunOne runs one check under its timeout.
func RunOne(ctx context.Context, c *Check, timeout time.Duration, started func(time.Time)) Result {
	start := time.Now()
	if started != nil {
		started(start)
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan Outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- Outcome{Status: Fail, Message: fmt.Sprintf("the check crashed: %v", p),
					Hint: "please report this with the output of ctl doctor --verbose", Details: []string{string(debug.Stack())}}
			}
		}()
		ch <- c.Run(cctx)
	}()
	var out Outcome
	timedOut := false
	select {
	case out = <-ch:
		// A check that noticed its deadline says so in its own words;
		// make the status reliable.
		if cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			timedOut = true
		}
	case <-cctx.Done():
		// The check ignores its context: abandon it (bounded by the
		// timeout, whatever it does).
		timedOut = ctx.Err() == nil
		out = Outcome{Status: Fail, Message: "cancelled"}
	}
	d := time.Since(start)
	if timedOut {
		msg := fmt.Sprintf("no answer within %s", timeout)
		if out.Message != "" && out.Message != "cancelled" {
			msg += ": " + out.Message
		}
		hint := out.Hint
		if hint == "" {
			hint = fmt.Sprintf("raise --timeout if this is a slow network; `ctl doctor --check %s` reruns only this check", c.ID)
		}
		out = Outcome{Status: Fail, Message: msg, Hint: hint, Details: out.Details}
	}
	return Result{Check: c, Outcome: out, Duration: d, TimedOut: timedOut, Slow: d > timeout/2}
}
