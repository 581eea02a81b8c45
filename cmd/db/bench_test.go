package db_test

// make bench-db: `ctl db dump` against a plain `pg_dump -Fc` to the same
// server through the same kind of tunnel (ssh -L via sshd on loopback),
// side by side, at ~30 MB and ~300 MB of table data; and ctl's own peak
// RSS (VmHWM of the ctl process, not pg_dump's) at both sizes.
// Figures, not assertions: the budgets are checked by reading them.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

// benchSizes are rows of generated data: ~445 bytes of table data a row.
var benchSizes = []struct {
	label string
	rows  int
}{{"30MB", 67_000}, {"300MB", 670_000}}

func BenchmarkDBDump(b *testing.B) {
	testenv.RequireTool(b, "pg_dump")
	project := testenv.ExampleProject(b)
	for _, size := range benchSizes {
		b.Run(size.label, func(b *testing.B) {
			name := fmt.Sprintf("i18bench%s_%d", strings.ToLower(size.label), os.Getpid())
			src := dbdumptest.Seed(b, project, name, size.rows)
			a := newVMAppTB(b, src.DSN)
			u, _ := url.Parse(src.DSN)
			password, _ := u.User.Password()
			dir := b.TempDir()
			var plainSec, pipeSec, ctlSec, dataSec []float64
			var archive int64
			var rssKB int64
			plain := func() {
				// Plain pg_dump through a tunnel ctl holds open (its set-up
				// not timed), both ways a user writes it: -f FILE, and
				// > FILE (stdout, as ctl's pg_dump writes into ctl).
				host, port, user, stop := openTunnel(b, a)
				defer stop()
				env := append(os.Environ(), "PGHOST="+host, "PGPORT="+port, "PGUSER="+user, "PGDATABASE="+name, "PGPASSWORD="+password)
				out := filepath.Join(dir, "plain.dump")
				cmd := exec.Command("pg_dump", "--format=custom", "--no-password", "-f", out)
				cmd.Env = env
				t0 := time.Now()
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("pg_dump: %v: %s", err, msg)
				}
				plainSec = append(plainSec, time.Since(t0).Seconds())
				f, err := os.Create(filepath.Join(dir, "pipe.dump"))
				if err != nil {
					b.Fatal(err)
				}
				cmd = exec.Command("pg_dump", "--format=custom", "--no-password")
				cmd.Env, cmd.Stdout = env, f
				t0 = time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("pg_dump > file: %v", err)
				}
				_ = f.Close()
				pipeSec = append(pipeSec, time.Since(t0).Seconds())
			}
			viaCtl := func() {
				// ctl db dump, every table's rows (as the plain one), set-up timed.
				cout := filepath.Join(dir, "ctl.dump")
				_ = os.Remove(cout)
				c := exec.Command(testenv.Ctl(b), "db", "dump", "vm", "-o", cout, "--include-all-data", "--json")
				c.Dir, c.Env = a.dir, a.env
				var jout, jerr bytes.Buffer
				c.Stdout, c.Stderr = &jout, &jerr
				t0 := time.Now()
				if err := c.Start(); err != nil {
					b.Fatal(err)
				}
				peak := make(chan int64)
				go func() { peak <- watchHWM(c.Process.Pid) }()
				err := c.Wait()
				ctlSec = append(ctlSec, time.Since(t0).Seconds())
				if p := <-peak; p > rssKB {
					rssKB = p
				}
				if err != nil {
					b.Fatalf("ctl db dump: %v\n%s", err, jerr.String())
				}
				var doc struct {
					DumpMs int64
					Bytes  int64
				}
				if err := json.Unmarshal(jout.Bytes(), &doc); err != nil {
					b.Fatalf("ctl db dump --json: %v", err)
				}
				dataSec = append(dataSec, float64(doc.DumpMs)/1000)
				archive = doc.Bytes
			}
			// Interleaved rounds, the order alternating, medians compared:
			// the machine is shared, a single pair would measure its load.
			for i := 0; i < benchRounds; i++ {
				if i%2 == 0 {
					plain()
					viaCtl()
				} else {
					viaCtl()
					plain()
				}
			}
			st, _ := os.Stat(filepath.Join(dir, "plain.dump"))
			pb := float64(st.Size())
			pm, cm, dm := median(plainSec), median(ctlSec), median(dataSec)
			fileMBs := pb / pm / 1e6
			if pp := median(pipeSec); pp < pm { // the faster plain way is the baseline
				pm = pp
			}
			plainMBs, ctlMBs, dataMBs := pb/pm/1e6, float64(archive)/cm/1e6, float64(archive)/dm/1e6
			table := dbdumptest.Value(b, name, "select sum(pg_table_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'")
			tb, _ := strconv.ParseInt(table, 10, 64)
			b.ReportMetric(plainMBs, "plain-MB/s")
			b.ReportMetric(ctlMBs, "ctl-MB/s")
			b.ReportMetric(ctlMBs/plainMBs, "ctl/plain")
			b.ReportMetric(dataMBs/plainMBs, "ctl-dump-phase/plain")
			b.ReportMetric(float64(rssKB)/1024, "ctl-peak-RSS-MB")
			b.Logf("%s: table data %s, archive %s (plain %s); medians of %d interleaved rounds: plain pg_dump -Fc -f FILE %v s (%.1f MB/s), pg_dump -Fc > FILE %v s; baseline, the faster: %.2f s (%.1f MB/s); ctl db dump %.2f s %v end to end, tunnel set-up, checks and verification included (%.1f MB/s): %.2f×; its pg_dump phase (written, hashed, pg_restore --list, renamed) %.2f s (%.1f MB/s): %.2f×; ctl's peak RSS %.1f MB",
				size.label, dbdump.Bytes(tb), dbdump.Bytes(archive), dbdump.Bytes(int64(pb)), benchRounds, rounded(plainSec), fileMBs, rounded(pipeSec), pm, plainMBs, cm, rounded(ctlSec), ctlMBs, ctlMBs/plainMBs, dm, dataMBs, dataMBs/plainMBs, float64(rssKB)/1024)
		})
	}
}

