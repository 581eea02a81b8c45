// Package status implements `ctl status`: every environment side by side,
// live (a full-screen view on a terminal, a table, JSON or a stream of
// JSON lines otherwise).
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/status"
	"github.com/ctlops/ctl/status/kubewatch"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
	tuistatus "github.com/ctlops/ctl/tui/status"
)

// Options are the inputs of `ctl status`.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Target func(context.Context, string, targets.Options) (targets.Target, error)
	// Kube is a kubeconfig context's connection; Discover lists a
	// `discover:` pattern's namespaces.
	Kube     func(ctx context.Context, kubeContext string) (*kube.Connection, error)
	Discover func(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error)
	// Executable is the ctl binary the TUI runs for s/p/d.
	Executable func() (string, error)
	Now        func() time.Time

	// TraceFile (CTL_STATUS_TRACE) receives the view's trace lines.
	TraceFile string

	Envs     []string
	Watch    bool
	Timeout  time.Duration
	Exporter cmdutil.Exporter
}

// Fields are the JSON fields of one environment.
var Fields = []string{"name", "target", "where", "protected", "health", "note", "version", "components", "restarts",
	"rolloutAt", "rolloutInProgress", "migration", "lastWarning", "pods", "events", "local", "reachable", "context", "namespace"}

// NewCmdStatus builds the command; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Target: f.Target, Kube: f.Kube, Discover: f.Discover, Executable: os.Executable, Now: time.Now}
	if f.Getenv != nil {
		opts.TraceFile = f.Getenv("CTL_STATUS_TRACE")
	}
	cmd := &cobra.Command{
		Use:   "status [<env>...]",
		Short: "Show every environment live: version, health, rollouts, migrations",
		Long: `Show what runs where, whether it is healthy and whether migrations ran, for
all environments side by side (or the named ones), updated live from the
clusters' watches.

On a terminal this is a full-screen view drawn on stderr: arrows or j/k to
move, enter for the detail (pods, events, the migration Job's log), / to
filter, s/p/d for a shell, Django shell or database shell in the selected
environment, r to refresh, ? for help, q to quit.

Off a terminal it prints the rows as a table once; --json prints them as
JSON; --watch streams a JSON line per change until interrupted.`,
		Example: `  $ ctl status
  $ ctl status qa prod
  $ ctl status --json=name,version,health
  $ ctl status --watch | jq -c 'select(.type=="env") | {name: .env.name, health: .env.health}'`,
		GroupID: "envs",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Envs = args
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Watch, "watch", "w", false, "Stream changes as JSON lines (one per changed environment) until interrupted")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 30*time.Second, "How long to wait for the first complete picture off a terminal")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

// Run shows the status.
func Run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	envs, err := selectEnvs(ctx, cfg, opts.Envs, opts.Discover, opts.IO)
	if err != nil {
		return err
	}
	hub, logs := Build(ctx, cfg, envs, opts.Target, opts.Kube, opts.Now)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hub.Errors = func(p string, err error) {
		hub.SetConn(status.Conn{Name: p, Stale: true, Err: err.Error()})
	}
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	defer func() { cancel(); <-done }()

	switch {
	case opts.Watch:
		return streamJSON(ctx, opts, hub)
	case opts.Exporter.Enabled():
		snap, err := firstComplete(ctx, hub, opts.Timeout)
		if err != nil {
			return err
		}
		return opts.Exporter.Write(opts.IO.Out, document(&snap, &opts.Exporter))
	case opts.IO.IsStdoutTTY() && opts.IO.IsStderrTTY() && opts.IO.IsStdinTTY():
		var trace io.Writer
		if opts.TraceFile != "" {
			f, err := os.OpenFile(opts.TraceFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
			if err != nil {
				return err
			}
			defer f.Close()
			trace = f
		}
		return tuistatus.Run(ctx, tuistatus.Options{Trace: trace,
			Updates: hub.Updates(), Refresh: hub.Refresh, Logs: logs,
			In: opts.IO.In, Out: opts.IO.ErrOut, Executable: opts.Executable, Now: opts.Now,
		})
	}
	snap, err := firstComplete(ctx, hub, opts.Timeout)
	if err != nil {
		return err
	}
	return writeTable(opts.IO, &snap, opts.Now())
}

