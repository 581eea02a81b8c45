package config

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	cfgpkg "github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells/envedit"
	"github.com/ctlops/ctl/targets"
)

// WriteFields are the fields of `ctl config set | unset | edit --json`.
var WriteFields = []string{"env", "changes", "warnings", "written", "merged", "consumers", "restarted"}

// WriteOptions are what set, unset and edit share.
type WriteOptions struct {
	common
	Force     bool
	Restart   bool
	Secret    string
	ConfigMap string
}

func addWriteFlags(cmd *cobra.Command, o *WriteOptions) {
	fl := cmd.Flags()
	fl.BoolVarP(&o.Yes, "yes", "y", false, "Write without asking (on a protected environment: instead of the typed confirmation)")
	fl.BoolVar(&o.Force, "force", false, "Write values the audit's rules warn about (DEBUG true, a short SECRET_KEY, * in ALLOWED_HOSTS) on a protected environment")
	fl.BoolVar(&o.Restart, "restart", false, "Restart the workloads that consume the changed keys afterwards (Kubernetes)")
	fl.StringVar(&o.Secret, "secret", "", "Put new keys in this Secret `name` (default: the Secret the app takes through envFrom)")
	fl.StringVar(&o.ConfigMap, "configmap", "", "Put new keys in this ConfigMap `name`")
	cmdutil.AddWhereFlags(cmd, &o.Where)
	cmdutil.AddHostFlags(cmd, &o.Where, false)
	cmdutil.AddJSONFlags(cmd, &o.Exporter, WriteFields)
}

// SetOptions are the inputs of `ctl config set` and `unset`.
type SetOptions struct {
	WriteOptions
	Set   map[string]string
	Unset []string
}

// NewCmdSet builds `ctl config set`.
func NewCmdSet(f *cmdutil.Factory, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{WriteOptions: WriteOptions{common: newCommon(f)}}
	cmd := &cobra.Command{
		Use:   "set <env> <key>=<value>...",
		Short: "Set variables where they are defined",
		Long: `Set variables in the Secret, ConfigMap or env file they come from. A new
key goes to the Secret the app already takes through envFrom (else its
ConfigMap), or --secret/--configmap NAME; on ssh and local environments
to the env file (env_file, default .env).

KEY=- reads the value from stdin (one value, the trailing newline
removed): a value on the command line stays in your shell's history and
is visible to other users in ps.

The changes are shown first, redacted (+KEY, ~KEY sha 1a2b3c4d→9f3c0e1d,
-KEY), and confirmed (--yes for scripts; the typed confirmation on a
protected environment). Kubernetes objects are updated with the
resourceVersion read at the start: a concurrent change to other keys is
merged, one to the same key refuses the write. On ssh environments the
env file is replaced atomically on every host, a backup kept as
FILE.ctl-backup. Pods keep their environment until restarted: the
workloads consuming the keys are listed, and --restart rolls them.`,
		Example: `  $ ctl config set qa DEBUG=false ALLOWED_HOSTS=qa.example.com
  $ printf %s "$NEW_KEY" | ctl config set qa SECRET_KEY=- --yes --restart
  $ ctl config set qa FEATURE_X=on --configmap myapp-flags`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env = args[0]
			opts.Set = map[string]string{}
			stdinUsed := false
			for i, a := range args[1:] {
				k, v, ok := strings.Cut(a, "=")
				switch {
				case !ok: // no value in it: safe to show
					return exitcode.Usagef("%q: expected KEY=VALUE (KEY=- reads the value from stdin)", a)
				case k == "": // the rest may be a secret: not shown
					return exitcode.Usagef("argument %d: no KEY before \"=\"; expected KEY=VALUE", i+2)
				}
				if _, dup := opts.Set[k]; dup {
					return exitcode.Usagef("%s is given twice", k)
				}
				if v == "-" {
					if stdinUsed {
						return exitcode.Usagef("only one KEY=- can read stdin")
					}
					stdinUsed = true
					val, err := readValue(opts.IO.In)
					if err != nil {
						return err
					}
					v = val
				}
				opts.Set[k] = v
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunSet(cmd.Context(), opts)
		},
	}
	addWriteFlags(cmd, &opts.WriteOptions)
	return cmd
}

