package sessions

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/shells"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// trail writes records (in file order) and returns the path.
func trail(t *testing.T, recs ...shells.SessionRecord) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "ctl", "sessions.jsonl")
	for _, r := range recs {
		if err := shells.AppendRecord(path, r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func rec(env, verb, pod string, ago time.Duration, ms int64, code int, command ...string) shells.SessionRecord {
	return shells.SessionRecord{
		SchemaVersion: 1, User: "ana", Host: "laptop", Env: env, Target: "kubernetes",
		Context: "ctx", Namespace: "ns", Pod: pod, Container: "app", Verb: verb,
		Command: command, Start: now.Add(-ago), DurationMs: ms, ExitCode: code,
	}
}

// sample is in file order: appended when each session ended.
func sample() []shells.SessionRecord {
	return []shells.SessionRecord{
		rec("qa", "shell", "web-1", 3*time.Hour, 65_000, 0),
		rec("prod", "exec", "web-2", 5*time.Minute, 1_200, 3, "python", "manage.py", "check"),
		rec("prod", "dbshell", "", 2*24*time.Hour, 3_723_000, 0, "-c", "select 1"),
		rec("local", "manage", "", 10*time.Second, 850, 0, "migrate"),
		sshRec("vm", "ops", "web1", time.Hour),
		sshRec("vm", "ops", "w1,w2", 2*time.Hour, "uptime"),
	}
}

func sshRec(env, user, host string, ago time.Duration, command ...string) shells.SessionRecord {
	return shells.SessionRecord{
		SchemaVersion: 1, User: "ana", Host: "laptop", Env: env, Target: "ssh",
		RemoteHost: host, RemoteUser: user, Verb: "exec",
		Command: command, Start: now.Add(-ago), DurationMs: 300, ExitCode: 0,
	}
}

type result struct {
	out, errOut string
	err         error
}

func runCmd(t *testing.T, path string, tty bool, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	f := &cmdutil.Factory{IOStreams: ios}
	cmd := NewCmdSessions(f, func(o *Options) error {
		o.TrailPath = func() string { return path }
		o.Now = func() time.Time { return now }
		return Run(o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.Execute()
	return result{strings.ReplaceAll(out.String(), path, "TRAIL"), strings.ReplaceAll(errOut.String(), path, "TRAIL"), err}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     string
		limit   int
		json    bool
		wantErr string
	}{
		{name: "defaults", limit: DefaultLimit},
		{name: "env and limit", args: []string{"--env", "prod", "--limit", "5"}, env: "prod", limit: 5},
		{name: "short limit", args: []string{"-L", "0"}, limit: 0},
		{name: "json", args: []string{"--json"}, limit: DefaultLimit, json: true},
		{name: "json fields", args: []string{"--json=env,exitCode"}, limit: DefaultLimit, json: true},
		{name: "negative limit", args: []string{"--limit", "-1"}, wantErr: "--limit must be 0"},
		{name: "unknown field", args: []string{"--json=nope"}, wantErr: `unknown JSON field "nope"`},
		{name: "argument", args: []string{"prod"}, wantErr: `unexpected argument "prod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdSessions(&cmdutil.Factory{IOStreams: ios}, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ue *exitcode.UsageError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &ue) {
					t.Fatalf("got %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Env != tt.env || got.Limit != tt.limit || got.Exporter.Enabled() != tt.json {
				t.Fatalf("got env %q limit %d json %v", got.Env, got.Limit, got.Exporter.Enabled())
			}
		})
	}
	if cmd := NewCmdSessions(&cmdutil.Factory{}, nil); cmd.GroupID != "envs" {
		t.Fatalf("group %q", cmd.GroupID)
	}
}

func TestDefaultTrailPath(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	env := map[string]string{"HOME": "/home/ana"}
	var got *Options
	cmd := NewCmdSessions(&cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }},
		func(o *Options) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if p := got.TrailPath(); p != "/home/ana/.local/state/ctl/sessions.jsonl" {
		t.Fatal(p)
	}
}

func TestTTY(t *testing.T) {
	r := runCmd(t, trail(t, sample()...), true)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := "" +
		"START     ENV    VERB     WHERE        EXIT  DURATION  COMMAND\n" +
		"just now  local  manage   -            0     850ms     migrate\n" +
		"5m ago    prod   exec     web-2        3     1.2s      python manage.py check\n" +
		"1h ago    vm     exec     ops@web1     0     300ms     (interactive)\n" +
		"2h ago    vm     exec     ops@{w1,w2}  0     300ms     uptime\n" +
		"3h ago    qa     shell    web-1        0     1m05s     (interactive)\n" +
		"2d ago    prod   dbshell  -            0     1h02m     -c select 1\n"
	if r.out != want {
		t.Fatalf("got\n%s\nwant\n%s", r.out, want)
	}
	if r.errOut != "" {
		t.Fatalf("stderr %q", r.errOut)
	}
}

func TestTTYColour(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	path := trail(t, sample()...)
	opts := &Options{IO: ios, TrailPath: func() string { return path }, Now: func() time.Time { return now }, Limit: 0}
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	cs := iostreams.NewColorScheme(true)
	if !strings.Contains(out.String(), cs.Green("0")) || !strings.Contains(out.String(), cs.Red("3")) {
		t.Fatalf("exit codes not green/red: %q", out.String())
	}
}

func TestPlain(t *testing.T) {
	r := runCmd(t, trail(t, sample()...), false, "--env", "prod")
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := "2026-11-23T11:55:00Z\tprod\texec\tweb-2\t3\t1200\tpython manage.py check\n" +
		"2026-11-21T12:00:00Z\tprod\tdbshell\t\t0\t3723000\t-c select 1\n"
	if r.out != want {
		t.Fatalf("got\n%q\nwant\n%q", r.out, want)
	}
}

func TestPlainSSH(t *testing.T) {
	r := runCmd(t, trail(t, sample()...), false, "--env", "vm")
	want := "2026-11-23T11:00:00Z\tvm\texec\tops@web1\t0\t300\t\n" +
		"2026-11-23T10:00:00Z\tvm\texec\tops@{w1,w2}\t0\t300\tuptime\n"
	if r.err != nil || r.out != want {
		t.Fatalf("got\n%q\nwant\n%q (%v)", r.out, want, r.err)
	}
}

func TestLimit(t *testing.T) {
	r := runCmd(t, trail(t, sample()...), false, "--limit", "2")
	if n := strings.Count(r.out, "\n"); n != 2 || !strings.Contains(r.out, "\tlocal\t") {
		t.Fatalf("got %q", r.out)
	}
}

func TestJSON(t *testing.T) {
	path := trail(t, sample()...)
	r := runCmd(t, path, false, "--json")
	if r.err != nil {
		t.Fatal(r.err)
	}
	var doc struct {
		SchemaVersion int              `json:"schemaVersion"`
		Sessions      []map[string]any `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || len(doc.Sessions) != 6 {
		t.Fatalf("got %+v", doc)
	}
	first := doc.Sessions[0]
	if got := cmdutil.SortedKeys(first); !reflect.DeepEqual(got, sortedFields()) {
		t.Fatalf("fields %v", got)
	}
	if first["env"] != "local" || first["start"] != "2026-11-23T11:59:50Z" || first["durationMs"] != 850.0 {
		t.Fatalf("first %v", first)
	}
	if cmd, ok := doc.Sessions[2]["command"].([]any); !ok || len(cmd) != 0 {
		t.Fatalf("interactive command should be []: %v", doc.Sessions[2]["command"])
	}
	if s := doc.Sessions[3]; s["target"] != "ssh" || s["remoteHost"] != "w1,w2" || s["remoteUser"] != "ops" || s["pod"] != "" {
		t.Fatalf("ssh session %v", s)
	}

	r = runCmd(t, path, true, "--json=env,exitCode", "--env", "prod", "--limit", "1")
	want := "{\n  \"schemaVersion\": 1,\n  \"sessions\": [\n    {\n      \"env\": \"prod\",\n      \"exitCode\": 3\n    }\n  ]\n}\n"
	if r.out != want {
		t.Fatalf("got\n%s", r.out)
	}
}

func sortedFields() []string {
	m := map[string]bool{}
	for _, f := range Fields {
		m[f] = true
	}
	return cmdutil.SortedKeys(m)
}

func TestEmpty(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope", "sessions.jsonl")

	r := runCmd(t, missing, true)
	if r.err != nil || r.out != "" || r.errOut != "no sessions recorded yet (trail: TRAIL)\n" {
		t.Fatalf("tty: %+v", r)
	}
	r = runCmd(t, trail(t, sample()...), true, "--env", "staging")
	if r.err != nil || r.out != "" || !strings.HasPrefix(r.errOut, "no sessions recorded for staging yet (trail: ") {
		t.Fatalf("tty filtered: %+v", r)
	}
	r = runCmd(t, missing, false)
	if r.err != nil || r.out != "" || r.errOut != "" {
		t.Fatalf("plain: %+v", r)
	}
	r = runCmd(t, missing, true, "--json")
	if r.err != nil || r.out != "{\n  \"schemaVersion\": 1,\n  \"sessions\": []\n}\n" || r.errOut != "" {
		t.Fatalf("json: %+v", r)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Fatal("listing must not create the trail directory")
	}
}

func TestMalformedLines(t *testing.T) {
	path := trail(t, sample()[0])
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("garbage 1\ngarbage 2\ngarbage 3\ngarbage 4\ngarbage 5\n")
	_ = f.Close()
	r := runCmd(t, path, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if strings.Count(r.out, "\n") != 1 {
		t.Fatalf("stdout %q", r.out)
	}
	want := "warning: TRAIL:2: malformed session record: invalid character 'g' looking for beginning of value (skipped)\n" +
		"warning: TRAIL:3: malformed session record: invalid character 'g' looking for beginning of value (skipped)\n" +
		"warning: TRAIL:4: malformed session record: invalid character 'g' looking for beginning of value (skipped)\n" +
		"warning: 2 more malformed lines in TRAIL (skipped)\n"
	if r.errOut != want {
		t.Fatalf("stderr\n%s", r.errOut)
	}
}

func TestNoTrailPath(t *testing.T) {
	r := runCmd(t, "", false)
	if !errors.Is(r.err, shells.ErrNoTrailPath) || exitcode.HintOf(r.err) == "" {
		t.Fatalf("got %v", r.err)
	}
}

func TestUnreadableTrail(t *testing.T) {
	dir := t.TempDir() // a directory where the file should be
	r := runCmd(t, dir, false)
	if r.err == nil {
		t.Fatal("want an error")
	}
}

func TestControlCharacters(t *testing.T) {
	path := trail(t, rec("qa", "exec", "p", time.Minute, 1, 0, "python", "-c", "import os\nprint(1)\t\x1b[31mred"))
	r := runCmd(t, path, false)
	if strings.Count(r.out, "\n") != 1 || strings.Contains(r.out, "\x1b") || strings.Count(r.out, "\t") != 6 {
		t.Fatalf("got %q", r.out)
	}
}

func TestAgo(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Hour, "just now"},
		{59 * time.Second, "just now"},
		{5 * time.Minute, "5m ago"},
		{90 * time.Minute, "1h ago"},
		{47 * time.Hour, "1d ago"},
		{29 * 24 * time.Hour, "29d ago"},
	}
	for _, tt := range tests {
		if got := Ago(now, now.Add(-tt.d)); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.d, got, tt.want)
		}
	}
	old := now.Add(-40 * 24 * time.Hour)
	if got := Ago(now, old); got != old.Local().Format("2006-01-02") {
		t.Errorf("old: %q", got)
	}
}

func TestDuration(t *testing.T) {
	for ms, want := range map[int64]string{0: "0ms", 999: "999ms", 1000: "1.0s", 59_949: "59.9s", 60_000: "1m00s", 3_599_000: "59m59s", 3_600_000: "1h00m", 90_061_000: "25h01m"} {
		if got := Duration(ms); got != want {
			t.Errorf("%d: got %q, want %q", ms, got, want)
		}
	}
}

func TestTruncateLongCommand(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20)
	path := trail(t, rec("qa", "exec", "p", time.Minute, 1, 0, "sh", "-c", long))
	r := runCmd(t, path, true)
	for _, line := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line of %d runes wider than the terminal: %q", n, line)
		}
	}
	if !strings.Contains(r.out, "…") {
		t.Errorf("no ellipsis: %q", r.out)
	}
}

// TestTTYTunnelOnly: a dbshell --tunnel-only session ran no command; the
// table says "(tunnel only)", not "(interactive)".
func TestTTYTunnelOnly(t *testing.T) {
	r := runCmd(t, trail(t, rec("prod", "dbshell --tunnel-only", "postgres-0", time.Minute, 5_000, 0)), true)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.out, "postgres-0") || !strings.Contains(r.out, "(tunnel only)") || strings.Contains(r.out, "(interactive)") {
		t.Fatalf("got\n%s", r.out)
	}
}
