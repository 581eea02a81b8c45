package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// Database reads the credentials on an app host and opens an SSH tunnel
// (ssh -N -L 127.0.0.1:PORT:DBHOST:DBPORT) through the db host, or the
// app host when the environment has no db role. The returned func closes
// the tunnel.
func (t *Target) Database(ctx context.Context) (*targets.DB, func() error, error) {
	host, err := t.pickHost(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	t.chosen = host
	t.markRan(host)
	db, err := t.credentials(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	if db.Engine != "postgres" {
		return nil, nil, fmt.Errorf("environment %q: dbshell supports PostgreSQL on ssh targets; the app uses %s", t.env.Name, db.Engine)
	}
	via, dest, port := t.tunnelPlan(host, db)
	t.markRan(via)
	tun, err := t.openTunnel(ctx, via, dest, port)
	if err != nil {
		return nil, nil, err
	}
	db.Host, db.Port = "127.0.0.1", tun.port
	db.Source += fmt.Sprintf(", through an ssh tunnel via %s to %s", via, net.JoinHostPort(dest, strconv.Itoa(port)))
	return db, tun.Close, nil
}

// DatabaseHost resolves the credentials on an app host and returns them
// as the tunnel's host reaches the database (database.host/port, else
// its loopback for a db role, else the URL's host as the app sees it):
// where `ctl db dump --remote` runs pg_dump.
func (t *Target) DatabaseHost(ctx context.Context) (*targets.DB, string, error) {
	host, err := t.pickHost(ctx, false)
	if err != nil {
		return nil, "", err
	}
	t.chosen = host
	t.markRan(host)
	db, err := t.credentials(ctx, host)
	if err != nil {
		return nil, "", err
	}
	if db.Engine != "postgres" {
		return nil, "", fmt.Errorf("environment %q: the app uses %s, not PostgreSQL", t.env.Name, db.Engine)
	}
	via, dest, port := t.tunnelPlan(host, db)
	db.Host, db.Port = dest, port
	db.Source += fmt.Sprintf(", pg_dump run on %s against %s", via, net.JoinHostPort(dest, strconv.Itoa(port)))
	return db, via, nil
}

// tunnelPlan: through the first db host to database.host (default its
// own loopback), else through the app host to the URL's host as the app
// sees it. database.port overrides the URL's port.
func (t *Target) tunnelPlan(appHost string, db *targets.DB) (via, dest string, port int) {
	via, dest, port = appHost, db.Host, db.Port
	if dbs := t.roles[DBRole]; len(dbs) > 0 && t.deps.Opts.Host == "" {
		via, dest = dbs[0], "127.0.0.1"
	}
	if strings.HasPrefix(dest, "/") || dest == "" { // a socket directory: the server is local to that host
		dest = "127.0.0.1"
	}
	if t.env.Database.Host != "" {
		dest = t.env.Database.Host
	}
	if t.env.Database.Port != 0 {
		port = t.env.Database.Port
	}
	if port == 0 {
		port = 5432
	}
	return via, dest, port
}

func (t *Target) credentials(ctx context.Context, host string) (*targets.DB, error) {
	d := t.env.Database
	switch {
	case d.URLFrom != "":
		raw, where, err := t.readRemoteURL(ctx, host)
		if err != nil {
			return nil, err
		}
		db, err := targets.ParseDatabaseURL(raw, "")
		if err != nil {
			return nil, fmt.Errorf("environment %q: the URL in %s: %w", t.env.Name, where, err)
		}
		db.Source = where
		return db, nil
	case d.URL != "":
		db, err := targets.ParseDatabaseURL(d.URL, "")
		if err != nil {
			return nil, fmt.Errorf("environment %q: database.url: %w", t.env.Name, err)
		}
		db.Source = "database.url in the configuration"
		return db, nil
	}
	// Ask Django, as manage.py dbshell would.
	manage, _ := t.ManageArgv(ctx)
	script := t.asApp(t.appScript(append(manage, "shell", "-c", targets.DjangoProbe)), false)
	out, errs, code, err := t.output(ctx, host, script)
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, exitcode.WithHint(fmt.Errorf("environment %q: asking Django on %s for the database failed (exit %d): %s", t.env.Name, host, code, targets.LastLine(errs)),
			"set database.url_from to the env file holding DATABASE_URL (e.g. /etc/myapp/env)")
	}
	return targets.ParseDjangoProbe(string(out), func(p string) string { return p }, "Django's DATABASES on "+host)
}

// readRemoteURL reads the URL variable from the remote env file or
// systemd unit (remoteEnv). The content stays in memory.
func (t *Target) readRemoteURL(ctx context.Context, host string) (string, string, error) {
	key := t.env.Database.URLEnv
	if key == "" {
		key = "DATABASE_URL"
	}
	vars, desc, err := t.remoteEnv(ctx, host)
	if err != nil {
		return "", "", err
	}
	value := vars[key]
	if value == "" {
		return "", "", exitcode.WithHint(fmt.Errorf("environment %q: %s on %s sets no %s", t.env.Name, t.env.Database.URLFrom, host, key),
			"point database.url_from at the file the app reads its environment from, or set database.url_env")
	}
	return value, key + " in " + desc, nil
}

// remoteEnv reads database.url_from on host — an env file (parsed as the
// app's shell reads it) or the Environment of a systemd unit — into
// memory; desc names it (never a value). Errors name lines, never their
// content.
func (t *Target) remoteEnv(ctx context.Context, host string) (map[string]string, string, error) {
	from := t.env.Database.URLFrom
	unit, isU := isUnit(from)
	var script, desc string
	if isU {
		desc = fmt.Sprintf("the Environment of systemd unit %s on %s", unit, host)
		script = "exec systemctl show --property=Environment --value -- " + quote(unit)
	} else {
		desc = fmt.Sprintf("%s:%s", host, from)
		script = t.readFileScript(from, 66)
	}
	out, errs, code, err := t.output(ctx, host, script)
	if err != nil {
		return nil, "", err
	}
	if code == 255 {
		return nil, "", fmt.Errorf("environment %q: ssh to %s failed: %s", t.env.Name, host, targets.LastLine(errs))
	}
	if code != 0 {
		return nil, "", exitcode.WithHint(fmt.Errorf("environment %q: cannot read %s on %s: %s", t.env.Name, from, host, targets.LastLine(errs)),
			"check database.url_from, and that the ssh user (or sudo_user) may read it")
	}
	defer clear(out)
	vars := map[string]string{}
	if isU {
		for _, kv := range splitSystemdEnv(string(out)) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				vars[k] = v // the last assignment wins, as in systemd
			}
		}
		return vars, desc, nil
	}
	parsed, perr := dotenv.Parse(from, out)
	if perr != nil {
		var pe *dotenv.ParseError
		if errors.As(perr, &pe) { // the message names the line, never its content
			return nil, "", fmt.Errorf("environment %q: %s on %s: line %d: %s", t.env.Name, from, host, pe.Line, pe.Msg)
		}
		return nil, "", fmt.Errorf("environment %q: reading %s on %s: %w", t.env.Name, from, host, perr)
	}
	for _, v := range parsed { // the last assignment wins, as in the shell (dotenv.Lookup)
		vars[v.Key] = v.Value
	}
	return vars, desc, nil
}

