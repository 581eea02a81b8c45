// Command bench-audit measures `ctl audit` against Django's own
// `manage.py check --deploy` on examples/mysite, and the in-process audit
// rate on one core. The two commands run interleaved, round after round,
// on a temporary copy of the project, so that machine noise hits both
// alike. It prints medians and checks the budgets: ctl at least 20×
// faster than check --deploy (wall-clock medians; issue 14's budget: the
// process start-up of any Go CLI bounds the ratio, see the printed
// ceilings), and at least 2,000
// audits per CPU-second in process with GOMAXPROCS=1. It exits 1 when a
// budget is missed. `ctl --version` runs
// alongside as a baseline: on a loaded machine ctl's process start-up, not
// the audit, dominates its time.
//
//	go run ./scripts/bench-audit [-rounds 21] [-ctl bin/ctl] [-python /usr/bin/python3]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ctlops/ctl/checks/audit"
)

func main() {
	ctl := flag.String("ctl", "bin/ctl", "ctl binary (make build)")
	python := flag.String("python", "/usr/bin/python3", "Python with Django installed (no virtualenv)")
	example := flag.String("example", "examples/mysite", "Django project to audit")
	rounds := flag.Int("rounds", 21, "rounds; each runs both commands once")
	inproc := flag.Duration("inproc", 3*time.Second, "how long to run the in-process audit")
	minRatio := flag.Float64("min-ratio", 20, "budget: check --deploy median / ctl audit median")
	minRate := flag.Float64("min-rate", 2000, "budget: in-process audits per second on one core")
	flag.Parse()

	ctlPath, err := filepath.Abs(*ctl)
	if err == nil {
		_, err = os.Stat(ctlPath)
	}
	if err != nil {
		fail("ctl binary: %v (run `make build` first)", err)
	}
	tmp, err := os.MkdirTemp("", "bench-audit-")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(tmp)
	project := filepath.Join(tmp, "mysite")
	if err := copyProject(*example, project); err != nil {
		fail("copying %s: %v", *example, err)
	}
	// The settings read an optional .env; neither command should see one.
	_ = os.Remove(filepath.Join(project, ".env"))
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + tmp, "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"}

	subjects := []*subject{
		{name: "ctl audit", argv: []string{ctlPath, "audit", "mysite/settings.py"}, okCodes: []int{0, 1}},
		{name: "manage.py check --deploy", argv: []string{*python, "manage.py", "check", "--deploy"}, okCodes: []int{0}},
		// ctl's start-up alone, to tell the audit's cost from the process's.
		{name: "ctl --version", argv: []string{ctlPath, "--version"}, okCodes: []int{0}},
		// The floors: what starting any process, and any Go program, costs here.
		{name: "/bin/true (process floor)", argv: []string{"/bin/true"}, okCodes: []int{0}},
		{name: "Go hello-world (Go floor)", argv: []string{goHello(tmp)}, okCodes: []int{0}},
	}
	const warmup = 2
	for r := 0; r < *rounds+warmup; r++ {
		for _, s := range subjects {
			d, cpu, err := s.run(project, env)
			if err != nil {
				fail("%s: %v", s.name, err)
			}
			if r >= warmup {
				s.runs = append(s.runs, d)
				s.cpu = append(s.cpu, cpu)
			}
		}
	}
	fmt.Printf("%-26s %10s %10s %10s %10s   (%d interleaved runs each, %s)\n", "command", "median", "min", "max", "cpu", *rounds, project)
	for _, s := range subjects {
		sort.Slice(s.runs, func(i, j int) bool { return s.runs[i] < s.runs[j] })
		sort.Slice(s.cpu, func(i, j int) bool { return s.cpu[i] < s.cpu[j] })
		fmt.Printf("%-26s %10s %10s %10s %10s\n", s.name, ms(median(s.runs)), ms(s.runs[0]), ms(s.runs[len(s.runs)-1]), ms(median(s.cpu)))
	}
	ratio := float64(median(subjects[1].runs)) / float64(median(subjects[0].runs))
	fmt.Printf("%-26s %9.0f×   (wall-clock medians; CPU-time medians: %.0f×)\n", "check --deploy / ctl audit", ratio,
		float64(median(subjects[1].cpu))/float64(max(median(subjects[0].cpu), time.Microsecond)))
	fmt.Printf("%-26s %10s   (ctl audit median − ctl --version median)\n", "audit beyond start-up", ms(median(subjects[0].runs)-median(subjects[2].runs)))
	floor := median(subjects[3].runs)
	fmt.Printf("%-26s %9.0f×   (check --deploy median / /bin/true median: no process can beat this ratio here)\n", "ceiling of any CLI", float64(median(subjects[1].runs))/float64(floor))
	fmt.Printf("%-26s %9.0f×   (check --deploy median / Go hello-world median: no Go program can beat this ratio here)\n", "ceiling of any Go CLI", float64(median(subjects[1].runs))/float64(median(subjects[4].runs)))

	wallRate, cpuRate, n := inProcessRate(project, *inproc)
	fmt.Println()
	ok := true
	ok = report(fmt.Sprintf("ctl audit is %.0f× faster than manage.py check --deploy", ratio), ratio >= *minRatio, fmt.Sprintf("≥ %.0f×", *minRatio)) && ok
	ok = report(fmt.Sprintf("in-process audit, GOMAXPROCS=1: %.0f files per CPU-second (%.0f/s wall, %d audits)", cpuRate, wallRate, n), cpuRate >= *minRate, fmt.Sprintf("≥ %.0f files/s", *minRate)) && ok
	if !ok {
		os.Exit(1)
	}
}