// NewCmdUnset builds `ctl config unset`.
func NewCmdUnset(f *cmdutil.Factory, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{WriteOptions: WriteOptions{common: newCommon(f)}}
	cmd := &cobra.Command{
		Use:   "unset <env> <key>...",
		Short: "Remove variables from where they are defined",
		Long: `Remove keys from the Secret, ConfigMap or env file they come from, with
the same review, confirmation, concurrency and restart as ctl config set.`,
		Example:           `  $ ctl config unset qa OLD_FLAG --yes`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env, opts.Unset = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunSet(cmd.Context(), opts)
		},
	}
	addWriteFlags(cmd, &opts.WriteOptions)
	return cmd
}

func readValue(r io.Reader) (string, error) {
	if r == nil {
		return "", exitcode.Usagef("KEY=- reads stdin, and there is none")
	}
	b, err := io.ReadAll(bufio.NewReader(io.LimitReader(r, 1<<20)))
	if err != nil {
		return "", fmt.Errorf("reading the value from stdin: %w", err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// RunSet sets or unsets the keys.
func RunSet(ctx context.Context, opts *SetOptions) error {
	t, env, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	defer env.Clear()
	dflt, err := opts.destination(t, env)
	if err != nil {
		return err
	}
	changes, err := envedit.Plan(env, opts.Set, opts.Unset, dflt)
	if err != nil {
		return exitcode.Invalid(err)
	}
	verb := "config set"
	if len(opts.Set) == 0 {
		verb = "config unset"
	}
	return opts.write(ctx, t, env, verb, changes)
}

// destination is where new keys go.
func (o *WriteOptions) destination(t targets.Target, env *targets.Environ) (*envedit.Default, error) {
	kube := t.Env().Target == cfgpkg.TargetKubernetes
	switch {
	case o.Secret != "" && o.ConfigMap != "":
		return nil, exitcode.Usagef("--secret and --configmap contradict each other: pick one")
	case (o.Secret != "" || o.ConfigMap != "") && !kube:
		return nil, exitcode.Usagef("--secret and --configmap apply to kubernetes environments; %q has target %s", o.Env, t.Env().Target)
	case o.Secret != "":
		return &envedit.Default{Kind: targets.SourceSecret, Name: o.Secret}, nil
	case o.ConfigMap != "":
		return &envedit.Default{Kind: targets.SourceConfigMap, Name: o.ConfigMap}, nil
	}
	if d, ok := envedit.DefaultFor(env, kube); ok {
		return &d, nil
	}
	return nil, nil
}

type jsonChange struct {
	Key    string `json:"key"`
	Op     string `json:"op"` // add, change, delete
	OldSHA string `json:"oldSha256,omitempty"`
	NewSHA string `json:"newSha256,omitempty"`
	Where  string `json:"where"`
}

// write shows the changes, checks them, asks, writes, and lists (or
// restarts) the consumers. An *targets.EnvConflictError comes back as is
// (edit re-opens the editor on it).
func (o *WriteOptions) write(ctx context.Context, t targets.Target, env *targets.Environ, verb string, changes []targets.EnvChange) error {
	cs := o.IO.ColorScheme()
	e := t.Env()
	if len(changes) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "%s nothing to change in %s\n", cs.SuccessIcon(), e.Name)
		return o.writeJSON(changes, nil, nil, 0, nil, nil)
	}
	w, ok := t.(targets.EnvWriter)
	if !ok {
		return exitcode.Invalidf("environment %q (target %s): ctl cannot write its variables", e.Name, e.Target)
	}
	lines := envedit.DiffLines(changes)
	fmt.Fprintf(o.IO.ErrOut, "Changes to %s (%s):\n", cs.Bold(e.Name), env.Where)
	for _, l := range lines {
		color := cs.Yellow
		switch l[0] {
		case '+':
			color = cs.Green
		case '-':
			color = cs.Red
		}
		fmt.Fprintf(o.IO.ErrOut, "  %s\n", color(l))
	}
	warnings := envedit.CheckValues(changes)
	if cwd, err := o.F.Cwd(); err == nil {
		if aw, ok := auditWarnings(ctx, cwd, e.Settings, env, changes); ok {
			warnings = envedit.MergeWarnings(warnings, aw)
		}
	}
	for _, wn := range warnings {
		fmt.Fprintf(o.IO.ErrOut, "%s %s: %s (%s)\n", cs.WarningIcon(), wn.Key, wn.Msg, wn.ID)
	}
	if len(warnings) > 0 && e.Protected && !o.Force {
		return exitcode.WithHint(exitcode.Invalidf("environment %s is protected: refusing values the audit warns about; nothing was written", e.Name),
			"fix the values, or pass --force if this is really meant")
	}
	var res *targets.EnvWriteResult
	var consumers, restarted []string
	run := session.Run{IO: o.IO, F: o.F, Target: t, Verb: verb, Command: lines, Yes: o.Yes, OwnCodes: true}
	err := run.Guarded(ctx, func() error {
		if !e.Protected && !o.Yes {
			if !o.IO.CanPrompt() {
				return exitcode.WithHint(exitcode.Invalidf("refusing to change %s without a terminal to confirm; pass --yes", e.Name),
					"ctl shows the changes above; --yes confirms them in advance")
			}
			yes, err := o.F.Prompter().Confirm(fmt.Sprintf("Write %d change(s) to %s?", len(changes), e.Name), false)
			if err != nil {
				return err
			}
			if !yes {
				return exitcode.CancelError
			}
		}
		var err error
		res, err = w.WriteAppEnv(ctx, changes)
		if res != nil {
			for _, wr := range res.Written {
				fmt.Fprintf(o.IO.ErrOut, "%s wrote %s\n", cs.SuccessIcon(), wr)
			}
			if res.Retries > 0 {
				fmt.Fprintf(o.IO.ErrOut, "%s merged %d concurrent change(s) to other keys\n", cs.SuccessIcon(), res.Retries)
			}
		}
		if err != nil {
			return err
		}
		c, ok := t.(targets.EnvConsumers)
		if !ok {
			if e.Target == cfgpkg.TargetSSH || e.Target == cfgpkg.TargetLocal {
				fmt.Fprintln(o.IO.ErrOut, cs.Muted("  running processes keep their environment: restart the app to use the new values"))
			}
			return nil
		}
		consumers, err = c.Consumers(ctx, changes)
		if err != nil {
			return fmt.Errorf("written, but listing the workloads that use the keys failed: %w", err)
		}
		switch {
		case len(consumers) == 0:
			fmt.Fprintln(o.IO.ErrOut, cs.Muted("  no workload of the namespace consumes these keys"))
		case o.Restart:
			if err := c.RestartConsumers(ctx, consumers); err != nil {
				return fmt.Errorf("written, but %w", err)
			}
			restarted = consumers
			fmt.Fprintf(o.IO.ErrOut, "%s restarted %s\n", cs.SuccessIcon(), strings.Join(consumers, ", "))
		default:
			fmt.Fprintf(o.IO.ErrOut, "%s %s still run with the old values: restart them (ctl config ... --restart, or kubectl rollout restart %s)\n",
				cs.WarningIcon(), strings.Join(consumers, ", "), strings.Join(consumers, " "))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return o.writeJSON(changes, warnings, res.Written, res.Retries, consumers, restarted)
}

func (o *WriteOptions) writeJSON(changes []targets.EnvChange, warnings []envedit.Warning, written []string, merged int, consumers, restarted []string) error {
	if !o.Exporter.Enabled() {
		return nil
	}
	jc := make([]jsonChange, 0, len(changes))
	for _, c := range changes {
		j := jsonChange{Key: c.Key, Where: c.Source.String()}
		switch {
		case c.Delete:
			j.Op, j.OldSHA = "delete", targets.ValueHash(c.Old)
		case !c.HadOld:
			j.Op, j.NewSHA = "add", targets.ValueHash(c.New)
		default:
			j.Op, j.OldSHA, j.NewSHA = "change", targets.ValueHash(c.Old), targets.ValueHash(c.New)
		}
		jc = append(jc, j)
	}
	ws := make([]map[string]string, 0, len(warnings))
	for _, w := range warnings {
		ws = append(ws, map[string]string{"key": w.Key, "id": w.ID, "message": w.Msg})
	}
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	doc := o.Exporter.Filter(map[string]any{"env": o.Env, "changes": jc, "warnings": ws, "written": nz(written), "merged": merged,
		"consumers": nz(consumers), "restarted": nz(restarted)})
	doc["schemaVersion"] = cmdutil.SchemaVersion
	return o.Exporter.Write(o.IO.Out, doc)
}
