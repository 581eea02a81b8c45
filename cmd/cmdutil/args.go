package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

// Passthrough marks a command whose exit code is its child's; ctl's own
// failures there exit 255.
const Passthrough = "ctl/passthrough"

// MarkPassthrough annotates cmd.
func MarkPassthrough(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[Passthrough] = "true"
}

// IsPassthrough reports whether cmd passes its child's exit code through.
func IsPassthrough(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[Passthrough] == "true"
}

// SplitDash splits args into those before `--` and the command after it.
func SplitDash(cmd *cobra.Command, args []string) (before, after []string) {
	if i := cmd.ArgsLenAtDash(); i >= 0 {
		return args[:i], args[i:]
	}
	// With interspersed flags off, pflag stops at the first argument and
	// leaves a later `--` in args.
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

func hasDash(cmd *cobra.Command, args []string) bool {
	if cmd.ArgsLenAtDash() >= 0 {
		return true
	}
	for _, a := range args {
		if a == "--" {
			return true
		}
	}
	return false
}

// EnvArg validates `ENV [-- CMD...]`: exactly one environment before the
// dash; requireCmd demands a command after it.
func EnvArg(requireCmd bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		before, after := SplitDash(cmd, args)
		for _, a := range before {
			if a == "--help" || a == "-h" { // flags after ENV are not parsed when interspersing is off
				_ = cmd.Help()
				return exitcode.HelpShown
			}
		}
		switch {
		case len(before) == 0:
			return exitcode.Usagef("missing environment name (see `ctl env list`)")
		case len(before) > 1 && !hasDash(cmd, args) && requireCmd:
			return exitcode.Usagef("put the command after --: ctl %s %s -- %s", cmd.Name(), before[0], strings.Join(before[1:], " "))
		case len(before) > 1:
			return exitcode.Usagef("expected one environment name, got %q", strings.Join(before, " "))
		case requireCmd && len(after) == 0:
			return exitcode.Usagef("missing command after --: ctl %s %s -- COMMAND [ARG...]", cmd.Name(), before[0])
		}
		return nil
	}
}

// CompleteEnvs completes environment names from the configuration.
func CompleteEnvs(f *Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveDefault
		}
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return cfg.Names(), cobra.ShellCompDirectiveNoFileComp
	}
}

// AddWhereFlags adds --component, --pod and -c/--container: which pod and
// container of a remote environment a session runs in.
func AddWhereFlags(cmd *cobra.Command, o *targets.Options) {
	cmd.Flags().StringVar(&o.Component, "component", "", "Component whose pod to use: web, worker, beat... (default: the environment's, else web)")
	cmd.Flags().StringVar(&o.Pod, "pod", "", "Use this pod `name` instead of choosing one")
	cmd.Flags().StringVarP(&o.Container, "container", "c", "", "Container `name` (default: the pod's default-container annotation, else the first)")
}

// AddHostFlags adds --host and --role: which host of an ssh environment a
// session runs on. With fanout (ctl exec), --role runs on every host of
// the role and --all on every host.
func AddHostFlags(cmd *cobra.Command, o *targets.Options, fanout bool) {
	if fanout {
		cmd.Flags().StringVar(&o.Host, "host", "", "Run on this `host` of an ssh environment")
		cmd.Flags().StringVar(&o.Role, "role", "", "Run on every host of this `role` of an ssh environment, in parallel")
		cmd.Flags().BoolVar(&o.All, "all", false, "Run on every host of an ssh environment, in parallel")
		return
	}
	cmd.Flags().StringVar(&o.Host, "host", "", "Use this `host` of an ssh environment")
	cmd.Flags().StringVar(&o.Role, "role", "", "Use the first answering host of this `role` of an ssh environment (default: web)")
}

// CheckHostFlags rejects --host, --role and --all on environments that
// are not ssh ones.
func CheckHostFlags(t targets.Target, o targets.Options) error {
	if t.Env().Target == config.TargetSSH {
		return nil
	}
	for _, f := range []struct {
		set  bool
		name string
	}{{o.Host != "", "--host"}, {o.Role != "", "--role"}, {o.All, "--all"}} {
		if f.set {
			return exitcode.Usagef("%s applies to ssh environments; %q has target %s", f.name, t.Env().Name, t.Env().Target)
		}
	}
	return nil
}
