// Package config implements `ctl config`: an environment's variables with
// where each comes from, redacted by default (view, get), and changed
// where they are defined (set, unset, edit).
package config

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/targets"
)

// ViewFields are the fields of `ctl config ENV --json`.
var ViewFields = []string{"env", "where", "vars"}

// common are the inputs every config subcommand shares.
type common struct {
	IO       *iostreams.IOStreams
	F        *cmdutil.Factory
	Target   func(context.Context, string, targets.Options) (targets.Target, error)
	Env      string
	Where    targets.Options
	Yes      bool
	Exporter cmdutil.Exporter
	Now      func() time.Time
}

func newCommon(f *cmdutil.Factory) common {
	return common{IO: f.IOStreams, F: f, Target: f.Target, Now: time.Now}
}

// ViewOptions are the inputs of `ctl config ENV [COMPONENT]`.
type ViewOptions struct {
	common
}

// NewCmdConfig builds `ctl config` and its subcommands.
func NewCmdConfig(f *cmdutil.Factory, runF func(context.Context, *ViewOptions) error) *cobra.Command {
	opts := &ViewOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "config <env> [<component>]",
		Short: "Show an environment's variables and where each is defined",
		Long: `List every environment variable the app process gets, with where it
comes from: a literal in the pod spec, a Secret or ConfigMap key (env or
envFrom), a pod field, the SSH hosts' env file, the local .env.

Values are redacted: each shows its length and the first 8 hex digits
of its SHA-256, enough to tell two values apart without showing either.
Use ctl config get --reveal to see one. A source managed elsewhere (an
ExternalSecret, a SealedSecret, Helm, Argo CD, an owner) is marked:
ctl refuses to change it, since the change would be reverted.

See docs/config.md.`,
		Example: `  $ ctl config qa
  $ ctl config qa worker --json
  $ ctl config get qa SECRET_KEY --reveal
  $ ctl config set qa DEBUG=false
  $ ctl config edit staging`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env = args[0]
			if len(args) == 2 {
				if opts.Where.Component != "" && opts.Where.Component != args[1] {
					return exitcode.Usagef("component %q and --component %q contradict each other", args[1], opts.Where.Component)
				}
				opts.Where.Component = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunView(cmd.Context(), opts)
		},
	}
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, ViewFields)
	cmd.AddCommand(NewCmdGet(f, nil), NewCmdSet(f, nil), NewCmdUnset(f, nil), NewCmdEdit(f, nil))
	return cmd
}

// resolve builds the target and reads its environment.
func (c *common) resolve(ctx context.Context) (targets.Target, *targets.Environ, error) {
	t, err := c.Target(ctx, c.Env, c.Where)
	if err != nil {
		return nil, nil, err
	}
	if comp := c.Where.Component; comp != "" {
		switch t.Env().Target {
		case config.TargetSSH: // a component of an ssh environment is a role, as in ctl logs
			if c.Where.Role != "" && c.Where.Role != comp {
				return nil, nil, exitcode.Usagef("component %q and --role %q contradict each other", comp, c.Where.Role)
			}
			c.Where.Role, c.Where.Component = comp, ""
			if t, err = c.Target(ctx, c.Env, c.Where); err != nil {
				return nil, nil, err
			}
		case config.TargetLocal:
			return nil, nil, exitcode.Usagef("environment %q is local: it has no components", c.Env)
		}
	}
	if err := cmdutil.CheckHostFlags(t, c.Where); err != nil {
		return nil, nil, err
	}
	r, ok := t.(targets.AppEnvReader)
	if !ok {
		return nil, nil, exitcode.Invalidf("environment %q (target %s) cannot tell the app's environment", c.Env, t.Env().Target)
	}
	env, err := r.AppEnv(ctx)
	if err != nil {
		return nil, nil, err
	}
	return t, env, nil
}

// jsonVar is one variable of `ctl config --json`: never its value unless
// revealed (get --reveal).
type jsonVar struct {
	Name      string            `json:"name"`
	Known     bool              `json:"known"`
	Length    *int              `json:"length"`
	SHA256    string            `json:"sha256,omitempty"`
	Value     *string           `json:"value,omitempty"`
	Source    targets.EnvSource `json:"source"`
	Where     string            `json:"where"`
	ManagedBy string            `json:"managedBy,omitempty"`
}

func toJSON(v targets.EnvVar, reveal bool) jsonVar {
	j := jsonVar{Name: v.Name, Known: v.Known, Source: v.Source, Where: v.Source.String(), ManagedBy: v.Source.ManagedBy}
	if v.Known || v.Value != "" {
		n := utf8.RuneCountInString(v.Value)
		j.Length, j.SHA256 = &n, targets.ValueHash(v.Value)
	}
	if reveal {
		val := v.Value
		j.Value = &val
	}
	return j
}

// RunView lists the variables.
func RunView(ctx context.Context, opts *ViewOptions) error {
	_, env, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	defer env.Clear()
	if opts.Exporter.Enabled() {
		vars := make([]jsonVar, 0, len(env.Vars))
		for _, v := range env.Vars {
			vars = append(vars, toJSON(v, false))
		}
		doc := opts.Exporter.Filter(map[string]any{"env": opts.Env, "where": env.Where, "vars": vars})
		doc["schemaVersion"] = cmdutil.SchemaVersion
		return opts.Exporter.Write(opts.IO.Out, doc)
	}
	cs := opts.IO.ColorScheme()
	if opts.IO.IsStdoutTTY() {
		fmt.Fprintf(opts.IO.Out, "%s %s\n\n", cs.Bold(opts.Env), cs.Muted(env.Where))
	}
	if len(env.Vars) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no variables")
		return nil
	}
	var tp tableprinter.Table
	for _, v := range env.Vars {
		val := targets.Redacted(v.Value)
		switch {
		case v.Source.Kind == targets.SourceField:
			val = "(set in the pod)"
		case !v.Known && v.Value == "":
			val = "(unknown)"
		case !v.Known:
			val = fmt.Sprintf("‹%d bytes, not text, sha256:%s›", len(v.Value), targets.ValueHash(v.Value))
		}
		managed := ""
		if m := v.Source.ManagedBy; m != "" {
			managed = cs.Yellow("managed by " + m)
		}
		tp.AddRow(cs.Bold(v.Name), val, cs.Muted(v.Source.String()), managed)
	}
	return tp.Render(opts.IO.Out)
}
