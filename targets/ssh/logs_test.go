package ssh

import (
	"os"
	"os/exec"
	"path/filepath"
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
			`sh -c 'date +%z; tail -n 100 -- '\''/var/log/app log'\'''`},
		{"docker", logSource{"docker", "web"}, targets.LogRequest{Tail: -1}, time.Minute, false,
			"docker logs --timestamps --since 60s web 2>&1"},
	}
	for _, tt := range tests {
		if got := remoteLogCommand(tt.src, tt.req, tt.since, tt.resumed, ""); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	f := remoteLogCommand(logSource{"file", "/x.log"}, targets.LogRequest{Tail: 5, Follow: true}, 0, false, "")
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

// TestRemoteLogCommandSudo runs the command a file source gets with
// sudo_user set, as an unprivileged user (the ssh user) through sh: a
// file it may read is tailed directly, one it may not through sudo as
// the app user (a stand-in sudo records how it was called).
func TestRemoteLogCommandSudo(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the command as another user")
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		t.Skip("no runuser")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte("#!/bin/sh\necho \"sudo $*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	open, closed := filepath.Join(dir, "open.log"), filepath.Join(dir, "closed.log")
	_ = os.WriteFile(open, []byte("readable line\n"), 0o644)
	_ = os.WriteFile(closed, []byte("secret line\n"), 0o600)
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Dir(dir), 0o755) // t.TempDir makes its parent 0700
	run := func(file string) string {
		c := remoteLogCommand(logSource{"file", file}, targets.LogRequest{Tail: 5}, 0, false, "app")
		cmd := exec.Command(runuser, "-u", "nobody", "--", "sh", "-c", c)
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", c, err, out)
		}
		zone, rest, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		if _, err := time.Parse("-0700", zone); err != nil {
			t.Fatalf("first line %q is not the host's zone", zone)
		}
		return rest
	}
	if got := run(open); got != "readable line" {
		t.Errorf("readable file: %q", got)
	}
	if got, want := run(closed), "sudo -n -u app -- tail -n 5 -- "+closed; got != want {
		t.Errorf("unreadable file: %q, want %q", got, want)
	}
}

// TestReadLogLinesFile: a file's stream starts with the host's zone, in
// which --since reads the lines' own times; untimed lines go with the
// line before.
func TestReadLogLinesFile(t *testing.T) {
	now := time.Now().UTC()
	host := time.FixedZone("", -5*3600)
	old, recent := now.Add(-time.Hour).In(host), now.Add(-time.Minute).In(host)
	in := "-0500\n" +
		old.Format("2006-01-02 15:04:05,000") + " ERROR old\n" +
		"Traceback (most recent call last):\n" +
		recent.Format("2006-01-02 15:04:05,000") + " ERROR recent\n" +
		"  continuation\n"
	var got []string
	filter := &targets.SinceFilter{Loc: time.UTC, Cutoff: now.Add(-10 * time.Minute)}
	readLogLines(strings.NewReader(in), "file", targets.LogStream{}, time.Time{}, filter, func(e targets.LogEvent) {
		got = append(got, e.Text)
		if strings.HasSuffix(e.Text, "recent") && !e.Time.Equal(recent.Truncate(time.Millisecond)) {
			t.Errorf("time %v, want %v (the host's zone)", e.Time, recent)
		}
	})
	if strings.Join(got, "|") != recent.Format("2006-01-02 15:04:05,000")+" ERROR recent|  continuation" {
		t.Errorf("got %q", got)
	}
}
