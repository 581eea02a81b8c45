// Package root builds ctl's command tree and runs it: Main is the one
// place where an error becomes an exit code.
package root

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	auditCmd "github.com/ctlops/ctl/cmd/audit"
	"github.com/ctlops/ctl/cmd/cmdutil"
	configCmd "github.com/ctlops/ctl/cmd/config"
	dbCmd "github.com/ctlops/ctl/cmd/db"
	dbshellCmd "github.com/ctlops/ctl/cmd/dbshell"
	diffCmd "github.com/ctlops/ctl/cmd/diff"
	doctorCmd "github.com/ctlops/ctl/cmd/doctor"
	envCmd "github.com/ctlops/ctl/cmd/env"
	execCmd "github.com/ctlops/ctl/cmd/exec"
	initCmd "github.com/ctlops/ctl/cmd/init"
	logsCmd "github.com/ctlops/ctl/cmd/logs"
	manageCmd "github.com/ctlops/ctl/cmd/manage"
	migrateCmd "github.com/ctlops/ctl/cmd/migrate"
	pyshellCmd "github.com/ctlops/ctl/cmd/pyshell"
	restartCmd "github.com/ctlops/ctl/cmd/restart"
	runCmd "github.com/ctlops/ctl/cmd/run"
	sessionsCmd "github.com/ctlops/ctl/cmd/sessions"
	shellCmd "github.com/ctlops/ctl/cmd/shell"
	statusCmd "github.com/ctlops/ctl/cmd/status"
	versionCmd "github.com/ctlops/ctl/cmd/version"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/update"
)

// NewCmdRoot builds the whole command tree: the one ctl runs, and the one
// the reference docs are generated from.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := newBare(f)
	audit := auditCmd.NewCmdAudit(f, nil)
	audit.GroupID = GroupChecks
	env := envCmd.NewCmdEnv(f)
	env.GroupID = GroupEnvs
	cmd.AddCommand(audit, env, versionCmd.NewCmdVersion(f))
	for _, c := range []*cobra.Command{
		shellCmd.NewCmdShell(f, nil),
		pyshellCmd.NewCmdPyShell(f, nil),
		dbshellCmd.NewCmdDBShell(f, nil),
		execCmd.NewCmdExec(f, nil),
		manageCmd.NewCmdManage(f, nil),
		logsCmd.NewCmdLogs(f, nil),
		runCmd.NewCmdRun(f, nil),
		restartCmd.NewCmdRestart(f, nil),
		migrateCmd.NewCmdMigrate(f, nil),
	} {
		c.GroupID = GroupSessions
		cmd.AddCommand(c)
	}
	db := dbCmd.NewCmdDB(f)
	db.GroupID = GroupEnvs
	cmd.AddCommand(db)
	cfg := configCmd.NewCmdConfig(f, nil)
	cfg.GroupID = GroupEnvs
	cmd.AddCommand(cfg)
	diff := diffCmd.NewCmdDiff(f, nil)
	diff.GroupID = GroupEnvs
	cmd.AddCommand(diff)
	cmd.AddCommand(sessionsCmd.NewCmdSessions(f, nil))                         // GroupID "envs" set by the constructor
	cmd.AddCommand(statusCmd.NewCmdStatus(f, nil))                             // GroupID "envs" set by the constructor
	cmd.AddCommand(doctorCmd.NewCmdDoctor(f, nil), initCmd.NewCmdInit(f, nil)) // GroupIDs set by the constructors
	return cmd
}

// Main runs the tree on os.Args with the drivers and prompter main chose,
// and returns the exit code.
func Main(deps cmdutil.Deps) int {
	ctx, stop := exitcode.SignalContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ios := iostreams.System(os.Getenv)
	if len(os.Args) == 2 && os.Args[1] == updateCheckArg { // the detached lookup (see maybeCheckUpdates)
		_ = update.Check(ctx, os.Getenv, time.Now())
		return 0
	}
	f := cmdutil.New(ios, deps)
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

// Execute runs the whole tree on args and maps the outcome to an exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return execute(ctx, f, NewCmdRoot(f), args)
}
