package doctor

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunKeepsOrderAndRunsInParallel(t *testing.T) {
	// Each check waits until all three have started: only a parallel
	// runner gets through (a sequential one would hit the timeout).
	var started atomic.Int32
	all := make(chan struct{})
	mk := func(id string, st Status) *Check {
		return &Check{ID: id, Group: "g", Run: func(ctx context.Context) Outcome {
			if started.Add(1) == 3 {
				close(all)
			}
			select {
			case <-all:
			case <-ctx.Done():
				return Outcome{Status: Fail, Message: "not parallel"}
			}
			return Outcome{Status: st, Message: id}
		}}
	}
	checks := []*Check{mk("a", Pass), mk("b", Fail), mk("c", Warn)}
	res := Run(context.Background(), checks, 10*time.Second, Observer{})
	for i, want := range []Status{Pass, Fail, Warn} {
		if res[i].Check != checks[i] || res[i].Status != want || res[i].TimedOut {
			t.Errorf("result %d: %+v", i, res[i])
		}
	}
}

func TestRunAbandonsACheckThatIgnoresItsTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	c := &Check{ID: "hang", Group: "g", Run: func(context.Context) Outcome {
		<-block // ignores its context
		return Outcome{Status: Pass}
	}}
	res := Run(context.Background(), []*Check{c}, 50*time.Millisecond, Observer{})
	if res[0].Status != Fail || !res[0].TimedOut || !strings.Contains(res[0].Message, "no answer within 50ms") {
		t.Fatalf("%+v", res[0])
	}
	if !strings.Contains(res[0].Hint, "--check hang") {
		t.Errorf("hint %q", res[0].Hint)
	}
}

func TestRunSkipsWhatNeedsAFailedCheck(t *testing.T) {
	api := &Check{ID: "kube.api", Group: "qa", Run: func(context.Context) Outcome { return Outcome{Status: Fail, Message: "down"} }}
	ran := false
	ns := &Check{ID: "kube.namespace", Group: "qa", Needs: []*Check{api}, Run: func(context.Context) Outcome {
		ran = true
		return Outcome{Status: Pass}
	}}
	var done atomic.Int32
	res := Run(context.Background(), []*Check{api, ns}, time.Second, Observer{Done: func(int, Result) { done.Add(1) }})
	if ran || res[1].Status != Skip || !strings.Contains(res[1].Message, "kube.api did not pass") {
		t.Fatalf("ran=%v %+v", ran, res[1])
	}
	if done.Load() != 2 {
		t.Errorf("observer heard %d results", done.Load())
	}
}

func TestRunRecoversFromAPanickingCheck(t *testing.T) {
	c := &Check{ID: "boom", Group: "g", Run: func(context.Context) Outcome { panic("oops") }}
	res := Run(context.Background(), []*Check{c}, time.Second, Observer{})
	if res[0].Status != Fail || !strings.Contains(res[0].Message, "oops") {
		t.Fatalf("%+v", res[0])
	}
}

func TestCatalogIDsAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Catalog {
		if seen[s.ID] {
			t.Errorf("duplicate ID %s", s.ID)
		}
		seen[s.ID] = true
		if s.Title == "" || s.Scope == "" {
			t.Errorf("%s: no title or scope", s.ID)
		}
	}
}
