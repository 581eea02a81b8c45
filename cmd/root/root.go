// Package root builds ctl's whole command tree (run by ctl-full).
package root

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	dbCmd "github.com/ctlops/ctl/cmd/db"
	dbshellCmd "github.com/ctlops/ctl/cmd/dbshell"
	doctorCmd "github.com/ctlops/ctl/cmd/doctor"
	execCmd "github.com/ctlops/ctl/cmd/exec"
	initCmd "github.com/ctlops/ctl/cmd/init"
	manageCmd "github.com/ctlops/ctl/cmd/manage"
	pyshellCmd "github.com/ctlops/ctl/cmd/pyshell"
	"github.com/ctlops/ctl/cmd/rootbase"
	sessionsCmd "github.com/ctlops/ctl/cmd/sessions"
	shellCmd "github.com/ctlops/ctl/cmd/shell"
	statusCmd "github.com/ctlops/ctl/cmd/status"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/update"
)

// NewCmdRoot builds the whole command tree: the one ctl-full runs, and the
// one the reference docs are generated from. The start-up front
// (cmd/front) builds its lean commands itself and stubs the others.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := rootbase.New(f)
	rootbase.AddLean(cmd, f)
	for _, c := range []*cobra.Command{
		shellCmd.NewCmdShell(f, nil),
		pyshellCmd.NewCmdPyShell(f, nil),
		dbshellCmd.NewCmdDBShell(f, nil),
		execCmd.NewCmdExec(f, nil),
		manageCmd.NewCmdManage(f, nil),
	} {
		c.GroupID = rootbase.GroupSessions
		cmd.AddCommand(c)
	}
	db := dbCmd.NewCmdDB(f)
	db.GroupID = rootbase.GroupEnvs
	cmd.AddCommand(db)
	cmd.AddCommand(sessionsCmd.NewCmdSessions(f, nil))                         // GroupID "envs" set by the constructor
	cmd.AddCommand(statusCmd.NewCmdStatus(f, nil))                             // GroupID "envs" set by the constructor
	cmd.AddCommand(doctorCmd.NewCmdDoctor(f, nil), initCmd.NewCmdInit(f, nil)) // GroupIDs set by the constructors
	return cmd
}

// Main runs the whole tree (ctl-full) and returns its exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ios := iostreams.System(os.Getenv)
	checkFrontVersion(ios)
	if len(os.Args) == 2 && os.Args[1] == updateCheckArg { // the detached lookup (see maybeCheckUpdates)
		_ = update.Check(ctx, os.Getenv, time.Now())
		return 0
	}
	f := cmdutil.New(ios)
	notice := maybeCheckUpdates(os.Getenv, func() bool {
		cfg, err := f.Config() // memoized: the command reuses it
		return err == nil && cfg.CheckUpdates
	}, time.Now())
	code := Execute(ctx, f, os.Args[1:])
	if notice != "" && ios.IsStderrTTY() {
		fmt.Fprintln(ios.ErrOut, iostreams.NewColorScheme(ios.ColorEnabled()).Muted(notice))
	}
	return code
}

// updateCheckArg runs the release lookup instead of a command.
const updateCheckArg = "__update-check"

// maybeCheckUpdates does nothing unless the user opted in. Then it returns
// the notice the last lookup warrants, and when a lookup is due starts one
// in a detached child (this process never waits for it). The state's time
// is bumped first, so that commands started meanwhile do not spawn more.
func maybeCheckUpdates(getenv func(string) string, configured func() bool, now time.Time) string {
	if !update.Enabled(getenv, configured) {
		return ""
	}
	path := update.StatePath(getenv)
	if path == "" {
		return ""
	}
	st := update.Load(path)
	if st.Due(now) {
		next := st
		next.CheckedAt = now
		if update.Save(path, next) == nil {
			if exe, err := os.Executable(); err == nil {
				_ = update.Spawn(exe, []string{updateCheckArg}, os.Environ())
			}
		}
	}
	return st.Notice(build.Version)
}

// checkFrontVersion warns when the ctl that handed a command over is not
// the same build as this ctl-full (an upgrade that replaced only one).
func checkFrontVersion(ios *iostreams.IOStreams) {
	v, ok := os.LookupEnv(build.FrontVersionEnv)
	if !ok {
		return
	}
	_ = os.Unsetenv(build.FrontVersionEnv) // not for the sessions' children
	if v != build.Info() {
		fmt.Fprintf(ios.ErrOut, "warning: ctl is %q but ctl-full is %q; install both from the same release\n", v, build.Info())
	}
}

// Execute runs the whole tree on args and maps the outcome to an exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return rootbase.Execute(ctx, f, NewCmdRoot(f), args)
}
