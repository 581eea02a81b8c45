package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// cancelAfter is a context that is cancelled once its Err has been polled
// n times: it cancels the audit mid-evaluation deterministically, with no
// timing involved.
type cancelAfter struct {
	context.Context
	n     int64
	polls atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.polls.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

func (c *cancelAfter) Done() <-chan struct{} { return nil }

// heavy is a settings file whose loops would run the evaluator up to its
// step limit (a ctl.E001 at the end) were it not cancelled.
var heavy = "SECRET_KEY = 'x'\nL = [" + strings.Repeat("1, ", 199) + "1]\n" +
	"for a in L:\n    for b in L:\n        for c in L:\n            X = a\nDEBUG = True\n"

func writeSettings(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range map[string]string{"manage.py": "", "app/__init__.py": "", "app/settings.py": body} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCancelStopsEvaluation: a context cancelled mid-evaluation stops the
// evaluator within one poll interval, with the context's error and no
// step-limit diagnostic; uncancelled, the same file runs to the limit.
func TestCancelStopsEvaluation(t *testing.T) {
	dir := writeSettings(t, heavy)
	path := filepath.Join(dir, "app", "settings.py")

	full := &Evaluator{Root: dir, Ctx: context.Background()}
	if _, err := full.EvalFile(path); err != nil {
		t.Fatal(err)
	}
	if full.steps <= stepLimit || len(full.Diagnostics) != 1 || full.Diagnostics[0].Msg != stepLimitMsg {
		t.Fatalf("the fixture must run into the step limit uncancelled: %d steps, diagnostics %v", full.steps, full.Diagnostics)
	}

	ctx := &cancelAfter{Context: context.Background(), n: 3}
	ev := &Evaluator{Root: dir, Ctx: ctx}
	vars, err := ev.EvalFile(path)
	if !errors.Is(err, context.Canceled) || vars != nil {
		t.Fatalf("EvalFile = %v, %v; want nil, context.Canceled", vars, err)
	}
	// Polled before the read, after the parse, then every ctxPollSteps:
	// the third poll in the loop cancels.
	if max := 3 * ctxPollSteps; ev.steps > max {
		t.Errorf("%d steps after cancellation, want at most %d", ev.steps, max)
	}
	if len(ev.Diagnostics) != 0 {
		t.Errorf("a cancelled evaluation left diagnostics: %v", ev.Diagnostics)
	}
}

// TestRunCancelled: Run with a cancelled context returns its error, which
// exitcode maps to 130, and no result.
func TestRunCancelled(t *testing.T) {
	dir := writeSettings(t, heavy)
	for name, ctx := range map[string]context.Context{
		"before":     canceled(),
		"mid-import": &cancelAfter{Context: context.Background(), n: 1},
		"mid-eval":   &cancelAfter{Context: context.Background(), n: 4},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Run(ctx, Options{Target: "app/settings.py", Cwd: dir})
			if res != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("Run = %v, %v; want nil, context.Canceled", res, err)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a cancellation reads as a timeout: %v", err)
			}
		})
	}
	// A deadline is a timeout (124), not a cancellation.
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if _, err := Run(ctx, Options{Target: "app/settings.py", Cwd: dir}); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Errorf("expired deadline: err %v, want context.DeadlineExceeded", err)
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