type subject struct {
	name    string
	argv    []string
	okCodes []int
	runs    []time.Duration
	cpu     []time.Duration // user + system time of the process
}

func (s *subject) run(dir string, env []string) (time.Duration, time.Duration, error) {
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if cmd.ProcessState == nil {
		return d, 0, err
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	code := cmd.ProcessState.ExitCode()
	for _, ok := range s.okCodes {
		if code == ok {
			return d, cpu, nil
		}
	}
	return d, cpu, fmt.Errorf("exit %d (%v):\n%s", code, err, out.String())
}

// inProcessRate audits the project's settings in a loop on one core. It
// returns audits per wall-clock second and per second of the process's CPU
// time (user + system, GC included): the latter is what one core sustains,
// whatever else the machine is doing.
func inProcessRate(project string, d time.Duration) (wall, cpu float64, n int) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	opts := audit.Options{Target: "mysite/settings.py", Cwd: project}
	if _, err := audit.Run(context.Background(), opts); err != nil {
		fail("in-process audit: %v", err)
	}
	cpu0 := cpuTime()
	start := time.Now()
	for time.Since(start) < d {
		if _, err := audit.Run(context.Background(), opts); err != nil {
			fail("in-process audit: %v", err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), float64(n) / (cpuTime() - cpu0).Seconds(), n
}

// cpuTime is the process's user + system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(what string, pass bool, budget string) bool {
	verdict := "ok"
	if !pass {
		verdict = "MISSED"
	}
	fmt.Printf("%-70s budget %-16s %s\n", what, budget, verdict)
	return pass
}

func median(d []time.Duration) time.Duration { return d[len(d)/2] }

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// copyProject copies a Django project, leaving out databases, byte code
// and virtualenvs.
func copyProject(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		name := d.Name()
		if d.IsDir() {
			if name == "__pycache__" || name == ".venv" || name == "venv" || name == "node_modules" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(name, ".sqlite3") || strings.HasSuffix(name, ".pyc") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench-audit: "+format+"\n", a...)
	os.Exit(2)
}

// goHello builds the smallest Go program that prints a line, with the
// same toolchain, into dir, and returns its path.
func goHello(dir string) string {
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		fail("%v", err)
	}
	files := map[string]string{
		"go.mod":  "module hello\n\ngo 1.24\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			fail("%v", err)
		}
	}
	bin := filepath.Join(dir, "hello-bin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("building the Go hello-world: %v\n%s", err, out)
	}
	return bin
}
