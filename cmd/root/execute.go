package root

// The root command (flags, groups, help) without its subcommands, and the
// one place where an error becomes an exit code and a message.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

// Groups of the top-level commands, in help order.
const (
	GroupSessions = "sessions"
	GroupEnvs     = "envs"
	GroupChecks   = "checks"
)

// newBare builds the root command without subcommands.
func newBare(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ctl <command> <env> [flags]",
		Short: "Operate your Django environments",
		Long: `ctl resolves a named environment (local, qa, staging, prod) and does the
job in one command: a shell in the app, the Django shell, psql to the
database, manage.py commands.`,
		Example: `  $ ctl env list
  $ ctl shell local
  $ ctl pyshell local
  $ ctl dbshell local
  $ ctl manage local -- migrate`,
		Version:       build.Info(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if cmdutil.IsPassthrough(c) {
			return exitcode.WithHint(&exitcode.UsageError{Err: err},
				"ctl's flags go before --, the command's after it: ctl "+c.Name()+" ENV [flags] -- COMMAND [ARG...]")
		}
		return &exitcode.UsageError{Err: err}
	})
	cmd.PersistentFlags().StringVar(&f.ConfigFile, "config", "", "Team config `file` (default: ctl.yaml found upward; also $CTL_CONFIG)")

	cmd.AddGroup(
		&cobra.Group{ID: GroupSessions, Title: "Session commands:"},
		&cobra.Group{ID: GroupEnvs, Title: "Environment commands:"},
		&cobra.Group{ID: GroupChecks, Title: "Check commands:"},
	)
	return cmd
}

// execute runs root on args and maps the outcome to an exit code,
// printing the error (and its hint) on the factory's stderr.
func execute(ctx context.Context, f *cmdutil.Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return Report(ctx, f.IOStreams, cmd, err)
}

// Report prints err (if any) and returns the exit code for it.
func Report(ctx context.Context, ios *iostreams.IOStreams, cmd *cobra.Command, err error) int {
	if err == nil {
		return cmdutil.ExitOK
	}
	passthrough := cmdutil.IsPassthrough(cmd)
	err = normalize(err)
	if ctx.Err() != nil && !passthrough {
		var ee *exitcode.ExitError
		if !errors.As(err, &ee) {
			err = exitcode.CancelError
		}
	}
	printError(ios, cmd, err)
	return cmdutil.ExitCode(err, passthrough)
}

// normalize turns cobra's plain errors about arguments and commands into
// usage errors.
func normalize(err error) error {
	if errors.Is(err, exitcode.ErrUsage) {
		return err
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return &exitcode.UsageError{Err: err}
		}
	}
	return err
}

func printError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) {
	var ee *exitcode.ExitError
	if errors.As(err, &ee) || errors.Is(err, exitcode.SilentError) || errors.Is(err, exitcode.HelpShown) {
		return // the child or the command has spoken
	}
	cs := iostreams.NewColorScheme(ios.ColorEnabled() && ios.IsStderrTTY())
	if errors.Is(err, exitcode.CancelError) {
		fmt.Fprintln(ios.ErrOut, cs.Muted("cancelled"))
		return
	}
	fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.Red("error:"), err)
	if hint := exitcode.HintOf(err); hint != "" {
		fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.Muted("hint:"), hint)
	}
	if errors.Is(err, exitcode.ErrUsage) && cmd != nil {
		fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}
