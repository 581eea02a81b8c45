package update

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewer(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"v0.2.0", "v0.1.9", true},
		{"v0.10.0", "v0.9.0", true}, // numeric, not lexical
		{"v1.0.0", "v1.0.0", false},
		{"v0.1.0", "v0.2.0", false},
		{"1.2.3", "v1.2.2", true},
		{"v1.0.0", "v1.0.0-rc.1", true},
		{"v1.0.0-rc.2", "v1.0.0-rc.1", true},
		{"v1.0.0-rc.1", "v1.0.0", false},
		{"v9.9.9", "dev", false}, // development builds get no notices
		{"v9.9.9", "1a2b3c-dirty", false},
		{"garbage", "v0.1.0", false},
		{"v1.2.3+meta", "v1.2.2", true},
	} {
		if got := Newer(tt.a, tt.b); got != tt.want {
			t.Errorf("Newer(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestEnabledAndDue(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnableEnv {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		v          string
		configured bool
		want       bool
	}{{"", false, false}, {"", true, true}, {"1", false, true}, {"true", false, true}, {"0", true, false}, {"no", true, false}} {
		if got := Enabled(env(tt.v), func() bool { return tt.configured }); got != tt.want {
			t.Errorf("Enabled(%q, %v) = %v", tt.v, tt.configured, got)
		}
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		checked time.Time
		want    bool
	}{
		{time.Time{}, true},
		{now.Add(-23 * time.Hour), false},
		{now.Add(-25 * time.Hour), true},
		{now.Add(48 * time.Hour), true}, // a clock that went back does not stop checks forever
	} {
		if got := (State{CheckedAt: tt.checked}).Due(now); got != tt.want {
			t.Errorf("Due(checked %v) = %v", tt.checked, got)
		}
	}
}

func TestNotice(t *testing.T) {
	s := State{Latest: "v0.3.0"}
	if n := s.Notice("v0.2.1"); !strings.Contains(n, "v0.2.1 → v0.3.0") {
		t.Errorf("notice %q", n)
	}
	for _, cur := range []string{"v0.3.0", "v0.4.0", "dev"} {
		if n := s.Notice(cur); n != "" {
			t.Errorf("notice for %s: %q", cur, n)
		}
	}
}

func TestCheckRecordsLatest(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte(`{"tag_name":"v1.4.0","name":"ctl 1.4.0"}`))
		case "/bad-tag":
			_, _ = w.Write([]byte(`{"tag_name":"nightly"}`))
		default:
			http.Error(w, "rate limited", http.StatusForbidden)
		}
	}))
	defer srv.Close()
	state := t.TempDir()
	getenv := func(url string) func(string) string {
		return func(k string) string {
			return map[string]string{"XDG_STATE_HOME": state, URLEnv: srv.URL + url}[k]
		}
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if err := Check(context.Background(), getenv("/ok"), now); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(state, "ctl", "update.json")
	if s := Load(path); s.Latest != "v1.4.0" || !s.CheckedAt.Equal(now) {
		t.Fatalf("state %+v", s)
	}
	// A failed lookup keeps what was known and still records the time.
	later := now.Add(25 * time.Hour)
	for _, u := range []string{"/bad-tag", "/forbidden"} {
		if err := Check(context.Background(), getenv(u), later); err == nil {
			t.Errorf("%s: no error", u)
		}
		if s := Load(path); s.Latest != "v1.4.0" || !s.CheckedAt.Equal(later) {
			t.Errorf("%s: state %+v", u, s)
		}
	}
	if hits != 3 {
		t.Errorf("%d requests, want 3", hits)
	}
}
