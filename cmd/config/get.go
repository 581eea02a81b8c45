package config

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// GetFields are the fields of `ctl config get --json`.
var GetFields = []string{"env", "name", "known", "length", "sha256", "value", "source", "where", "managedBy"}

// GetOptions are the inputs of `ctl config get ENV KEY`.
type GetOptions struct {
	common
	Key    string
	Reveal bool
}

// NewCmdGet builds `ctl config get`.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "get <env> <key>",
		Short: "Show one variable: redacted, or its value with --reveal",
		Long: `Show one variable of the environment and where it is defined. Without
--reveal the value is redacted (length and SHA-256 prefix). With
--reveal the value is printed on stdout, alone on its line: the
production guard asks first on a protected environment, and the
session trail records that it was revealed (the key, never the value).`,
		Example: `  $ ctl config get qa DATABASE_URL
  $ ctl config get prod SECRET_KEY --reveal --yes | wc -c`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env, opts.Key = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunGet(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Reveal, "reveal", false, "Print the value itself (guarded on protected environments; recorded in the trail)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Confirm a protected environment without the typed confirmation")
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, GetFields)
	return cmd
}

// RunGet shows one variable.
func RunGet(ctx context.Context, opts *GetOptions) error {
	t, env, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	defer env.Clear()
	v, ok := env.Lookup(opts.Key)
	if !ok {
		return exitcode.WithHint(exitcode.Invalidf("%s is not set in environment %s (%s)", opts.Key, opts.Env, env.Where),
			"list the variables: ctl config "+opts.Env)
	}
	print := func() error {
		if opts.Exporter.Enabled() {
			j := toJSON(v, opts.Reveal)
			doc := opts.Exporter.Filter(map[string]any{"env": opts.Env, "name": j.Name, "known": j.Known, "length": j.Length,
				"sha256": j.SHA256, "value": j.Value, "source": j.Source, "where": j.Where, "managedBy": j.ManagedBy})
			doc["schemaVersion"] = cmdutil.SchemaVersion
			return opts.Exporter.Write(opts.IO.Out, doc)
		}
		if opts.Reveal {
			fmt.Fprintln(opts.IO.Out, v.Value)
			return nil
		}
		fmt.Fprintf(opts.IO.Out, "%s  %s  %s\n", v.Name, targets.Redacted(v.Value), v.Source)
		return nil
	}
	if !opts.Reveal {
		return print()
	}
	if !v.Known && v.Value == "" {
		return exitcode.Invalidf("%s: its value is not known outside the pod (%s)", opts.Key, v.Source)
	}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "config get --reveal", Command: []string{opts.Key, "sha256:" + targets.ValueHash(v.Value)}, Yes: opts.Yes, OwnCodes: true}
	return run.Guarded(ctx, print)
}
