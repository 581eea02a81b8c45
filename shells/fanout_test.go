package shells

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ctlops/ctl/targets"
)

type fakeFanout struct{}

func (fakeFanout) FanoutHosts() ([]string, bool, error) { return nil, false, nil }

func (fakeFanout) RunOn(_ context.Context, host string, s targets.Command) (int, error) {
	switch host {
	case "down":
		return 0, errors.New("no route")
	case "web2":
		fmt.Fprint(s.Stderr, "warn\n")
		fmt.Fprint(s.Stdout, "partial")
		return 3, nil
	}
	fmt.Fprint(s.Stdout, "line 1\nline")
	fmt.Fprint(s.Stdout, " 2\n")
	return 0, nil
}

func TestRunFanout(t *testing.T) {
	var out, errb bytes.Buffer
	rs := RunFanout(context.Background(), fakeFanout{}, FanoutOptions{Hosts: []string{"web1", "web2", "down"}, Argv: []string{"x"}, Stdout: &out, Stderr: &errb})
	for _, want := range []string{"web1 | line 1\n", "web1 | line 2\n", "web2 | partial\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if errb.String() != "web2 | warn\n" {
		t.Errorf("stderr %q", errb.String())
	}
	if rs[0].Host != "web1" || rs[1].Code != 3 || rs[2].Err == nil {
		t.Errorf("results %+v", rs)
	}
	if w := WorstCode(rs); w != 255 {
		t.Errorf("worst %d, want 255", w)
	}
	if w := WorstCode(rs[:2]); w != 3 {
		t.Errorf("worst %d, want 3", w)
	}
}

// Concurrent writers never split each other's lines.
func TestLinePrefixerWholeLines(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &LinePrefixer{W: &out, Prefix: fmt.Sprintf("h%d | ", i), Mu: &mu}
			for j := 0; j < 200; j++ {
				fmt.Fprintf(p, "%d-", i)
				fmt.Fprintf(p, "%d\n", i)
			}
		}()
	}
	wg.Wait()
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var a, b, c int
		if n, _ := fmt.Sscanf(line, "h%d | %d-%d", &a, &b, &c); n != 3 || a != b || b != c {
			t.Fatalf("mixed line %q", line)
		}
	}
}
