package ssh

// `ctl run` on ssh: one host, the app's environment (as `ctl exec`).
// Detached, the command runs in a transient systemd user unit when the
// host has systemd-run, else under nohup in its own session; either way
// its output goes to ~/.ctl-runs/NAME.log and its exit code to
// ~/.ctl-runs/NAME.exit on the host, which --list, --attach and --kill
// read.

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var _ targets.Runner = (*Target)(nil)

// runDir is where detached runs keep their log, pid and exit code.
const runDir = "$HOME/.ctl-runs"

func runName() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "ctl-run-" + string(b)
}

func validRunName(name string) error {
	if !strings.HasPrefix(name, "ctl-run-") || strings.ContainsAny(name, "/ \t\n'\"$`\\;&|") {
		return exitcode.Invalidf("%q is not a run ctl started (ctl run --list)", name)
	}
	return nil
}

// RunJob implements targets.Runner.
func (t *Target) RunJob(ctx context.Context, r targets.RunRequest) (targets.RunResult, error) {
	if !r.Detach {
		res := targets.RunResult{}
		code, err := t.Run(ctx, targets.Command{Argv: r.Argv, TTY: r.TTY, Stdin: r.Stdin, NoStdin: r.Stdin == nil,
			Stdout: r.Stdout, Stderr: r.Stderr, Started: func() {
				res.Host = t.chosen
				if r.Started != nil {
					r.Started(res.RunInfo)
				}
			}})
		res.Host, res.ExitCode = t.chosen, code
		return res, err
	}
	host, err := t.pickHost(ctx, false)
	if err != nil {
		return targets.RunResult{}, err
	}
	t.chosen = host
	t.markRan(host)
	name := runName()
	inner := t.asApp(t.appScript(r.Argv), false)
	dir := runDir
	log, exit, pid := dir+"/"+name+".log", dir+"/"+name+".exit", dir+"/"+name+".pid"
	// The run itself: its output to the log, its exit code to a file.
	body := "echo $$ > " + pid + "; sh -c " + quote(inner) + " > " + log + " 2>&1 < /dev/null; echo $? > " + exit
	var b strings.Builder
	b.WriteString("umask 077; mkdir -p " + dir + " || exit 255\n")
	display := r.Display
	if display == "" {
		display = strings.Join(r.Argv, " ")
	}
	fmt.Fprintf(&b, "printf '%%s\\n' %s > %s/%s.cmd\n", quote(display), dir, name)
	secs := int64(r.Deadline / time.Second)
	limit := ""
	if secs > 0 {
		limit = "timeout " + strconv.FormatInt(secs, 10) + " "
	}
	fmt.Fprintf(&b, "if command -v systemd-run >/dev/null 2>&1 && systemd-run --user --quiet --unit=%s --collect %ssh -c %s 2>/dev/null; then echo systemd; else\n", name, strings.TrimSpace("-p RuntimeMaxSec="+strconv.FormatInt(max(secs, 1), 10))+" ", quote(body))
	fmt.Fprintf(&b, "  nohup setsid %ssh -c %s > /dev/null 2>&1 < /dev/null & echo nohup; fi\n", limit, quote(body))
	out, errOut, code, err := t.output(ctx, host, b.String())
	if err != nil {
		return targets.RunResult{}, err
	}
	if code != 0 {
		return targets.RunResult{}, fmt.Errorf("%s: starting the run: exit %d: %s", host, code, strings.TrimSpace(errOut))
	}
	res := targets.RunResult{RunInfo: targets.RunInfo{Name: name, Host: host, Log: "~/.ctl-runs/" + name + ".log"}}
	res.Reason = strings.TrimSpace(string(out)) // systemd or nohup
	if r.Started != nil {
		r.Started(res.RunInfo)
	}
	return res, nil
}