// benchRounds is how many interleaved pairs each size runs.
const benchRounds = 3

func median(v []float64) float64 {
	s := append([]float64{}, v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func rounded(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatFloat(x, 'f', 1, 64)
	}
	return out
}

// newVMAppTB is newVMApp for a benchmark: an ssh environment "vm" whose
// database (src) is reached through ssh -L via db1.
func newVMAppTB(tb testing.TB, srcDSN string) *vmApp {
	tb.Helper()
	fleet := testenv.StartSSHFleet(tb, "web1", "db1")
	a := &vmApp{localApp: localApp{dir: tb.TempDir(), home: tb.TempDir()}}
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(mux) })
	a.envFile = filepath.Join(tb.TempDir(), "myapp.env")
	if err := os.WriteFile(a.envFile, []byte("export DATABASE_URL='"+srcDSN+"'\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	cfg := fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    roles:\n      web: [web1]\n      db: [db1]\n    database:\n      url_from: %s\n", fleet.Config, a.envFile)
	if err := os.WriteFile(filepath.Join(a.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
	a.env = testenv.CleanEnv("HOME="+a.home, "XDG_STATE_HOME="+filepath.Join(a.home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	return a
}

// openTunnel runs `ctl dbshell vm --tunnel-only` and returns where it
// listens; stop closes it.
func openTunnel(tb testing.TB, a *vmApp) (host, port, user string, stop func()) {
	tb.Helper()
	cmd := exec.Command(testenv.Ctl(tb), "dbshell", "vm", "--tunnel-only")
	cmd.Dir, cmd.Env = a.dir, a.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	stop = func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		tb.Fatalf("dbshell --tunnel-only: %v", err)
	}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "host":
			host = v
		case "port":
			port = v
		case "user":
			user = v
		}
	}
	return host, port, user, stop
}

// watchHWM polls a process's peak RSS (VmHWM, kB) until it exits.
func watchHWM(pid int) int64 {
	var peak int64
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil || strings.Contains(string(b), "State:\tZ") {
			return peak
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if kb > peak {
					peak = kb
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
