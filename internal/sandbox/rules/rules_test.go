package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestFind(t *testing.T) {
	rs := &Rules{
		Exec: []Exec{
			{Namespace: "qa", PodPrefix: "web-", Container: "web", WorkDir: "/a"},
			{Namespace: "qa", WorkDir: "/b"},
		},
		PortForward: []PortForward{{Namespace: "qa", PodPrefix: "postgres", Port: 5432, Target: "127.0.0.1:1"}},
	}
	for _, tc := range []struct {
		ns, pod, container, want string
	}{
		{"qa", "web-7d9-abc", "web", "/a"},
		{"qa", "web-7d9-abc", "nginx", "/b"},
		{"qa", "worker-1", "worker", "/b"},
		{"prod", "web-1", "web", ""},
	} {
		r, ok := rs.FindExec(tc.ns, tc.pod, tc.container)
		if got := map[bool]string{true: r.WorkDir}[ok]; got != tc.want {
			t.Errorf("FindExec(%s, %s, %s) = %q, want %q", tc.ns, tc.pod, tc.container, got, tc.want)
		}
	}
	if _, ok := rs.FindPortForward("qa", "postgres", 5432); !ok {
		t.Error("postgres:5432 not matched")
	}
	if _, ok := rs.FindPortForward("qa", "postgres-0", 5433); ok {
		t.Error("postgres-0:5433 matched")
	}
}

func TestValidate(t *testing.T) {
	for _, target := range []string{"10.0.0.1:5432", "example.com:80", "127.0.0.1", "127.0.0.1:0"} {
		rs := &Rules{PortForward: []PortForward{{Target: target}}}
		if rs.Validate() == nil {
			t.Errorf("target %q accepted", target)
		}
	}
	for _, target := range []string{"127.0.0.1:5432", "[::1]:80", "localhost:1"} {
		rs := &Rules{PortForward: []PortForward{{Target: target}}}
		if err := rs.Validate(); err != nil {
			t.Errorf("target %q: %v", target, err)
		}
	}
	rs := &Rules{Exec: []Exec{{WorkDir: "rel"}, {Env: []string{"NOEQUALS"}}}}
	if rs.Validate() == nil {
		t.Error("relative workDir and bad env accepted")
	}
}

// Parallel writers through Update lose nothing.
func TestUpdateConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.json")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := Update(path, func(rs *Rules) error {
				rs.SetExec(Exec{Namespace: fmt.Sprintf("ns%d", i)})
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rs, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Exec) != 20 {
		t.Errorf("%d rules, want 20", len(rs.Exec))
	}
	if err := Update(path, func(rs *Rules) error { rs.RemoveExec(Exec{Namespace: "ns3"}); return nil }); err != nil {
		t.Fatal(err)
	}
	if rs, _ := Load(path); len(rs.Exec) != 19 {
		t.Errorf("after remove: %d rules, want 19", len(rs.Exec))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}