// selectEnvs: the named environments (discovered names resolved through
// the patterns), or every configured and discovered one.
func selectEnvs(ctx context.Context, cfg *config.Config, names []string,
	discover func(context.Context, config.Discovery, time.Duration) ([]string, error), ios *iostreams.IOStreams) ([]*config.Environment, error) {
	all := append([]*config.Environment{}, cfg.Environments...)
	seen := map[string]bool{}
	for _, e := range all {
		seen[e.Name] = true
	}
	for _, d := range cfg.Discover {
		nss, err := discover(ctx, d, 10*time.Second)
		if err != nil {
			fmt.Fprintf(ios.ErrOut, "warning: discover pattern at %s: %v\n", d.Origin, err)
			continue
		}
		for _, ns := range nss {
			e := cfg.Discovered(d, ns)
			if !seen[e.Name] {
				seen[e.Name] = true
				all = append(all, e)
			}
		}
	}
	if len(names) == 0 {
		return all, nil
	}
	var out []*config.Environment
	for _, n := range names {
		var found *config.Environment
		for _, e := range all {
			if e.Name == n {
				found = e
			}
		}
		if found == nil {
			known := make([]string, 0, len(all))
			for _, e := range all {
				known = append(known, e.Name)
			}
			return nil, &targets.UnknownEnvError{Name: n, Known: known}
		}
		out = append(out, found)
	}
	return out, nil
}

