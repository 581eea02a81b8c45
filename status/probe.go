package status

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// ProbeTimeout bounds each probe command (git, manage.py, a TCP connect).
var ProbeTimeout = 20 * time.Second

// Probes is a Provider for environments that are not watched but looked
// at: local ones (git describe, pending migrations, dev DB reachable) and
// SSH ones (host reachability). It probes at start and on Refresh.
type Probes struct {
	Envs []*config.Environment
	// Target resolves an environment (the command's factory).
	Target func(ctx context.Context, name string) (targets.Target, error)
	Now    func() time.Time
	// Dial connects to host:port (tests replace it).
	Dial func(ctx context.Context, addr string) error

	refresh chan struct{}
	once    sync.Once
}

func (p *Probes) init() {
	p.once.Do(func() {
		p.refresh = make(chan struct{}, 1)
		if p.Now == nil {
			p.Now = time.Now
		}
		if p.Dial == nil {
			p.Dial = dialTCP
		}
	})
}

// Name implements Provider.
func (p *Probes) Name() string { return "probes" }

// Refresh implements Provider.
func (p *Probes) Refresh() {
	p.init()
	select {
	case p.refresh <- struct{}{}:
	default:
	}
}

// Run implements Provider.
func (p *Probes) Run(ctx context.Context, sink Sink) error {
	p.init()
	for {
		var wg sync.WaitGroup
		for _, e := range p.Envs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sink.Put(p.Probe(ctx, e))
			}()
		}
		wg.Wait()
		sink.Synced(p.Name())
		select {
		case <-ctx.Done():
			return nil
		case <-p.refresh:
		}
	}
}

// Base is the row of an environment before anything is known.
func Base(e *config.Environment, where string) Env {
	return Env{Name: e.Name, Target: e.Target, Where: where, Protected: e.Protected, Health: HealthUnknown, Note: "loading…"}
}

// Probe looks at one environment.
func (p *Probes) Probe(ctx context.Context, e *config.Environment) Env {
	p.init()
	row := Base(e, "")
	row.Note = ""
	switch e.Target {
	case config.TargetLocal:
		p.probeLocal(ctx, e, &row)
	case config.TargetSSH:
		p.probeSSH(ctx, e, &row)
	default:
		row.Note = "no status probe for target " + e.Target
	}
	return row
}

func (p *Probes) probeLocal(ctx context.Context, e *config.Environment, row *Env) {
	t, err := p.Target(ctx, e.Name)
	if err != nil {
		row.Health, row.Note = HealthUnknown, firstLine(err.Error())
		return
	}
	l := &Local{}
	row.Local = l
	dt, ok := t.(targets.InProject)
	if !ok {
		row.Health, row.Note = HealthUnknown, "not a local project"
		return
	}
	l.Dir = dt.Dir()
	row.Where = l.Dir
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		l.Git = gitDescribe(ctx, l.Dir)
	}()
	go func() {
		defer wg.Done()
		argv, err := t.ManageArgv(ctx)
		if err != nil {
			l.MigrationsError = firstLine(err.Error())
			return
		}
		n, err := pendingMigrations(ctx, l.Dir, dt.Environ(nil), argv)
		if err != nil {
			l.MigrationsError = firstLine(err.Error())
			return
		}
		l.PendingMigrations = &n
	}()
	go func() {
		defer wg.Done()
		dctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		defer cancel()
		db, closeDB, err := t.Database(dctx)
		if err != nil {
			return
		}
		defer func() { _ = closeDB() }()
		ok := false
		if db.Engine == "sqlite" {
			_, serr := os.Stat(db.Name)
			ok, l.DB = serr == nil, db.Name
		} else {
			l.DB = db.Addr()
			ok = p.Dial(dctx, db.Addr()) == nil
		}
		l.DBReachable = &ok
	}()
	wg.Wait()
	row.Version = l.Git
	switch {
	case l.PendingMigrations == nil && l.MigrationsError != "":
		row.Health, row.Note = HealthWarn, l.MigrationsError
	case l.DBReachable != nil && !*l.DBReachable:
		row.Health = HealthFail
	case l.PendingMigrations != nil && *l.PendingMigrations > 0:
		row.Health = HealthWarn
	default:
		row.Health = HealthOK
	}
}

