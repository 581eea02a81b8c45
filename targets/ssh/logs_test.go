package ssh

import (
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/targets"
)

func TestRemoteLogCommand(t *testing.T) {
	tests := []struct {
		name    string
		src     logSource
		req     targets.LogRequest
		since   time.Duration
		resumed bool
		want    string
	}{
		{"journal", logSource{"journal", "myapp-web"}, targets.LogRequest{Tail: 20}, 10 * time.Minute, false,
			"journalctl -u myapp-web -o json --output-fields=MESSAGE --no-pager --since=-600s -n 20"},
		{"journal resumed", logSource{"journal", "myapp-web"}, targets.LogRequest{Tail: 20}, 3 * time.Second, true,
			"journalctl -u myapp-web -o json --output-fields=MESSAGE --no-pager --since=-3s -n all"},
		{"file default tail", logSource{"file", "/var/log/app log"}, targets.LogRequest{Tail: -1}, 0, false,
			"tail -n 100 -- '/var/log/app log'"},
		{"docker", logSource{"docker", "web"}, targets.LogRequest{Tail: -1}, time.Minute, false,
			"docker logs --timestamps --since 60s web 2>&1"},
	}
	for _, tt := range tests {
		if got := remoteLogCommand(tt.src, tt.req, tt.since, tt.resumed); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	f := remoteLogCommand(logSource{"file", "/x.log"}, targets.LogRequest{Tail: 5, Follow: true}, 0, false)
	if !strings.HasPrefix(f, "sh -c ") || !strings.Contains(f, "tail -n 5 -F -- /x.log & p=$!") || !strings.Contains(f, "kill $p") {
		t.Errorf("followed: %q", f)
	}
}

func TestParseSourceLine(t *testing.T) {
	ts, text, _ := parseSourceLine("journal", []byte(`{"__REALTIME_TIMESTAMP":"1764766800000001","MESSAGE":"hello"}`))
	if text != "hello" || !ts.Equal(time.UnixMicro(1764766800000001)) {
		t.Fatalf("journal: %v %q", ts, text)
	}
	_, text, _ = parseSourceLine("journal", []byte(`{"__REALTIME_TIMESTAMP":"1","MESSAGE":[104,105]}`))
	if text != "hi" {
		t.Fatalf("journal bytes: %q", text)
	}
	ts, text, _ = parseSourceLine("docker", []byte(`2026-12-03T13:00:00.5Z GET / 200`))
	if text != "GET / 200" || ts.IsZero() {
		t.Fatalf("docker: %v %q", ts, text)
	}
	_, text, _ = parseSourceLine("file", []byte(`2026-12-03 plain`))
	if text != "2026-12-03 plain" {
		t.Fatalf("file: %q", text)
	}
}
