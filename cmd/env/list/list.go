// Package list implements `ctl env list`.
package list

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/targets/local"
)

// Options are the inputs of `ctl env list`.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	// Discover lists the namespaces of a `discover:` pattern.
	Discover func(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error)
	Cwd      func() (string, error)
	Exporter cmdutil.Exporter
}

// Fields are the JSON fields of one environment.
var Fields = []string{"name", "target", "location", "protected", "description", "source"}

// NewCmdList builds the command; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Cwd: f.Cwd, Discover: f.Discover}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the environments",
		Example: `  $ ctl env list
  $ ctl env list --json
  $ ctl env list --json=name,target --template '{{range .environments}}{{.name}} {{end}}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

// Row is one environment as listed.
type Row struct {
	Name, Target, Location, Description string
	Protected                           bool
	Source                              config.Origin
}

// Rows computes the listing without touching the network.
func Rows(cfg *config.Config, cwd string) []Row {
	rows := make([]Row, 0, len(cfg.Environments))
	for _, e := range cfg.Environments {
		rows = append(rows, Row{
			Name: e.Name, Target: e.Target, Location: Location(e, cwd, cfg.TeamFile),
			Description: e.Description, Protected: e.Protected, Source: e.Origin,
		})
	}
	return rows
}

// Location summarises where an environment lives.
func Location(e *config.Environment, cwd, teamFile string) string {
	switch e.Target {
	case config.TargetLocal:
		if e.Dir != "" {
			return e.Dir
		}
		if d, _ := local.DetectProject(cwd, teamFile); d != "" {
			return d
		}
		return "(no manage.py found)"
	case config.TargetKubernetes:
		ctx := e.Context
		if ctx == "" {
			ctx = "(current context)"
		}
		ns := e.Namespace
		if ns == "" {
			ns = "(default namespace)"
		}
		return ctx + "/" + strings.ReplaceAll(ns, "{env}", e.Name)
	case config.TargetSSH:
		hosts := append([]string{}, e.Hosts...)
		for _, r := range cmdutil.SortedKeys(e.Roles) {
			hosts = append(hosts, e.Roles[r]...)
		}
		loc := strings.Join(hosts, ",")
		if e.User != "" {
			loc = e.User + "@" + loc
		}
		return loc
	}
	return ""
}

// discoveredRows lists the environments of `discover:` patterns (network:
// only when the configuration has such patterns). A pattern that cannot
// be listed is a warning, not a failure of the listing.
func discoveredRows(ctx context.Context, opts *Options, cfg *config.Config) ([]Row, error) {
	var rows []Row
	seen := map[string]bool{}
	for _, n := range cfg.Names() {
		seen[n] = true
	}
	for _, d := range cfg.Discover {
		names, err := opts.Discover(ctx, d, 5*time.Second)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: discover pattern at %s: %v\n", d.Origin, err)
			continue
		}
		for _, ns := range names {
			e := cfg.Discovered(d, ns)
			if seen[e.Name] {
				continue
			}
			seen[e.Name] = true
			rows = append(rows, Row{Name: e.Name, Target: e.Target, Location: Location(e, "", ""), Protected: e.Protected, Source: e.Origin})
		}
	}
	return rows, nil
}

// Run prints the listing.
func Run(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	cwd, err := opts.Cwd()
	if err != nil {
		return err
	}
	rows := Rows(cfg, cwd)
	drows, err := discoveredRows(ctx, opts, cfg)
	if err != nil {
		return err
	}
	rows = append(rows, drows...)
	if opts.Exporter.Enabled() {
		envs := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			envs = append(envs, opts.Exporter.Filter(map[string]any{
				"name": r.Name, "target": r.Target, "location": r.Location,
				"protected": r.Protected, "description": r.Description, "source": r.Source,
			}))
		}
		return opts.Exporter.Write(opts.IO.Out, map[string]any{"schemaVersion": cmdutil.SchemaVersion, "environments": envs})
	}
	out := opts.IO.Out
	if !opts.IO.IsStdoutTTY() {
		for _, r := range rows {
			fmt.Fprintf(out, "%s\t%s\t%s\t%t\t%s\n", r.Name, r.Target, r.Location, r.Protected, r.Description)
		}
		return nil
	}
	cs := opts.IO.ColorScheme()
	var tb tableprinter.Table
	tb.AddRow(cs.Bold("NAME"), cs.Bold("TARGET"), cs.Bold("WHERE"), cs.Bold("DESCRIPTION"))
	for _, r := range rows {
		name := r.Name
		if r.Protected {
			name += " " + cs.Red("(protected)")
		}
		tb.AddRow(name, r.Target, cs.Muted(r.Location), r.Description)
	}
	if err := tb.Render(out); err != nil {
		return err
	}
	src := "no ctl.yaml found: only the embedded local environment"
	if cfg.TeamFile != "" {
		src = "from " + cfg.TeamFile
	}
	if cfg.PersonalFile != "" {
		src += " + " + cfg.PersonalFile
	}
	fmt.Fprintln(opts.IO.ErrOut, cs.Muted(src))
	return nil
}