// runHost is where a detached run lives: every candidate host is asked.
func (t *Target) runHost(ctx context.Context, name string) (string, error) {
	for _, h := range t.candidates {
		_, _, code, err := t.output(ctx, h, "test -e "+runDir+"/"+name+".cmd")
		if err == nil && code == 0 {
			return h, nil
		}
	}
	return "", exitcode.Invalidf("no run %q on %s (ctl run --list)", name, t.selection)
}

// ListRuns implements targets.Runner.
func (t *Target) ListRuns(ctx context.Context) ([]targets.RunSummary, error) {
	script := `cd ` + runDir + ` 2>/dev/null || exit 0
for c in ctl-run-*.cmd; do [ -e "$c" ] || continue; n=${c%.cmd}
  if [ -e "$n.exit" ]; then s="exit $(cat "$n.exit")"; elif [ -e "$n.pid" ] && kill -0 "$(cat "$n.pid")" 2>/dev/null; then s=Running; else s=Gone; fi
  printf '%s\t%s\t%s\t%s\n' "$n" "$s" "$(stat -c %Y "$c")" "$(cat "$c")"
done`
	var out []targets.RunSummary
	for _, h := range t.candidates {
		b, _, code, err := t.output(ctx, h, script)
		if err != nil {
			return nil, err
		}
		if code != 0 {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			f := strings.SplitN(line, "\t", 4)
			if len(f) < 4 {
				continue
			}
			sec, _ := strconv.ParseInt(f[2], 10, 64)
			out = append(out, targets.RunSummary{Name: f[0], Status: f[1] + " on " + h, Started: time.Unix(sec, 0), Command: f[3], User: t.configuredUser(h)})
		}
	}
	return out, nil
}

// AttachRun implements targets.Runner: the log followed until the run
// wrote its exit code.
func (t *Target) AttachRun(ctx context.Context, name string, r targets.RunRequest) (targets.RunResult, error) {
	if err := validRunName(name); err != nil {
		return targets.RunResult{}, err
	}
	host, err := t.runHost(ctx, name)
	if err != nil {
		return targets.RunResult{}, err
	}
	t.chosen = host
	t.markRan(host)
	d := runDir + "/" + name
	script := `tail -n +1 -F ` + d + `.log 2>/dev/null & tp=$!
while [ ! -e ` + d + `.exit ]; do
  if [ -e ` + d + `.pid ] && ! kill -0 "$(cat ` + d + `.pid)" 2>/dev/null && [ ! -e ` + d + `.exit ]; then sleep 1; [ -e ` + d + `.exit ] || { kill $tp; echo "ctl: the run ended without an exit code (killed?)" >&2; exit 255; }; fi
  sleep 0.2
done
sleep 0.3; kill $tp 2>/dev/null; exit "$(cat ` + d + `.exit)"`
	code, err := t.RunOn(ctx, host, targets.Command{Argv: []string{"sh", "-c", script}, Stdout: r.Stdout, Stderr: r.Stderr, NoStdin: true})
	return targets.RunResult{RunInfo: targets.RunInfo{Name: name, Host: host}, ExitCode: code}, err
}

// KillRun implements targets.Runner: the run's whole process group
// (timeout's, under nohup) is sent SIGTERM.
func (t *Target) KillRun(ctx context.Context, name string) error {
	if err := validRunName(name); err != nil {
		return err
	}
	host, err := t.runHost(ctx, name)
	if err != nil {
		return err
	}
	t.markRan(host)
	d := runDir + "/" + name
	script := `systemctl --user stop ` + name + ` 2>/dev/null
if [ -e ` + d + `.pid ]; then p=$(cat ` + d + `.pid); g=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' '); [ -n "$g" ] && kill -TERM -"$g" 2>/dev/null || kill -TERM "$p" 2>/dev/null; fi
rm -f ` + d + `.cmd ` + d + `.pid ` + d + `.exit ` + d + `.log`
	_, errOut, code, err := t.output(ctx, host, script)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("%s: stopping %s: %s", host, name, strings.TrimSpace(errOut))
	}
	return nil
}
