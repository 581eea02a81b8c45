package main_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// BenchmarkStartup runs the built binary; `make bench` prints these next
// to kubectl's (scripts/startbench interleaves them for the ratio).
func BenchmarkStartup(b *testing.B) {
	bin := testenv.Ctl(b)
	example := filepath.Join(testenv.RepoRoot(b), "examples", "mysite")
	cases := []struct {
		name string
		dir  string
		argv []string
	}{
		{"version", "", []string{bin, "--version"}},
		{"env-list", example, []string{bin, "env", "list"}},
	}
	if k, err := exec.LookPath("kubectl"); err == nil {
		cases = append(cases, struct {
			name string
			dir  string
			argv []string
		}{"kubectl-version-client", "", []string{k, "version", "--client"}})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(c.argv[0], c.argv[1:]...)
				cmd.Dir = c.dir
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
