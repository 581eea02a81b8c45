package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/targets"
)

type collect struct {
	mu    sync.Mutex
	lines []string
}

func (c *collect) sink(ev targets.LogEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ev.Kind == targets.LogLine {
		c.lines = append(c.lines, ev.Text)
	} else {
		c.lines = append(c.lines, "marker:"+ev.Marker)
	}
}

func (c *collect) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

func TestLogsFiles(t *testing.T) {
	pollEvery = 10 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "django.log")
	os.MkdirAll(filepath.Dir(path), 0o755) //nolint:errcheck
	var b strings.Builder
	for i := 1; i <= 150; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	os.WriteFile(path, []byte(b.String()), 0o644) //nolint:errcheck
	tg := &Target{env: &config.Environment{Name: "local", Logs: config.Logs{Files: []string{"logs/django.log"}}}, dir: dir}

	var c collect
	if err := tg.Logs(context.Background(), targets.LogRequest{Tail: -1}, c.sink); err != nil {
		t.Fatal(err)
	}
	if got := c.get(); len(got) != 100 || got[0] != "l51" || got[99] != "l150" {
		t.Fatalf("default tail: %d lines, %v…", len(got), got[:min(3, len(got))])
	}
	c = collect{}
	tg.Logs(context.Background(), targets.LogRequest{Tail: 2}, c.sink) //nolint:errcheck
	if got := strings.Join(c.get(), ","); got != "l149,l150" {
		t.Fatalf("--tail 2: %s", got)
	}

	// Following: appended lines, then a truncation (rotation) read from the top.
	c = collect{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tg.Logs(ctx, targets.LogRequest{Tail: 0, Follow: true}, c.sink) }()
	time.Sleep(50 * time.Millisecond)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("new 1\nnew ") //nolint:errcheck
	time.Sleep(50 * time.Millisecond)
	f.WriteString("2\n") //nolint:errcheck
	f.Close()            //nolint:errcheck
	waitLines(t, &c, "new 1,new 2")
	os.WriteFile(path, []byte("rotated\n"), 0o644) //nolint:errcheck
	waitLines(t, &c, "new 1,new 2,marker:restart,rotated")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
}

func waitLines(t *testing.T, c *collect, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Join(c.get(), ",") != want {
		if time.Now().After(deadline) {
			t.Fatalf("got %q, want %q", strings.Join(c.get(), ","), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLogsNotConfigured(t *testing.T) {
	tg := &Target{env: &config.Environment{Name: "local"}, dir: "/srv/app"}
	err := tg.Logs(context.Background(), targets.LogRequest{}, func(targets.LogEvent) {})
	var nc *targets.LogsNotConfiguredError
	if !errors.As(err, &nc) || !strings.Contains(nc.Hint(), "files: [logs/django.log]") {
		t.Fatalf("got %v", err)
	}
}

// SecretValues: DATABASE_URL's password, SECRET_KEY and DJANGO_SECRET_KEY,
// from ctl's environment before .env.
func TestSecretValues(t *testing.T) {
	tg := &Target{env: &config.Environment{Name: "local"}, dir: t.TempDir(),
		deps: Deps{Getenv: func(k string) string {
			if k == "SECRET_KEY" {
				return "from-process-env"
			}
			return ""
		}},
		dotenv: []dotenv.Var{{Key: "DATABASE_URL", Value: "postgres://u:db-pass-value@localhost/app"}, {Key: "SECRET_KEY", Value: "shadowed"},
			{Key: "DJANGO_SECRET_KEY", Value: "django-key-value"}}}
	got, err := tg.SecretValues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "db-pass-value,from-process-env,django-key-value" {
		t.Errorf("got %q", got)
	}
}

// TestLogsFileOffsets: a line written in pieces (shorter and longer than
// the read buffer) is read once and does not look like a truncation
// (which would read the file again from its start).
func TestLogsFileOffsets(t *testing.T) {
	pollEvery = 10 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	os.WriteFile(path, nil, 0o644) //nolint:errcheck
	tg := &Target{env: &config.Environment{Name: "local", Logs: config.Logs{Files: []string{"app.log"}}}, dir: dir}
	var c collect
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- tg.Logs(ctx, targets.LogRequest{Tail: 0, Follow: true}, c.sink) }()
	time.Sleep(50 * time.Millisecond) // the reader is at the (empty) file's end
	long := strings.Repeat("x", 40<<10)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	for _, piece := range []string{"first ", "half\n", long, "\n", "last\n"} {
		f.WriteString(piece)              //nolint:errcheck
		time.Sleep(40 * time.Millisecond) // let the reader see each piece alone
	}
	f.Close() //nolint:errcheck
	waitLines(t, &c, "first half,"+long+",last")
	time.Sleep(100 * time.Millisecond) // ten polls: a miscounted offset shows as a restart
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Logs = %v, want context.Canceled", err)
	}
	if got := strings.Join(c.get(), ","); got != "first half,"+long+",last" {
		t.Fatalf("got %d lines (%d bytes), want 3: a line read twice or lost", len(c.get()), len(got))
	}
}

// TestLogsFileSince: --since applies to the times a file's lines carry
// (local time when they name no zone); a line without one goes with the
// line before it.
func TestLogsFileSince(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	ts := func(d time.Duration) string { return now.Add(-d).Format("2006-01-02 15:04:05,000") }
	content := "untimed first\n" + ts(time.Hour) + " ERROR old\nTraceback (most recent call last):\n" +
		ts(time.Minute) + " ERROR recent\n  continuation\n"
	os.WriteFile(filepath.Join(dir, "app.log"), []byte(content), 0o644) //nolint:errcheck
	tg := &Target{env: &config.Environment{Name: "local", Logs: config.Logs{Files: []string{"app.log"}}}, dir: dir}
	var c collect
	if err := tg.Logs(context.Background(), targets.LogRequest{Tail: -1, Since: 10 * time.Minute}, c.sink); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.get(), "|"), "untimed first|"+ts(time.Minute)+" ERROR recent|  continuation"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	c = collect{}
	tg.Logs(context.Background(), targets.LogRequest{Tail: -1}, c.sink) //nolint:errcheck
	if len(c.get()) != 5 {
		t.Errorf("--since 0 keeps every line: %q", c.get())
	}
}
