package logs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlops/ctl/targets"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name, line       string
		ok               bool
		lvl              Level
		logger, msg, tim string
	}{
		{"python-json-logger", `{"asctime": "2026-12-03 13:00:01,123", "levelname": "WARNING", "name": "django.request", "message": "Not Found: /x"}`,
			true, LevelWarning, "django.request", "Not Found: /x", "2026-12-03 13:00:01,123"},
		{"structlog", `{"event": "order placed", "level": "info", "logger": "shop", "timestamp": "2026-12-03T13:00:01Z", "order": 7}`,
			true, LevelInfo, "shop", "order placed", "2026-12-03T13:00:01Z"},
		{"uvicorn access", `{"time": "t1", "method": "GET", "path": "/health", "status": 503}`,
			true, LevelError, "", "GET /health 503", "t1"},
		{"gunicorn access 404", `{"request_method":"POST","url":"/api","status_code":"404","request_time":"0.01"}`,
			true, LevelWarning, "", "POST /api 404 0.01", ""},
		{"plain text", `GET / 200`, false, 0, "", "", ""},
		{"broken json", `{"a": `, false, 0, "", "", ""},
		{"json array", `[1,2]`, false, 0, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, ok := ParseJSON(tt.line)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if rec.Level != tt.lvl || rec.Logger != tt.logger || rec.Message != tt.msg || rec.Time != tt.tim {
				t.Fatalf("got %+v", rec)
			}
		})
	}
	rec, _ := ParseJSON(`{"event": "x", "level": "info", "order": 7, "user": "ann"}`)
	if strings.Join(rec.Extra, " ") != "order=7 user=ann" {
		t.Fatalf("extra = %v", rec.Extra)
	}
}

func TestLevelFilter(t *testing.T) {
	tests := []struct {
		expr string
		lvl  Level
		want bool
	}{
		{">=warning", LevelWarning, true},
		{">=warning", LevelInfo, false},
		{">=warning", LevelCritical, true},
		{">=warning", LevelUnknown, true},
		{"error", LevelError, true},
		{"error", LevelWarning, false},
		{"<info", LevelDebug, true},
		{"=info", LevelInfo, true},
		{"=info", LevelError, false},
		{">WARN", LevelError, true},
	}
	for _, tt := range tests {
		f, err := ParseLevelFilter(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(tt.lvl); got != tt.want {
			t.Errorf("%s on %v = %v, want %v", tt.expr, tt.lvl, got, tt.want)
		}
	}
	if _, err := ParseLevelFilter(">=loud"); err == nil {
		t.Fatal("unknown level accepted")
	}
}

func TestShortName(t *testing.T) {
	tests := []struct {
		s    targets.LogStream
		want string
	}{
		{targets.LogStream{Component: "web", Pod: "web-7f9c5d-abcde", Container: "web"}, "web/abcde"},
		{targets.LogStream{Component: "web", Pod: "web-7f9c5d-abcde", Container: "nginx"}, "web/abcde:nginx"},
		{targets.LogStream{Pod: "migrate-x1y2z", Container: "migrate"}, "migrate/x1y2z:migrate"},
		{targets.LogStream{Host: "web1", Source: "journal:myapp.service"}, "web1:myapp"},
		{targets.LogStream{Host: "web1"}, "web1"},
		{targets.LogStream{Source: "file:/var/log/app/web.log"}, "web.log"},
	}
	for _, tt := range tests {
		if got := ShortName(tt.s); got != tt.want {
			t.Errorf("ShortName(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
	a := targets.LogStream{Component: "web", Pod: "web-1-abcde", Container: "web"}
	b := a
	b.Source = "another key, same prefix"
	if c := ColorFor(a); c != ColorFor(b) || c != "\x1b[33m" {
		t.Fatalf("colour %q: not stable", c)
	}
}

func web(pod string) targets.LogStream {
	return targets.LogStream{Component: "web", Pod: pod, Container: "web"}
}

func TestPrinterHuman(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Format{Env: "qa"})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Text: "plain line"})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Text: `{"levelname":"ERROR","name":"django","message":"boom","asctime":"T"}`})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Kind: targets.LogMarker, Marker: "restart", Text: "web-1-aaaaa/web restarted: exit 137 OOMKilled"})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	want := "web/aaaaa plain line\nweb/aaaaa T ERROR django boom\nweb/aaaaa ↻ web-1-aaaaa/web restarted: exit 137 OOMKilled\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
	if p.Lines() != 2 {
		t.Fatalf("lines = %d", p.Lines())
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Fatal("colour without Color")
	}
}

