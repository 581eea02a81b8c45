package status

import (
	"context"
	"testing"
	"time"
)

func TestParseShowMigrationsPlan(t *testing.T) {
	out := `[X]  contenttypes.0001_initial
[X]  auth.0001_initial
[ ]  inventory.0002_widget_price
[ ]  inventory.0003_auto
`
	if n := ParseShowMigrationsPlan(out); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	if n := ParseShowMigrationsPlan(""); n != 0 {
		t.Fatalf("pending = %d on empty output", n)
	}
}

type fakeProvider struct {
	name string
	run  func(ctx context.Context, s Sink)
}

func (f *fakeProvider) Name() string { return f.name }
func (f *fakeProvider) Refresh()     {}
func (f *fakeProvider) Run(ctx context.Context, s Sink) error {
	f.run(ctx, s)
	<-ctx.Done()
	return nil
}

// A burst of changes is coalesced: the reader gets few snapshots, the
// last one holding the last state, and the rows keep the configured order.
func TestHubCoalesces(t *testing.T) {
	p := &fakeProvider{name: "p", run: func(_ context.Context, s Sink) {
		for i := 0; i < 1000; i++ {
			s.Put(Env{Name: "b", Restarts: int32(i)})
		}
		s.Synced("p")
	}}
	h := NewHub([]Env{{Name: "a"}, {Name: "b"}}, p)
	h.Interval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.Run(ctx)
	var got []Snapshot
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-h.Updates():
			got = append(got, s)
			if s.Synced && s.Envs[1].Restarts == 999 {
				if len(got) > 100 {
					t.Fatalf("%d snapshots for 1000 changes: not coalesced", len(got))
				}
				if s.Envs[0].Name != "a" || s.Envs[1].Name != "b" {
					t.Fatalf("order %v", s.Envs)
				}
				return
			}
		case <-deadline:
			t.Fatalf("never saw the final state; last %+v", got[len(got)-1])
		}
	}
}

func TestHealthOf(t *testing.T) {
	tests := []struct {
		name string
		env  Env
		want Health
	}{
		{"all ready", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 2, Desired: 2}}}, HealthOK},
		{"one short", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 1, Desired: 2}}}, HealthWarn},
		{"none ready", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 0, Desired: 2}}}, HealthFail},
		{"migration failed", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 2, Desired: 2}}, Migration: &Migration{State: "Failed"}}, HealthFail},
		{"crash loop", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 2, Desired: 2}}, Pods: []Pod{{Reason: "CrashLoopBackOff"}}}, HealthFail},
		{"restarts", Env{Target: "kubernetes", Components: []Component{{Name: "web", Ready: 2, Desired: 2}}, Restarts: 1}, HealthWarn},
		{"nothing", Env{Target: "kubernetes"}, HealthUnknown},
	}
	for _, tt := range tests {
		if got := HealthOf(&tt.env); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "0s", 45 * time.Second: "45s", 12 * time.Minute: "12m", 3 * time.Hour: "3h", 72 * time.Hour: "3d"} {
		if got := Age(d); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestMigrationsCellWithoutJob: a Kubernetes row with pods but no
// migration Job says so ("no Job"), not a bare "-" that reads as "no
// migrations" after a `manage migrate` ran through exec.
func TestMigrationsCellWithoutJob(t *testing.T) {
	e := &Env{Name: "qa", Target: "kubernetes", Components: []Component{{Name: "web", Ready: 1, Desired: 1}}}
	mig := Cells(e, time.Now())[6]
	if mig != "no Job" {
		t.Errorf("MIGRATIONS = %q, want %q", mig, "no Job")
	}
	e.Migration = &Migration{Job: "migrate-1", State: "Succeeded"}
	if mig := Cells(e, time.Now())[6]; mig != "Succeeded" {
		t.Errorf("with a Job: MIGRATIONS = %q", mig)
	}
}
