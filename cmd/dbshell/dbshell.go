// Package dbshell implements `ctl dbshell ENV`.
package dbshell

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl dbshell`.
type Options struct {
	session.Options
	Environ     func() []string
	LookPath    func(string) (string, error)
	ReadOnly    bool
	Write       bool
	TunnelOnly  bool
	NoPreflight bool
	Timeout     time.Duration
}

// NewCmdDBShell builds the command; runF replaces the run in tests.
func NewCmdDBShell(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: session.NewOptions(f), Environ: f.Environ, LookPath: f.LookPath}
	cmd := &cobra.Command{
		Use:   "dbshell <env> [-- <psql argument>...]",
		Short: "Open psql (or sqlite3) on an environment's database",
		Long: `Find the environment's database and open its client. On the local
environment the URL comes from $DATABASE_URL, then the project's .env,
then database.url in ctl.yaml, then Django's own DATABASES['default'].
On an ssh environment the URL is read on an app host from the file named
by database.url_from, and psql reaches the server through an ssh -L
tunnel on 127.0.0.1 that closes when the session ends.

For PostgreSQL, ctl first connects with pgx so that a wrong password, an
unreachable server or a missing database gets a clear error, then starts
psql with the password in psql's environment: never in its arguments,
never in a file. The exit code is psql's; ctl's own failures exit 255.`,
		Example: `  $ ctl dbshell local
  $ ctl dbshell local -- -c 'select count(*) from inventory_widget'
  $ ctl dbshell local --read-only`,
		Args:              cmdutil.EnvArg(false),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SetArgs(cmd, args)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ReadOnly, "read-only", false, "Open a read-only session (default_transaction_read_only=on; sqlite3 -readonly)")
	cmd.Flags().BoolVar(&opts.Write, "write", false, "Allow writes on a protected environment (sessions there are read-only otherwise)")
	cmd.Flags().BoolVar(&opts.TunnelOnly, "tunnel-only", false, "Only open the tunnel and print host, port, user and database for another client; Ctrl-C closes it")
	cmd.Flags().BoolVar(&opts.NoPreflight, "no-preflight", false, "Skip the pgx connection check before psql starts")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 5*time.Second, "How long to wait for the database to answer")
	opts.AddFlags(cmd, false)
	return cmd
}

// Run resolves the database and opens the shell.
func Run(ctx context.Context, opts *Options) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	env := t.Env()
	if opts.Write && opts.ReadOnly {
		return cmdutil.UsageErrorf("--write and --read-only contradict each other")
	}
	readOnly := opts.ReadOnly || (env.Protected && !opts.Write)
	verb := "dbshell"
	switch {
	case opts.TunnelOnly:
		verb = "dbshell --tunnel-only"
	case opts.Write:
		verb = "dbshell --write"
	}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: verb, Command: append([]string{"psql"}, opts.Args...), Yes: opts.Yes}
	return run.Guarded(ctx, func() error { return runDB(ctx, opts, t, readOnly) })
}

func runDB(ctx context.Context, opts *Options, t targets.Target, readOnly bool) error {
	db, closeDB, err := t.Database(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = closeDB() }()
	if db.Engine == "postgres" && !opts.NoPreflight {
		if err := shells.Preflight(ctx, db, opts.Timeout); err != nil {
			return err
		}
	}
	cs := opts.IO.ColorScheme()
	where := db.Addr() + "/" + db.Name
	if db.Engine == "sqlite" {
		where = db.Name
	}
	if opts.TunnelOnly {
		if db.Engine != "postgres" {
			return cmdutil.UsageErrorf("--tunnel-only needs a PostgreSQL database (this one is %s)", db.Engine)
		}
		fmt.Fprintf(opts.IO.Out, "host=%s port=%d user=%s dbname=%s\n", db.Host, db.Port, db.User, db.Name)
		fmt.Fprintf(opts.IO.ErrOut, "%s tunnel open: postgres://%s@%s:%d/%s (password: from %s; not shown). Ctrl-C to close.\n",
			cs.SuccessIcon(), db.User, db.Host, db.Port, db.Name, db.Source)
		wait, stop := signal.NotifyContext(ctx, syscall.SIGHUP)
		defer stop()
		<-wait.Done()
		return nil
	}
	if opts.IO.IsStderrTTY() {
		mode := ""
		if readOnly {
			mode = cs.Yellow(" read-only")
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s %s %s%s %s\n", cs.SuccessIcon(), cs.Bold(t.Env().Name), where, mode, cs.Muted("(credentials from "+db.Source+")"))
	}
	code, err := shells.RunDBShell(shells.DBShellOptions{
		DB: db, Args: opts.Args, ReadOnly: readOnly,
		Stdin: opts.IO.In, Stdout: opts.IO.Out, Stderr: opts.IO.ErrOut,
		Environ: opts.Environ, LookPath: opts.LookPath,
	})
	if err != nil {
		return err
	}
	return session.CodeError(code)
}