func (p *Probes) probeSSH(ctx context.Context, e *config.Environment, row *Env) {
	hosts := append([]string{}, e.Hosts...)
	for _, r := range sortedKeys(e.Roles) {
		hosts = append(hosts, e.Roles[r]...)
	}
	row.Where = strings.Join(hosts, ",")
	if e.User != "" {
		row.Where = e.User + "@" + row.Where
	}
	if len(hosts) == 0 {
		row.Health, row.Note = HealthUnknown, "no hosts configured"
		return
	}
	// The target knows ssh's view of a host (ssh_config aliases, ports).
	var resolver targets.AddrResolver
	if p.Target != nil {
		if t, err := p.Target(ctx, e.Name); err == nil {
			resolver, _ = t.(targets.AddrResolver)
		}
	}
	port := e.Port
	if port == 0 {
		port = 22
	}
	up := 0
	var down []string
	for _, h := range hosts {
		dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		var hp string
		direct := true
		if resolver != nil {
			if a, d, err := resolver.DialAddr(dctx, h); err == nil {
				hp, direct = a, d
			}
		}
		if i := strings.LastIndex(h, "@"); i >= 0 {
			h = h[i+1:]
		}
		if hp == "" {
			hp = net.JoinHostPort(h, strconv.Itoa(port))
			if _, _, err := net.SplitHostPort(h); err == nil {
				hp = h
			}
		}
		// Behind a jump host: not dialable from here; the revision
		// command (over ssh) tells.
		err := error(nil)
		if direct {
			err = p.Dial(dctx, hp)
		}
		cancel()
		if err == nil {
			up++
		} else {
			down = append(down, h)
		}
	}
	ok := len(down) == 0
	row.Reachable = &ok
	switch {
	case ok:
		row.Health, row.Note = HealthOK, "ssh: "+strconv.Itoa(up)+" host(s) reachable"
	case up > 0:
		row.Health, row.Note = HealthWarn, "ssh: unreachable: "+strings.Join(down, ", ")
	default:
		row.Health, row.Note = HealthFail, "ssh: unreachable: "+strings.Join(down, ", ")
		return
	}
	p.probeRevision(ctx, e, row)
}

// probeRevision runs the environment's revision command (bounded by
// ProbeTimeout); a failure leaves the version unknown and says why.
func (p *Probes) probeRevision(ctx context.Context, e *config.Environment, row *Env) {
	if p.Target == nil {
		return
	}
	t, err := p.Target(ctx, e.Name)
	if err != nil {
		row.RevisionError = firstLine(err.Error())
	} else if r, ok := t.(targets.Revisioner); ok {
		rctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		rev, _, err := r.Revision(rctx)
		if err != nil {
			if errors.Is(rctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
				err = &probeError{"revision command timed out after " + ProbeTimeout.String()}
			}
			row.RevisionError = firstLine(err.Error())
		}
		cancel()
		row.Version = rev
	} else {
		return
	}
	if row.RevisionError != "" {
		row.Note += "; revision: " + row.RevisionError
		if row.Health == HealthOK {
			row.Health = HealthWarn
		}
	}
}

func dialTCP(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

func gitDescribe(ctx context.Context, dir string) string {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "describe", "--always", "--dirty", "--tags")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func pendingMigrations(ctx context.Context, dir string, environ, manage []string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, manage[0], append(manage[1:], "showmigrations", "--plan")...)
	cmd.Dir = dir
	cmd.Env = environ
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := targets.LastLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return 0, &probeError{"showmigrations: " + msg}
	}
	return ParseShowMigrationsPlan(string(out)), nil
}

type probeError struct{ msg string }

func (e *probeError) Error() string { return e.msg }

// ParseShowMigrationsPlan counts the unapplied migrations ("[ ]  app.0001_x")
// in `manage.py showmigrations --plan` output.
func ParseShowMigrationsPlan(out string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "[ ]") {
			n++
		}
	}
	return n
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
