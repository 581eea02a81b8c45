package dbdump

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/targets"
)

func TestParseClientVersion(t *testing.T) {
	tests := []struct {
		in    string
		major int
		v     string
		bad   bool
	}{
		{in: "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", major: 15, v: "15.18"},
		{in: "pg_dump (PostgreSQL) 16.4\n", major: 16, v: "16.4"},
		{in: "pg_dump (PostgreSQL) 9.6.24\n", major: 9, v: "9.6"},
		{in: "pg_dump (PostgreSQL) 17devel\n", major: 17, v: "17"},
		{in: "something else", bad: true},
	}
	for _, tt := range tests {
		major, v, err := ParseClientVersion(tt.in)
		if tt.bad != (err != nil) || major != tt.major || v != tt.v {
			t.Errorf("ParseClientVersion(%q) = %d, %q, %v", tt.in, major, v, err)
		}
	}
}

func TestExcluded(t *testing.T) {
	patterns := ExcludeList([]string{"audit_*", "other.big", "audit_*"}, false)
	if strings.Count(strings.Join(patterns, ","), "audit_*") != 1 {
		t.Errorf("duplicates kept: %v", patterns)
	}
	tests := []struct {
		tbl  Table
		want bool
	}{
		{Table{Schema: "public", Name: "django_session"}, true},
		{Table{Schema: "tenant1", Name: "django_session"}, true},
		{Table{Schema: "public", Name: "silk_request"}, true},
		{Table{Schema: "public", Name: "audit_log"}, true},
		{Table{Schema: "other", Name: "big"}, true},
		{Table{Schema: "public", Name: "big"}, false},
		{Table{Schema: "public", Name: "auth_user"}, false},
	}
	for _, tt := range tests {
		if got := Excluded(tt.tbl, patterns); got != tt.want {
			t.Errorf("Excluded(%s) = %v", tt.tbl.Qualified(), got)
		}
	}
	if l := ExcludeList([]string{"x"}, true); len(l) != 1 || l[0] != "x" {
		t.Errorf("--include-all-data keeps the configured list only: %v", l)
	}
	args := strings.Join(DumpArgs([]string{"django_session"}), " ")
	if !strings.Contains(args, "--format=custom") || !strings.Contains(args, "--exclude-table-data=django_session") || strings.Contains(args, "--exclude-table=") {
		t.Errorf("DumpArgs: %s", args)
	}
}