// splitSystemdEnv splits `systemctl show -p Environment --value` output:
// space-separated assignments, double-quoted when they hold spaces.
func splitSystemdEnv(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && inQ && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQ, have = !inQ, true
		case (c == ' ' || c == '\n' || c == '\t') && !inQ:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// tunnel is one `ssh -N -L` process.
type tunnel struct {
	cmd  *exec.Cmd
	port int
	done chan struct{}
	errb *limitedBuffer
}

// openTunnel starts ssh -N -L 127.0.0.1:PORT:dest:port via host on a
// connection of its own (not the shared master: the forward must die
// with the process), in its own process group (the terminal's Ctrl-C is
// psql's) and, on Linux, killed when ctl dies.
func (t *Target) openTunnel(ctx context.Context, via, dest string, port int) (*tunnel, error) {
	local, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("finding a free local port: %w", err)
	}
	d := dest
	if strings.Contains(d, ":") {
		d = "[" + d + "]"
	}
	spec := fmt.Sprintf("127.0.0.1:%d:%s:%d", local, d, port)
	args := append(t.connArgs(via, true, false),
		"-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "ExitOnForwardFailure=yes",
		"-N", "-T", "-n", "-L", spec, "--", destination(via))
	tun := &tunnel{port: local, done: make(chan struct{}), errb: &limitedBuffer{}}
	tun.cmd = exec.Command(t.ssh, args...)
	tun.cmd.Env = t.deps.Environ()
	tun.cmd.Stderr = tun.errb
	tun.cmd.SysProcAttr = tunnelProcAttr()
	if err := tun.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting ssh: %w", err)
	}
	go func() { _ = tun.cmd.Wait(); close(tun.done) }()

	deadline := time.Now().Add(t.deps.ConnectTimeout + 5*time.Second)
	addr := "127.0.0.1:" + strconv.Itoa(local)
	for {
		select {
		case <-tun.done:
			return nil, exitcode.WithHint(fmt.Errorf("environment %q: the ssh tunnel via %s to %s:%d failed: %s", t.env.Name, via, dest, port,
				targets.LastLine(string(tun.errb.b))), "try `ssh "+destination(via)+" true`; check database.host/port and the db role")
		case <-ctx.Done():
			_ = tun.Close()
			return nil, ctx.Err()
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return tun, nil
		}
		if time.Now().After(deadline) {
			_ = tun.Close()
			return nil, fmt.Errorf("environment %q: the ssh tunnel via %s did not open in time", t.env.Name, via)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// Close ends the tunnel and waits for the process.
func (tun *tunnel) Close() error {
	select {
	case <-tun.done:
		return nil
	default:
	}
	_ = tun.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-tun.done:
	case <-time.After(3 * time.Second):
		_ = tun.cmd.Process.Kill()
		<-tun.done
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// privateDir checks dir is a directory owned by us with mode 0700.
func privateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if ownedByOther(st) {
		return fmt.Errorf("%s belongs to another user", dir)
	}
	if st.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}
