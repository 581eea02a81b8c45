// Package db implements `ctl db dump | restore | pull`: an environment's
// PostgreSQL data, moved through the tunnel `ctl dbshell` uses. The work
// is in shells/dbdump; this package parses flags, shows the plan, asks,
// and reports.
package db

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/prompter"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/targets"
)

// NewCmdDB is `ctl db` and its subcommands.
func NewCmdDB(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db <command>",
		Short: "Dump, restore and pull an environment's PostgreSQL data",
		Long: `Move an environment's PostgreSQL data safely: dump it to a verified file,
restore a dump into a new database swapped in by rename, or pull another
environment's data into this one through a sanitiser.

Every connection goes through the tunnel ctl dbshell opens, with the
password in pg_dump's and pg_restore's environment only.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdDump(f, nil), NewCmdRestore(f, nil), NewCmdPull(f, nil))
	return cmd
}

// common are the inputs every db subcommand shares: the session verbs'
// options (environment, where, --yes, target resolution) and the rest.
type common struct {
	session.Options
	Prompter func() prompter.Prompter
	Environ  func() []string
	LookPath func(string) (string, error)
	Now      func() time.Time
	Exporter cmdutil.Exporter
}

func newCommon(f *cmdutil.Factory) common {
	return common{Options: session.NewOptions(f), Prompter: f.Prompter, Environ: f.Environ, LookPath: f.LookPath, Now: time.Now}
}

// postgres opens the environment's database (its tunnel) and checks the
// engine; the close func ends the tunnel.
func postgres(ctx context.Context, t targets.Target) (*targets.DB, func(), error) {
	db, closeDB, err := t.Database(ctx)
	if err != nil {
		return nil, nil, err
	}
	done := func() { _ = closeDB() }
	if db.Engine != "postgres" {
		done()
		return nil, nil, exitcode.WithHint(fmt.Errorf("environment %q uses %s: ctl db works on PostgreSQL only", t.Env().Name, db.Engine),
			"copy a SQLite file with cp")
	}
	return db, done, nil
}

// stderrf prints a status line (on stderr, for humans and logs alike).
func (c *common) stderrf(format string, a ...any) {
	fmt.Fprintf(c.IO.ErrOut, format, a...)
}

func (c *common) display(trackers ...*dbdump.Tracker) *dbdump.Display {
	return dbdump.NewDisplay(c.IO.ErrOut, c.IO.IsStderrTTY(), c.IO.TerminalWidth(), trackers...)
}

// confirmSwap asks before connections are terminated and the database
// renamed: --yes, or a yes on a terminal; refused otherwise.
func (c *common) confirmSwap(env string, conns int) error {
	if c.Yes {
		return nil
	}
	if !c.IO.CanPrompt() {
		return exitcode.WithHint(exitcode.Invalidf("refusing to replace the database of %s without a terminal to confirm; pass --yes", env),
			"ctl shows its plan above; --yes confirms it in advance")
	}
	q := fmt.Sprintf("Replace the database of %s", env)
	if conns > 0 {
		q += fmt.Sprintf(" (terminating %d connection(s))", conns)
	}
	ok, err := c.Prompter().Confirm(q+"?", false)
	if err != nil {
		return err
	}
	if !ok {
		return exitcode.CancelError
	}
	return nil
}

// strictGuard is the guard of a verb that replaces a protected
// environment's database: --yes AND the typed confirmation, so never
// without a terminal.
func (c *common) strictGuard(env *targetsEnv, verb string) error {
	if !env.protected {
		return nil
	}
	if !c.Yes {
		return exitcode.WithHint(exitcode.Invalidf("environment %s is protected: %s needs --yes and the typed confirmation", env.name, verb),
			"run it from a terminal with --yes, then type the environment's name")
	}
	return c.typedConfirm(env.name, env.target, verb)
}

// typedConfirm is the guard's typed confirmation, which --yes does not
// replace: refused without a terminal.
func (c *common) typedConfirm(name, target, verb string) error {
	if !c.IO.CanPrompt() {
		return exitcode.WithHint(exitcode.Invalidf("environment %s is protected: %s needs the typed confirmation, so it never runs without a terminal", name, verb),
			"run it from a terminal and type the environment's name when asked (--yes alone is not enough)")
	}
	return shells.Guard(c.IO, c.Prompter(), shells.GuardRequest{Env: name, Protected: true, Target: target, Verb: verb})
}

type targetsEnv struct {
	name, target string
	protected    bool
}

func envOf(t targets.Target) *targetsEnv {
	e := t.Env()
	return &targetsEnv{name: e.Name, target: e.Target, protected: e.Protected}
}

// migrateCheck runs `manage.py migrate --check` in the environment; its
// output goes to stderr.
func migrateCheck(ctx context.Context, t targets.Target, out io.Writer) error {
	manage, err := t.ManageArgv(ctx)
	if err != nil {
		return fmt.Errorf("migrate --check: %w", err)
	}
	code, err := t.Run(ctx, targets.Command{Argv: append(manage, "migrate", "--check"), Stdout: out, Stderr: out, NoStdin: true})
	if err != nil {
		return fmt.Errorf("migrate --check: %w", err)
	}
	if code != 0 {
		return &MigrateCheckError{Code: code}
	}
	return nil
}

// MigrateCheckError: the restored data's schema is behind the code.
type MigrateCheckError struct{ Code int }

func (e *MigrateCheckError) Error() string {
	return fmt.Sprintf("the database was swapped in, but `manage.py migrate --check` exits %d: the restored schema lacks migrations the code has", e.Code)
}

// Hint says what to do.
func (e *MigrateCheckError) Hint() string {
	return "run `ctl manage ENV -- migrate`, or put the previous database back (see docs/db.md#undo)"
}

// cleanupDrop drops a half-filled new database, even after Ctrl-C.
func cleanupDrop(ctx context.Context, admin *dbdump.Admin, name string, errOut io.Writer) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := admin.Drop(cctx, name); err != nil {
		fmt.Fprintf(errOut, "warning: %v\n", err)
	}
}
