package ssh

// `ctl restart` on ssh: the configured unit restarted host by host
// (Parallel at a time), each host's health check passed before the next
// batch; the first failure stops it.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var _ targets.Restarter = (*Target)(nil)

// restartHosts are the roles' hosts (components name roles), else the
// --host/--role selection, else every host.
func (t *Target) restartHosts(roles []string) ([]string, error) {
	if len(roles) == 0 {
		if t.deps.Opts.Host != "" || t.deps.Opts.Role != "" {
			return t.candidates, nil
		}
		return t.hosts, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range roles {
		hs, ok := t.roles[r]
		if !ok {
			return nil, exitcode.Invalidf("environment %q has no role %q (its roles: %s)", t.env.Name, r, strings.Join(t.roleNames(t.roles), ", "))
		}
		for _, h := range hs {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out, nil
}

func (t *Target) restartScript() (string, error) {
	switch {
	case t.env.RestartCommand != "":
		s := t.env.RestartCommand
		if d := t.env.Dir; d != "" {
			s = "cd " + quote(d) + " && " + s
		}
		return s, nil
	case t.env.RestartUnit != "":
		u := quote(t.env.RestartUnit)
		return `if [ "$(id -u)" = 0 ]; then systemctl restart ` + u + `; else sudo -n systemctl restart ` + u + `; fi`, nil
	}
	return "", exitcode.WithHint(exitcode.Invalidf("environment %q: nothing to restart", t.env.Name),
		"set restart.unit (a systemd unit) or restart.command in ctl.yaml")
}

// healthScript is the health check as a shell script run on the host.
func (t *Target) healthScript() string {
	h := strings.TrimSpace(t.env.Health)
	if strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://") {
		return "curl -fsS -o /dev/null --max-time 5 " + quote(h) + " 2>&1 || wget -q -O /dev/null -T 5 " + quote(h) + " 2>&1"
	}
	return t.asApp(t.appScript([]string{"sh", "-c", h}), false)
}

// RestartPlan implements targets.Restarter.
func (t *Target) RestartPlan(_ context.Context, r targets.RestartRequest) ([]string, error) {
	hosts, err := t.restartHosts(r.Components)
	if err != nil {
		return nil, err
	}
	if _, err := t.restartScript(); err != nil {
		return nil, err
	}
	what := "systemctl restart " + t.env.RestartUnit
	if t.env.RestartCommand != "" {
		what = t.env.RestartCommand
	}
	check := "no health check (health: not set)"
	if t.env.Health != "" {
		check = "then health check " + t.env.Health
	}
	n := max(r.Parallel, 1)
	return []string{fmt.Sprintf("%s on %s, %d at a time, %s", what, strings.Join(hosts, ", "), n, check)}, nil
}

// Restart implements targets.Restarter.
func (t *Target) Restart(ctx context.Context, r targets.RestartRequest) ([]targets.RestartOutcome, error) {
	hosts, err := t.restartHosts(r.Components)
	if err != nil {
		return nil, err
	}
	script, err := t.restartScript()
	if err != nil {
		return nil, err
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	n := max(r.Parallel, 1)
	var outs []targets.RestartOutcome
	for i := 0; i < len(hosts); i += n {
		batch := hosts[i:min(i+n, len(hosts))]
		res := make([]targets.RestartOutcome, len(batch))
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		for j, h := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				res[j] = targets.RestartOutcome{Component: "host", Workload: h, Method: "restart", Desired: 1}
				errs[j] = t.restartHost(ctx, h, script, timeout, r.Progress)
				res[j].Duration = time.Since(start)
				if errs[j] == nil {
					res[j].Ready = 1
				} else {
					res[j].Error = errs[j].Error()
				}
			}()
		}
		wg.Wait()
		outs = append(outs, res...)
		if err := errors.Join(errs...); err != nil {
			for _, e := range errs {
				var rf *targets.RestartFailure
				if errors.As(e, &rf) {
					return outs, rf
				}
			}
			return outs, err
		}
	}
	return outs, nil
}

func (t *Target) restartHost(ctx context.Context, host, script string, timeout time.Duration, progress func(targets.RestartProgress)) error {
	t.markRan(host)
	tell := func(phase string, ready int) {
		if progress != nil {
			progress(targets.RestartProgress{Component: "host", Workload: host, Method: "restart", Ready: ready, Desired: 1, Phase: phase})
		}
	}
	tell("rolling", 0)
	out, errOut, code, err := t.output(ctx, host, script)
	if err != nil {
		return fmt.Errorf("%s: %w", host, err)
	}
	if code != 0 {
		tell("failed", 0)
		return &targets.RestartFailure{Workload: "host " + host, Reason: fmt.Sprintf("restart exited %d", code),
			Evidence: []targets.Evidence{{Name: host, Logs: lastLines(string(out)+errOut, 10)}}}
	}
	if t.env.Health == "" {
		tell("healthy", 1)
		return nil
	}
	deadline := time.Now().Add(timeout)
	check := t.healthScript()
	var last string
	for {
		out, errOut, code, err := t.output(ctx, host, check)
		if err != nil {
			return fmt.Errorf("%s: health check: %w", host, err)
		}
		if code == 0 {
			tell("healthy", 1)
			return nil
		}
		last = strings.TrimSpace(string(out) + errOut)
		if time.Now().After(deadline) {
			tell("failed", 0)
			ev := targets.Evidence{Name: host, Logs: lastLines(last, 10)}
			if t.env.RestartUnit != "" {
				jout, _, _, jerr := t.output(context.WithoutCancel(ctx), host, "journalctl -u "+quote(t.env.RestartUnit)+" -n 10 --no-pager 2>&1")
				if jerr == nil {
					ev.Logs = append(ev.Logs, lastLines(string(jout), 10)...)
				}
			}
			return &targets.RestartFailure{Workload: "host " + host, Reason: "health check failed",
				Message: fmt.Sprintf("%s did not pass within %s (last: exit %d)", t.env.Health, timeout, code), Evidence: []targets.Evidence{ev}}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
