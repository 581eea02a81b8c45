// Package show implements `ctl env show NAME`.
package show

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl env show`.
type Options struct {
	IO       *iostreams.IOStreams
	Config   func() (*config.Config, error)
	Target   func(context.Context, string, targets.Options) (targets.Target, error)
	Name     string
	Exporter cmdutil.Exporter
}

// Fields are the JSON fields of the document.
var Fields = []string{"name", "target", "declared", "values", "problems"}

// NewCmdShow builds the command; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Target: f.Target}
	cmd := &cobra.Command{
		Use:   "show <name>",
		Short: "Show an environment as resolved, each value with where it came from",
		Example: `  $ ctl env show local
  $ ctl env show prod --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("expected one environment name (see `ctl env list`)")
			}
			return nil
		},
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

// Value is one resolved key.
type Value struct {
	Key    string        `json:"key"`
	Value  string        `json:"value"`
	Origin config.Origin `json:"origin"`
}

// Resolve lists the environment's values: every key set in configuration,
// and for drivable targets what the target resolved (project dir,
// python...). A target that fails to resolve is reported as a problem,
// not an error: showing what is wrong is this command's job.
func Resolve(ctx context.Context, opts *Options) (*config.Environment, []Value, []string, error) {
	cfg, err := opts.Config()
	if err != nil {
		return nil, nil, nil, err
	}
	env, err := targets.Lookup(cfg, opts.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	byKey := map[string]Value{}
	var order []string
	add := func(v Value) {
		if _, ok := byKey[v.Key]; !ok {
			order = append(order, v.Key)
		}
		byKey[v.Key] = v
	}
	for _, f := range config.Fields() {
		if v, ok := env.Value(f.Key); ok {
			add(Value{Key: f.Key, Value: format(f.Key, v), Origin: env.Origins[f.Key]})
		}
	}
	problems := []string{}
	t, err := opts.Target(ctx, opts.Name, targets.Options{})
	switch {
	case err == nil:
		for _, s := range t.Settings() {
			add(Value{Key: s.Key, Value: s.Value, Origin: s.Origin})
		}
	default:
		problems = append(problems, err.Error())
	}
	values := make([]Value, 0, len(order))
	for _, k := range order {
		values = append(values, byKey[k])
	}
	return env, values, problems, nil
}

// format renders a config value; database URLs lose their password.
func format(key string, v any) string {
	switch x := v.(type) {
	case string:
		if key == "database.url" {
			return Redact(x)
		}
		return x
	case bool:
		return fmt.Sprint(x)
	case int:
		return fmt.Sprint(x)
	case []string:
		return strings.Join(x, ", ")
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + x[k]
		}
		return strings.Join(parts, "; ")
	case map[string][]string:
		keys := cmdutil.SortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + strings.Join(x[k], ", ")
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

// Redact hides the password of a URL.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "(unparseable URL, hidden)"
		}
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Run prints the environment.
func Run(ctx context.Context, opts *Options) error {
	env, values, problems, err := Resolve(ctx, opts)
	if err != nil {
		return err
	}
	if opts.Exporter.Enabled() {
		doc := opts.Exporter.Filter(map[string]any{
			"name": env.Name, "target": env.Target, "declared": env.Origin, "values": values, "problems": problems,
		})
		doc["schemaVersion"] = cmdutil.SchemaVersion
		return opts.Exporter.Write(opts.IO.Out, doc)
	}
	out := opts.IO.Out
	if !opts.IO.IsStdoutTTY() {
		for _, v := range values {
			fmt.Fprintf(out, "%s\t%s\t%s\n", v.Key, v.Value, v.Origin)
		}
		for _, p := range problems {
			fmt.Fprintf(opts.IO.ErrOut, "problem: %s\n", p)
		}
		return nil
	}
	cs := opts.IO.ColorScheme()
	title := cs.Bold(env.Name) + "  " + env.Target
	if env.Protected {
		title += "  " + cs.Red("protected")
	}
	fmt.Fprintf(out, "%s  %s\n\n", title, cs.Muted("declared by "+env.Origin.String()))
	var tb tableprinter.Table
	tb.AddRow(cs.Bold("KEY"), cs.Bold("VALUE"), cs.Bold("FROM"))
	for _, v := range values {
		tb.AddRow(v.Key, v.Value, cs.Muted(v.Origin.String()))
	}
	if err := tb.Render(out); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(out, "\n%s %s\n", cs.FailureIcon(), p)
	}
	return nil
}