func TestTracker(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	est := &Estimate{Bytes: 300, bySchema: map[string]int64{"public.a": 100, "public.b": 200}}
	tr := NewTracker("dump", 2, est, clock)
	for _, l := range []string{
		"pg_dump: last built-in OID is 16383",
		"pg_dump: reading extensions",
		`pg_dump: dumping contents of table "public.a"`,
	} {
		tr.Line(l)
	}
	tr.Add(50)
	now = now.Add(10 * time.Second)
	tr.Line(`pg_dump: dumping contents of table "public.b"`)
	p := tr.Snapshot()
	if p.TablesDone != 1 || p.TablesTotal != 2 || p.Current != "public.b" || p.DataDone != 100 || p.Bytes != 50 {
		t.Fatalf("snapshot %+v", p)
	}
	if eta, ok := p.ETA(); !ok || eta != 20*time.Second {
		t.Errorf("ETA %v %v, want 20s (100 bytes in 10 s, 200 left)", eta, ok)
	}
	if got := Render(p); got != "dump    1/2 tables · 50 B written · ~100 B of ~300 B table data · ETA 0:20" {
		t.Errorf("Render: %q", got)
	}
	tr.Line("pg_dump: error: Dumping the contents of table \"b\" failed: PQgetCopyData() failed.")
	tr.Line("pg_dump: detail: Error message from server: server closed the connection unexpectedly")
	if e := tr.Errors(); !strings.Contains(e, "PQgetCopyData") || !lostConnection(e) {
		t.Errorf("Errors: %q", e)
	}
	tr.Finish()
	if p := tr.Snapshot(); p.TablesDone != 2 || p.DataDone != 300 {
		t.Errorf("after Finish: %+v", p)
	}
	r := NewTracker("restore", 3, nil, clock)
	r.Line(`pg_restore: processing data for table "public.a"`)
	r.Finish()
	if p := r.Snapshot(); p.TablesDone != 1 || p.TablesTotal != 1 {
		t.Errorf("restore: %+v", p)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1500000: "1.5 MB", 3_200_000_000: "3.2 GB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	at := time.Date(2026, 12, 3, 14, 5, 2, 0, time.UTC)
	if got := PrevName("shop", at); got != "shop_prev_20261203T140502" {
		t.Errorf("PrevName: %s", got)
	}
	long := strings.Repeat("x", 60)
	if got := NewName(long, at); len(got) != 63 || !strings.HasSuffix(got, "_new_20261203T140502") {
		t.Errorf("NewName of a long name: %s (%d)", got, len(got))
	}
	if Ident(`a"b`) != `"a""b"` {
		t.Error("Ident does not double quotes")
	}
}

// rigDB is the rig's database, or a skip.
func rigDB(t *testing.T) *targets.DB {
	t.Helper()
	testenv.RequireTool(t, "pg_dump")
	u, err := url.Parse(testenv.PostgresDSN(t))
	if err != nil {
		t.Fatal("bad DSN")
	}
	port, _ := strconv.Atoi(u.Port())
	pw, _ := u.User.Password()
	return &targets.DB{Engine: "postgres", Host: u.Hostname(), Port: port, User: u.User.Username(), Password: pw,
		Name: strings.TrimPrefix(u.Path, "/"), Options: map[string]string{}, Source: "the rig"}
}

func tools(t *testing.T) *Tools {
	t.Helper()
	tl, err := FindTools(exec.LookPath, os.Environ)
	if err != nil {
		t.Skip(err)
	}
	return tl
}

// enospc fails every write after limit bytes, as a full disk does.
type enospc struct {
	w     io.Writer
	limit int
}

func (e *enospc) Write(p []byte) (int, error) {
	if len(p) > e.limit {
		n, _ := e.w.Write(p[:e.limit])
		e.limit = 0
		return n, syscall.ENOSPC
	}
	e.limit -= len(p)
	return e.w.Write(p)
}

// TestDumpFileFullDisk: a full disk mid-dump is a clear error, pg_dump is
// stopped and no file is left, partial or final.
func TestDumpFileFullDisk(t *testing.T) {
	db := rigDB(t)
	tl := tools(t)
	// Enough rows that the archive outgrows the 1 kB "disk".
	mustExec(t, db, "create table if not exists i18_fill (x text); truncate i18_fill; insert into i18_fill select md5(g::text) from generate_series(1, 20000) g")
	t.Cleanup(func() { mustExec(t, db, "drop table if exists i18_fill") })
	old := sink
	sink = func(f *os.File) io.Writer { return &enospc{w: f, limit: 1024} }
	t.Cleanup(func() { sink = old })
	dir := t.TempDir()
	path := filepath.Join(dir, "full.dump")
	_, err := tl.DumpFile(context.Background(), tl.Local(db, nil), path, NewTracker("dump", 0, nil, nil))
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(we.Hint(), "disk is full") {
		t.Fatalf("err = %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left in the directory: %v", ents)
	}
}

// TestDumpFileAndVerify: a real dump, read back; a truncated copy fails
// Verify but passes List (why restore reads the whole file).
func TestDumpFileAndVerify(t *testing.T) {
	db := rigDB(t)
	tl := tools(t)
	mustExec(t, db, "create table if not exists i18_verify (x text); truncate i18_verify; insert into i18_verify select repeat(md5(g::text), 4) from generate_series(1, 20000) g")
	t.Cleanup(func() { mustExec(t, db, "drop table if exists i18_verify") })
	path := filepath.Join(t.TempDir(), "ok.dump")
	res, err := tl.DumpFile(context.Background(), tl.Local(db, nil), path, NewTracker("dump", 0, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	sum, n, err := FileSHA256(path)
	if err != nil || sum != res.SHA256 || n != res.Bytes {
		t.Fatalf("result %+v, file %s %d", res, sum, n)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("dump mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	cut := filepath.Join(t.TempDir(), "cut.dump")
	if err := os.WriteFile(cut, b[:len(b)*3/4], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.List(context.Background(), cut); err != nil {
		t.Logf("List already catches this truncation: %v", err)
	}
	_, err = tl.Verify(context.Background(), cut)
	var ae *ArchiveError
	if !errors.As(err, &ae) || !strings.Contains(ae.Msg, "truncated") {
		t.Fatalf("Verify of a truncated file: %v", err)
	}
}

func mustExec(t *testing.T, db *targets.DB, sql string) {
	t.Helper()
	cmd := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql)
	cmd.Env = (&Tools{Environ: os.Environ}).childEnv(db, db.Name, "ctl test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
}

// syncBuf is a bytes.Buffer safe for the display's goroutine.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDisplay: on a terminal one line rewritten in place (both trackers
// side by side) and the final figures; off a terminal plain lines without
// escape sequences.
func TestDisplay(t *testing.T) {
	for _, tty := range []bool{true, false} {
		var out syncBuf
		d1, d2 := NewTracker("dump", 2, nil, nil), NewTracker("restore", 2, nil, nil)
		d1.Line(`pg_dump: dumping contents of table "public.a"`)
		d := newDisplay(&out, tty, 200, 10*time.Millisecond, d1, d2)
		time.Sleep(60 * time.Millisecond)
		d1.Finish()
		d.Stop(true)
		s := out.String()
		if tty != strings.Contains(s, "\r\x1b[K") {
			t.Errorf("tty=%v: escape sequences %q", tty, s)
		}
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		last := lines[len(lines)-1]
		if tty {
			last = last[strings.LastIndex(last, "\x1b[K")+len("\x1b[K"):]
		}
		if !strings.HasPrefix(last, "dump    1/1 tables") || !strings.Contains(last, "|  restore 0/2 tables") {
			t.Errorf("tty=%v: final line %q", tty, last)
		}
		if !tty && len(lines) < 2 {
			t.Errorf("no periodic plain lines: %q", s)
		}
	}
}

// TestSwapNames: two swaps of a database in the same second (a restore
// then a pull, as the tests do) get different names for the previous
// database, and the later one still sorts after the earlier.
func TestSwapNames(t *testing.T) {
	db := rigDB(t)
	ctx := context.Background()
	admin, err := OpenAdmin(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("swapnames%d", os.Getpid())
	at := time.Date(2026, 12, 3, 18, 5, 2, 0, time.UTC)
	fresh, prev, err := admin.SwapNames(ctx, name, at)
	if err != nil || fresh != name+"_new_20261203T180502" || prev != name+"_prev_20261203T180502" {
		t.Fatalf("first: %q %q %v", fresh, prev, err)
	}
	mustExec(t, db, `create database "`+prev+`"`)
	t.Cleanup(func() { mustExec(t, db, `drop database if exists "`+prev+`"`) })
	_, prev2, err := admin.SwapNames(ctx, name, at)
	if err != nil || prev2 != prev+"_2" || !strings.HasPrefix(prev2, PrevPrefix(name)) || prev2 <= prev {
		t.Fatalf("second in the same second: %q (first %q) %v", prev2, prev, err)
	}
}