func TestPrinterColor(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Format{Color: true})
	s := web("web-1-aaaaa")
	p.Sink(targets.LogEvent{Stream: s, Text: "x"})
	p.Close() //nolint:errcheck
	if !strings.HasPrefix(buf.String(), ColorFor(s)+"web/aaaaa"+reset) {
		t.Fatalf("got %q", buf.String())
	}
}

func TestPrinterFilters(t *testing.T) {
	var buf bytes.Buffer
	lvl, _ := ParseLevelFilter(">=warning")
	p := NewPrinter(&buf, Format{Grep: regexp.MustCompile(`keep`), Exclude: regexp.MustCompile(`health`), Level: lvl})
	s := web("web-1-aaaaa")
	for _, l := range []string{"keep 1", "drop", "keep /health", `{"level":"info","event":"keep info"}`,
		`{"level":"error","event":"keep error"}`, "keep traceback line"} {
		p.Sink(targets.LogEvent{Stream: s, Text: l})
	}
	p.Close() //nolint:errcheck
	want := "web/aaaaa keep 1\nweb/aaaaa ERROR keep error\nweb/aaaaa keep traceback line\n"
	if buf.String() != want {
		t.Fatalf("got\n%s", buf.String())
	}
}

func TestPrinterMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Format{JSON: true, Secrets: []string{"s3cr3t-pw", "ab"}})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Text: "connecting with s3cr3t-pw to ab"})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Text: `{"event":"dsn postgres://u:s3cr3t-pw@h/db"}`})
	p.Close() //nolint:errcheck
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("secret printed: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "connecting with **** to ab") {
		t.Fatalf("got %s", buf.String())
	}
}

func TestPrinterJSONEnvelope(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Format{JSON: true, Env: "qa"})
	ts := time.Date(2026, 12, 3, 13, 0, 0, 5, time.UTC)
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Time: ts, Text: "hello"})
	p.Sink(targets.LogEvent{Stream: targets.LogStream{Host: "h1", Source: "file:/x.log"}, Text: `{"event":"e","level":"info"}`})
	p.Sink(targets.LogEvent{Stream: web("web-1-aaaaa"), Kind: targets.LogMarker, Marker: "reconnect", Text: "reconnected"})
	p.Close() //nolint:errcheck
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines: %s", len(lines), buf.String())
	}
	var e0, e1, e2 map[string]any
	for i, dst := range []*map[string]any{&e0, &e1, &e2} {
		if err := json.Unmarshal([]byte(lines[i]), dst); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	if e0["schemaVersion"] != float64(1) || e0["env"] != "qa" || e0["pod"] != "web-1-aaaaa" || e0["container"] != "web" ||
		e0["component"] != "web" || e0["line"] != "hello" || e0["ts"] != "2026-12-03T13:00:00.000000005Z" {
		t.Fatalf("envelope 0: %s", lines[0])
	}
	if e1["host"] != "h1" || e1["json"].(map[string]any)["event"] != "e" || e1["line"] != nil {
		t.Fatalf("envelope 1: %s", lines[1])
	}
	if e2["marker"] != "reconnect" || e2["text"] != "reconnected" {
		t.Fatalf("envelope 2: %s", lines[2])
	}
}

// Streams written from many goroutines: every line whole, in order per stream.
func TestPrinterConcurrentOrder(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Format{JSON: true})
	var wg sync.WaitGroup
	const streams, n = 8, 2000
	for s := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := web(fmt.Sprintf("web-1-%05d", s))
			for i := range n {
				p.Sink(targets.LogEvent{Stream: st, Text: fmt.Sprintf("seq=%d", i)})
			}
		}()
	}
	wg.Wait()
	p.Close() //nolint:errcheck
	next := map[string]int{}
	for l := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		var e struct{ Pod, Line string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("torn line %q: %v", l, err)
		}
		var seq int
		fmt.Sscanf(e.Line, "seq=%d", &seq) //nolint:errcheck
		if seq != next[e.Pod] {
			t.Fatalf("%s: seq %d after %d", e.Pod, seq, next[e.Pod]-1)
		}
		next[e.Pod]++
	}
	for pod, n2 := range next {
		if n2 != n {
			t.Fatalf("%s: %d lines", pod, n2)
		}
	}
}

func TestHeader(t *testing.T) {
	h := Header("web, worker in myapp-qa", targets.LogRequest{Since: 10 * time.Minute, Tail: -1, Follow: true})
	if h != "logs: web, worker in myapp-qa · since 10m ago · all lines per stream · following (Ctrl-C to stop)" {
		t.Fatal(h)
	}
	h = Header("x", targets.LogRequest{Tail: 20})
	if !strings.Contains(h, "last 20 lines per stream") || !strings.Contains(h, "from the start") {
		t.Fatal(h)
	}
}
