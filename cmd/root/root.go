// Package root builds ctl's command tree and is the one place where an
// error becomes an exit code and a message.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	auditCmd "github.com/ctlops/ctl/cmd/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	dbshellCmd "github.com/ctlops/ctl/cmd/dbshell"
	envCmd "github.com/ctlops/ctl/cmd/env"
	execCmd "github.com/ctlops/ctl/cmd/exec"
	manageCmd "github.com/ctlops/ctl/cmd/manage"
	pyshellCmd "github.com/ctlops/ctl/cmd/pyshell"
	sessionsCmd "github.com/ctlops/ctl/cmd/sessions"
	shellCmd "github.com/ctlops/ctl/cmd/shell"
	versionCmd "github.com/ctlops/ctl/cmd/version"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
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
		&cobra.Group{ID: "sessions", Title: "Session commands:"},
		&cobra.Group{ID: "envs", Title: "Environment commands:"},
		&cobra.Group{ID: "checks", Title: "Check commands:"},
	)
	audit := auditCmd.NewCmdAudit(f, nil)
	audit.GroupID = "checks"
	cmd.AddCommand(audit)
	for _, c := range []*cobra.Command{
		shellCmd.NewCmdShell(f, nil),
		pyshellCmd.NewCmdPyShell(f, nil),
		dbshellCmd.NewCmdDBShell(f, nil),
		execCmd.NewCmdExec(f, nil),
		manageCmd.NewCmdManage(f, nil),
	} {
		c.GroupID = "sessions"
		cmd.AddCommand(c)
	}
	env := envCmd.NewCmdEnv(f)
	env.GroupID = "envs"
	cmd.AddCommand(env)
	cmd.AddCommand(sessionsCmd.NewCmdSessions(f, nil)) // GroupID "envs" set by the constructor
	cmd.AddCommand(versionCmd.NewCmdVersion(f))
	return cmd
}

// Main runs ctl and returns its exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Execute(ctx, cmdutil.New(iostreams.System(os.Getenv)), os.Args[1:])
}

// Execute runs the command tree on args and maps the outcome to an exit
// code, printing the error (and its hint) on the factory's stderr.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	ios := f.IOStreams
	root := NewCmdRoot(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitcode.OK
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
	return exitcode.For(err, passthrough)
}

// normalize turns cobra's plain errors about arguments and commands into
// usage errors.
func normalize(err error) error {
	var ue *exitcode.UsageError
	if errors.As(err, &ue) {
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
	var ue *exitcode.UsageError
	if errors.As(err, &ue) && cmd != nil {
		fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}
