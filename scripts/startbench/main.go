// Command startbench measures ctl's start-up side by side with kubectl:
// the commands run interleaved, round after round, in one process, so
// that machine noise hits all of them alike. It prints medians and the
// ratio the foundation issue budgets (ctl ≤ 20 ms, ≤ 0.15× kubectl).
//
//	go run ./scripts/startbench -ctl bin/ctl -rounds 200
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

type subject struct {
	name string
	argv []string
	dir  string
	runs []time.Duration
}

func main() {
	ctl := flag.String("ctl", "bin/ctl", "ctl binary")
	rounds := flag.Int("rounds", 200, "rounds (each runs every command once)")
	dir := flag.String("dir", "examples/mysite", "working directory for ctl env list")
	flag.Parse()
	if abs, err := filepath.Abs(*ctl); err == nil {
		*ctl = abs
	}

	subjects := []*subject{
		{name: "ctl --version", argv: []string{*ctl, "--version"}},
		{name: "ctl env list", argv: []string{*ctl, "env", "list"}, dir: *dir},
		{name: "ctl audit", argv: []string{*ctl, "audit"}, dir: *dir},
	}
	kubectl, err := exec.LookPath("kubectl")
	if err == nil {
		subjects = append(subjects, &subject{name: "kubectl version --client", argv: []string{kubectl, "version", "--client"}})
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	for r := 0; r < *rounds+5; r++ {
		for _, s := range subjects {
			cmd := exec.Command(s.argv[0], s.argv[1:]...)
			cmd.Dir = s.dir
			cmd.Stdout, cmd.Stderr, cmd.Stdin = devnull, devnull, devnull
			start := time.Now()
			// An exit status (audit findings) is an answer; only a
			// command that did not run is an error.
			if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", s.name, err)
				os.Exit(1)
			}
			if r >= 5 { // warm-up rounds are not counted
				s.runs = append(s.runs, time.Since(start))
			}
		}
	}
	fmt.Printf("%-26s %10s %10s %10s   (%d interleaved runs each)\n", "command", "median", "p90", "min", *rounds)
	med := map[string]time.Duration{}
	for _, s := range subjects {
		sort.Slice(s.runs, func(i, j int) bool { return s.runs[i] < s.runs[j] })
		m := s.runs[len(s.runs)/2]
		med[s.name] = m
		fmt.Printf("%-26s %10s %10s %10s\n", s.name, round(m), round(s.runs[len(s.runs)*9/10]), round(s.runs[0]))
	}
	if k, ok := med["kubectl version --client"]; ok {
		for _, n := range []string{"ctl --version", "ctl env list", "ctl audit"} {
			fmt.Printf("ratio %-20s %.3f× kubectl (budget ≤ 0.15×)\n", n, float64(med[n])/float64(k))
		}
	} else {
		fmt.Println("kubectl not on PATH: no ratio")
	}
	for _, n := range []string{"ctl --version", "ctl env list", "ctl audit"} {
		verdict := "within"
		if med[n] > 20*time.Millisecond {
			verdict = "OVER"
		}
		fmt.Printf("budget %-19s median %s: %s the 20ms budget\n", n, round(med[n]), verdict)
	}
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
