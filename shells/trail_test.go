package shells

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
)

func TestTrailPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/ctl/sessions.jsonl"},
		{map[string]string{"HOME": "/home/u", "XDG_STATE_HOME": "/x/state"}, "/x/state/ctl/sessions.jsonl"},
		{map[string]string{"HOME": "/home/u", "XDG_STATE_HOME": "relative"}, "/home/u/.local/state/ctl/sessions.jsonl"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := TrailPath(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.env, got, tt.want)
		}
	}
}

func sampleRecord(i int) SessionRecord {
	return SessionRecord{
		SchemaVersion: 1, User: "ana", Host: "laptop", Env: "prod", Target: "kubernetes",
		Context: "prod-ctx", Namespace: "myapp-prod", Pod: fmt.Sprintf("web-%d", i), Container: "app",
		Verb: "exec", Command: []string{"python", "manage.py", "check"},
		Start:      time.Date(2026, 11, 23, 10, 0, i, 123456789, time.UTC),
		DurationMs: int64(i * 1000), ExitCode: i % 3,
	}
}

func TestAppendAndRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "ctl", "sessions.jsonl")
	want := []SessionRecord{sampleRecord(1), sampleRecord(2)}
	want[1].Error = "exec: no pod ready"
	for _, r := range want {
		if err := AppendRecord(path, r); err != nil {
			t.Fatal(err)
		}
	}
	got, errs := ReadTrail(path)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}

	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	// Exact field names, RFC 3339 with nanoseconds, error omitted when empty.
	wantLine := `{"schemaVersion":1,"user":"ana","host":"laptop","env":"prod","target":"kubernetes",` +
		`"context":"prod-ctx","namespace":"myapp-prod","pod":"web-1","container":"app","remoteHost":"","remoteUser":"","verb":"exec",` +
		`"command":["python","manage.py","check"],"start":"2026-11-23T10:00:01.123456789Z",` +
		`"durationMs":1000,"exitCode":1}`
	if lines[0] != wantLine {
		t.Fatalf("line\n got %s\nwant %s", lines[0], wantLine)
	}
	if !strings.HasSuffix(lines[1], `"error":"exec: no pod ready"}`) {
		t.Fatalf("line 2: %s", lines[1])
	}
}

func TestAppendPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	base := t.TempDir()
	path := filepath.Join(base, "state", "ctl", "sessions.jsonl")
	if err := AppendRecord(path, sampleRecord(1)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    string
		want os.FileMode
	}{
		{filepath.Join(base, "state"), 0o700},
		{filepath.Join(base, "state", "ctl"), 0o700},
		{path, 0o600},
	} {
		fi, err := os.Stat(c.p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != c.want {
			t.Errorf("%s: mode %o, want %o", c.p, fi.Mode().Perm(), c.want)
		}
	}

	// A pre-existing world-readable trail is tightened.
	loose := filepath.Join(base, "loose.jsonl")
	if err := os.WriteFile(loose, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := AppendRecord(loose, sampleRecord(1)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(loose); fi.Mode().Perm() != 0o600 {
		t.Errorf("loose trail left at %o", fi.Mode().Perm())
	}
}

func TestAppendNoPath(t *testing.T) {
	if err := AppendRecord("", sampleRecord(1)); !errors.Is(err, ErrNoTrailPath) {
		t.Fatalf("got %v", err)
	}
	if _, errs := ReadTrail(""); len(errs) != 1 || !errors.Is(errs[0], ErrNoTrailPath) {
		t.Fatalf("got %v", errs)
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctl", "sessions.jsonl")
	const n = 20
	// Long commands make each line several KB, so interleaving would show.
	big := strings.Repeat("x", 8<<10)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := sampleRecord(i)
			r.Command = []string{"echo", fmt.Sprint(i), big}
			errs <- AppendRecord(path, r)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, bad := ReadTrail(path)
	if len(bad) > 0 {
		t.Fatalf("malformed lines: %v", bad)
	}
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if len(r.Command) != 3 || r.Command[2] != big {
			t.Fatalf("damaged record %+v", r.Command[:2])
		}
		seen[r.Command[1]] = true
	}
	if len(seen) != n {
		t.Fatalf("records %v, want 0..%d once each", seen, n-1)
	}
	b, _ := os.ReadFile(path)
	if lines := strings.Count(string(b), "\n"); lines != n {
		t.Fatalf("%d lines, want %d", lines, n)
	}
}

func TestReadTrailMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.jsonl")
	good, _ := json.Marshal(sampleRecord(1))
	body := string(good) + "\n" + // 1
		"not json\n" + // 2
		"\n" + // 3: blank, ignored
		`{"env":"prod"}` + "\n" + // 4: no schemaVersion
		string(good) + "\n" + // 5
		`{"schemaVersion":1,"env":"pr` // 6: cut short by a crash
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, errs := ReadTrail(path)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	var lines []int
	for _, err := range errs {
		var le *TrailLineError
		if !errors.As(err, &le) {
			t.Fatalf("not a line error: %v", err)
		}
		if le.Path != path || !strings.HasPrefix(err.Error(), fmt.Sprintf("%s:%d: malformed session record", path, le.Line)) {
			t.Errorf("message %q", err)
		}
		lines = append(lines, le.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 4, 6}) {
		t.Fatalf("bad lines %v, want [2 4 6]", lines)
	}
}

func TestReadTrailMissing(t *testing.T) {
	recs, errs := ReadTrail(filepath.Join(t.TempDir(), "nope.jsonl"))
	if recs != nil || errs != nil {
		t.Fatalf("got %v %v", recs, errs)
	}
}

func TestRedactArgs(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"python", "manage.py", "migrate"}, []string{"python", "manage.py", "migrate"}},
		{[]string{"--password=hunter2"}, []string{"--password=***"}},
		{[]string{"--db-password=hunter2", "--pass=x", "--pwd=x", "--api-key=k", "--token=t", "--client-secret=s"},
			[]string{"--db-password=***", "--pass=***", "--pwd=***", "--api-key=***", "--token=***", "--client-secret=***"}},
		{[]string{"createsuperuser", "--password", "hunter2", "--noinput"}, []string{"createsuperuser", "--password", "***", "--noinput"}},
		{[]string{"psql", "--password", "--host", "db"}, []string{"psql", "--password", "--host", "db"}},
		{[]string{"env", "PGPASSWORD=hunter2", "SECRET_KEY=abc", "AWS_SECRET_ACCESS_KEY=z", "API_TOKEN=t", "DEBUG=1"},
			[]string{"env", "PGPASSWORD=***", "SECRET_KEY=***", "AWS_SECRET_ACCESS_KEY=***", "API_TOKEN=***", "DEBUG=1"}},
		{[]string{"psql", "postgres://app:s3cr%40t@db.internal:5432/app?sslmode=require"},
			[]string{"psql", "postgres://app:***@db.internal:5432/app?sslmode=require"}},
		{[]string{"DATABASE_URL=postgresql://u:p@ss@h/db"}, []string{"DATABASE_URL=postgresql://u:***@h/db"}},
		{[]string{"postgres://u@h/db", "postgres://h:5432/db"}, []string{"postgres://u@h/db", "postgres://h:5432/db"}},
		{[]string{"psql", "host=db user=app password=hunter2 dbname=app"}, []string{"psql", "host=db user=app password=*** dbname=app"}},
		{[]string{"-c", "ALTER USER app WITH PASSWORD 'hunter2'"}, []string{"-c", "ALTER USER app WITH PASSWORD '***'"}},
		{[]string{"https://x/reset?token=abc&next=/"}, []string{"https://x/reset?token=***&next=/"}},
		{[]string{"--", "--password", "x"}, []string{"--", "--password", "***"}},
	}
	for _, tt := range tests {
		got := RedactArgs(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("RedactArgs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		// Idempotent: the trail redacts again on write.
		if again := RedactArgs(got); !reflect.DeepEqual(again, got) {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
	in := []string{"--password=x"}
	RedactArgs(in)
	if in[0] != "--password=x" {
		t.Fatal("RedactArgs modified its input")
	}
}

func TestAppendRedacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.jsonl")
	r := sampleRecord(1)
	r.Command = []string{"psql", "postgres://u:hunter2@h/db", "PGPASSWORD=hunter2"}
	r.Error = `failed to connect to postgres://u:hunter2@h/db: password=hunter2`
	if err := AppendRecord(path, r); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "hunter2") {
		t.Fatalf("secret in the trail: %s", b)
	}
}

func TestSession(t *testing.T) {
	clock := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	base := SessionRecord{User: "ana", Host: "laptop", Env: "prod", Verb: "dbshell",
		Command: []string{"-c", "ALTER ROLE x PASSWORD 'p'"}}
	tests := []struct {
		name      string
		code      int
		err       error
		wantCode  int
		wantError string
	}{
		{"ok", 0, nil, 0, ""},
		{"child failed", 3, nil, 3, ""},
		{"child code as error", 0, &exitcode.ExitError{Code: 42}, 42, ""},
		{"wrapped child code", 0, fmt.Errorf("psql: %w", &exitcode.ExitError{Code: 2}), 2, ""},
		{"ctl failed", 255, errors.New("dial postgres://u:pw@h: refused"), 255, "dial postgres://u:***@h: refused"},
		{"ctl failed with a code", 7, errors.New("boom"), 7, "boom"},
		{"guard cancelled", 255, &ConfirmError{Env: "prod"}, 255, "confirmation did not match: nothing was run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			s := Begin(base, now)
			clock = clock.Add(1500 * time.Millisecond)
			rec := s.End(tt.code, tt.err)
			if rec.SchemaVersion != 1 || !rec.Start.Equal(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)) || rec.DurationMs != 1500 {
				t.Errorf("timing: %+v", rec)
			}
			if rec.ExitCode != tt.wantCode || rec.Error != tt.wantError {
				t.Errorf("got code %d error %q, want %d %q", rec.ExitCode, rec.Error, tt.wantCode, tt.wantError)
			}
			if rec.Command[1] != "ALTER ROLE x PASSWORD '***'" {
				t.Errorf("command not redacted: %q", rec.Command)
			}
		})
	}
	if base.Command[1] != "ALTER ROLE x PASSWORD 'p'" {
		t.Fatal("Begin modified the caller's command")
	}
}

func TestSessionFinish(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctl", "sessions.jsonl")
	s := Begin(SessionRecord{Env: "qa", Verb: "shell"}, nil)
	rec, err := s.Finish(path, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := ReadTrail(path)
	if len(errs) > 0 || len(recs) != 1 || recs[0].Env != "qa" || !recs[0].Start.Equal(rec.Start) {
		t.Fatalf("got %+v %v", recs, errs)
	}
}

func TestRecordWhere(t *testing.T) {
	tests := []struct {
		rec  SessionRecord
		want string
	}{
		{SessionRecord{Pod: "web-1", Container: "app"}, "web-1"},
		{SessionRecord{RemoteHost: "web1", RemoteUser: "deploy"}, "deploy@web1"},
		{SessionRecord{RemoteHost: "web1,web2", RemoteUser: "deploy"}, "deploy@{web1,web2}"},
		{SessionRecord{RemoteHost: "ops@db1,web1", RemoteUser: "ops"}, "ops@db1,web1"},
		{SessionRecord{RemoteHost: "web1"}, "web1"},
		{SessionRecord{}, ""},
	}
	for _, tt := range tests {
		if got := tt.rec.Where(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.rec, got, tt.want)
		}
	}
}