// Build wires the providers: one informer-backed watcher per kubeconfig
// context, one prober for local and SSH environments.
func Build(ctx context.Context, cfg *config.Config, envs []*config.Environment,
	target func(context.Context, string, targets.Options) (targets.Target, error),
	conn func(context.Context, string) (*kube.Connection, error), now func() time.Time) (*status.Hub, tuistatus.LogsFunc) {
	var base []status.Env
	byCtx := map[string][]*config.Environment{}
	var probed []*config.Environment
	for _, e := range envs {
		base = append(base, status.Base(e, ""))
		switch e.Target {
		case config.TargetKubernetes:
			byCtx[e.Context] = append(byCtx[e.Context], e)
		default:
			probed = append(probed, e)
		}
	}
	var providers []status.Provider
	watchers := map[string]*kubewatch.Watcher{}
	var broken []status.Env
	for _, ctxName := range cmdutil.SortedKeys(byCtx) {
		es := byCtx[ctxName]
		cl, err := conn(ctx, ctxName)
		var w *kubewatch.Watcher
		if err == nil {
			specs := make([]kubewatch.EnvSpec, 0, len(es))
			for _, e := range es {
				specs = append(specs, kubewatch.EnvSpec{Name: e.Name, Namespace: kube.EnvNamespace(e.Namespace, e.Name, cl.Namespace), Protected: e.Protected, Components: e.Components})
			}
			w, err = kubewatch.New(kubewatch.Options{Conn: cl, App: cfg.App, Envs: specs, Now: now})
		}
		if err != nil {
			for _, e := range es {
				row := status.Base(e, e.Context)
				row.Note = firstLine(err.Error())
				broken = append(broken, row)
			}
			continue
		}
		for _, e := range es {
			watchers[e.Name] = w
		}
		providers = append(providers, w)
	}
	if len(probed) > 0 {
		providers = append(providers, &status.Probes{Envs: probed, Now: now,
			Target: func(ctx context.Context, name string) (targets.Target, error) {
				return target(ctx, name, targets.Options{})
			}})
	}
	hub := status.NewHub(base, providers...)
	hub.Now = now
	if len(broken) > 0 {
		hub.Put(broken...)
	}
	logs := func(ctx context.Context, e *status.Env, lines int64) (string, error) {
		w := watchers[e.Name]
		if w == nil || e.Migration == nil || len(e.Migration.Pods) == 0 {
			return "", errors.New("no migration Job pod")
		}
		return w.Logs(ctx, e.Namespace, e.Migration.Pods[0], lines)
	}
	return hub, logs
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// firstComplete waits for a snapshot in which every provider has synced.
func firstComplete(ctx context.Context, hub *status.Hub, timeout time.Duration) (status.Snapshot, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	var last status.Snapshot
	for {
		select {
		case <-ctx.Done():
			return last, exitcode.CancelError
		case <-t.C:
			if c, ok := last.Stale(); ok {
				return last, exitcode.WithHint(&exitcode.ExitError{Code: cmdutil.ExitTimeout},
					fmt.Sprintf("no complete picture after %s: %s: %s", timeout, c.Name, c.Err))
			}
			return last, &exitcode.ExitError{Code: cmdutil.ExitTimeout}
		case s := <-hub.Updates():
			last = s
			if s.Synced {
				return s, nil
			}
		}
	}
}

func document(s *status.Snapshot, e *cmdutil.Exporter) map[string]any {
	envs := make([]map[string]any, 0, len(s.Envs))
	for i := range s.Envs {
		envs = append(envs, e.Filter(toMap(&s.Envs[i])))
	}
	doc := map[string]any{"schemaVersion": status.SchemaVersion, "generatedAt": s.Updated.UTC().Format(time.RFC3339), "environments": envs}
	if len(s.Conns) > 0 {
		doc["connections"] = s.Conns
	}
	return doc
}

func toMap(e *status.Env) map[string]any {
	b, _ := json.Marshal(e)
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	return m
}

// Line is one line of --watch output.
type Line struct {
	SchemaVersion int          `json:"schemaVersion"`
	Type          string       `json:"type"` // env | connection | synced
	Time          time.Time    `json:"time"`
	Env           *status.Env  `json:"env,omitempty"`
	Connection    *status.Conn `json:"connection,omitempty"`
}

// streamJSON prints every environment once the first complete picture is
// in, then a line for each environment or connection that changes.
func streamJSON(ctx context.Context, opts *Options, hub *status.Hub) error {
	enc := json.NewEncoder(opts.IO.Out)
	prev := map[string]string{}
	prevConn := map[string]status.Conn{}
	synced := false
	flush := func() {
		if f, ok := opts.IO.Out.(interface{ Sync() error }); ok {
			_ = f.Sync()
		}
	}
	for {
		var s status.Snapshot
		select {
		case <-ctx.Done():
			return nil
		case s = <-hub.Updates():
		}
		for i := range s.Conns {
			c := s.Conns[i]
			if p, ok := prevConn[c.Name]; ok && p == c || (!ok && !c.Stale) {
				prevConn[c.Name] = c
				continue
			}
			prevConn[c.Name] = c
			if err := enc.Encode(Line{SchemaVersion: status.SchemaVersion, Type: "connection", Time: s.Updated.UTC(), Connection: &c}); err != nil {
				return err
			}
		}
		if !s.Synced && !synced {
			continue
		}
		for i := range s.Envs {
			e := &s.Envs[i]
			b, _ := json.Marshal(e)
			if prev[e.Name] == string(b) {
				continue
			}
			prev[e.Name] = string(b)
			if err := enc.Encode(Line{SchemaVersion: status.SchemaVersion, Type: "env", Time: s.Updated.UTC(), Env: e}); err != nil {
				return ignorePipe(err)
			}
		}
		if !synced {
			synced = true
			if err := enc.Encode(Line{SchemaVersion: status.SchemaVersion, Type: "synced", Time: s.Updated.UTC()}); err != nil {
				return ignorePipe(err)
			}
		}
		flush()
	}
}

func ignorePipe(err error) error {
	if errors.Is(err, io.ErrClosedPipe) || strings.Contains(err.Error(), "broken pipe") {
		return nil
	}
	return err
}

func writeTable(ios *iostreams.IOStreams, s *status.Snapshot, now time.Time) error {
	out := ios.Out
	rows := make([][]string, 0, len(s.Envs))
	for i := range s.Envs {
		rows = append(rows, status.Cells(&s.Envs[i], now))
	}
	if !ios.IsStdoutTTY() {
		for i, r := range rows {
			fmt.Fprintf(out, "%s\t%s\n", strings.Join(r, "\t"), s.Envs[i].Health)
		}
		return nil
	}
	cs := ios.ColorScheme()
	var tb tableprinter.Table
	head := make([]string, 0, len(status.Columns)+1)
	for _, c := range status.Columns {
		head = append(head, cs.Bold(c))
	}
	tb.AddRow(head...)
	for i, r := range rows {
		switch s.Envs[i].Health {
		case status.HealthFail:
			r[0] = cs.Red(r[0])
		case status.HealthWarn:
			r[0] = cs.Yellow(r[0])
		case status.HealthOK:
			r[0] = cs.Green(r[0])
		}
		tb.AddRow(r...)
	}
	return tb.Render(out)
}
