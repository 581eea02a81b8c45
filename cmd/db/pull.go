package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/targets"
)

// PullFields are the fields of `ctl db pull --json`.
var PullFields = []string{"env", "to", "database", "previous", "dropped", "terminatedConnections", "sanitizer", "bytes", "tables", "excludedTableData", "migrateCheck", "durationMs"}

// PullOptions are the inputs of `ctl db pull`.
type PullOptions struct {
	common
	To             string
	Raw            bool
	DropPrevious   bool
	NoMigrateCheck bool
	IncludeAllData bool
	Exclude        []string
	Remote         bool
}

// NewCmdPull builds `ctl db pull`; runF replaces the run in tests.
func NewCmdPull(f *cmdutil.Factory, runF func(context.Context, *PullOptions) error) *cobra.Command {
	opts := &PullOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "pull <env> [--to <env>]",
		Short: "Copy an environment's data into another (local by default), sanitised",
		Long: `Stream pg_dump of <env>'s database straight into pg_restore on the
destination's server (local by default), into a new database; run the
source's sanitiser (sanitize.sql or sanitize.manage in ctl.yaml) on that
copy; then swap it in by rename as ctl db restore does, and run
manage.py migrate --check in the destination.

From a protected environment into one that is not, pull refuses to run
without a sanitiser, unless --raw and the typed confirmation.`,
		Example: `  $ ctl db pull staging
  $ ctl db pull prod --to local --yes
  $ ctl db pull qa --to review-42 --drop-previous`,
		Args:              cmdutil.EnvArg(false),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitcode.Usagef("ctl db pull takes one source environment")
			}
			opts.Env = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunPull(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "local", "Destination `env`ironment")
	fl.BoolVar(&opts.Remote, "remote", false, "Run pg_dump next to the source's database and stream the archive back (ssh: on its host; kubernetes: in the database's pod)")
	fl.BoolVar(&opts.Raw, "raw", false, "Allow a pull from a protected environment without a sanitiser (asks the typed confirmation)")
	fl.BoolVar(&opts.DropPrevious, "drop-previous", false, "Drop the destination's previous copies (NAME_prev_*) once the swap succeeded")
	fl.BoolVar(&opts.NoMigrateCheck, "no-migrate-check", false, "Skip manage.py migrate --check after the swap")
	fl.BoolVar(&opts.IncludeAllData, "include-all-data", false, "Copy every table's rows: no default exclusions")
	fl.StringSliceVar(&opts.Exclude, "exclude-table-data", nil, "Leave out the rows of these tables too (psql `pattern`s; repeatable)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm the plan (a protected destination still asks the typed confirmation)")
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, PullFields)
	return cmd
}

// RunPull copies the source's data into the destination.
func RunPull(ctx context.Context, opts *PullOptions) error {
	if opts.To == opts.Env {
		return exitcode.Usagef("ctl db pull %s --to %s: source and destination are the same environment", opts.Env, opts.To)
	}
	src, err := opts.Target(ctx, opts.Env, opts.Where)
	if err != nil {
		return err
	}
	dst, err := opts.Target(ctx, opts.To, targets.Options{})
	if err != nil {
		return err
	}
	tools, err := dbdump.FindTools(opts.LookPath, opts.Environ)
	if err != nil {
		return err
	}
	senv, denv := src.Env(), dst.Env()
	if _, ok := src.(targets.DBHost); opts.Remote && !ok {
		return exitcode.Invalidf("--remote needs an ssh or kubernetes source environment; %s is %s", senv.Name, senv.Target)
	}
	san := senv.Sanitize
	if san.SQL != "" && san.Manage != "" {
		return exitcode.Invalidf("environment %s sets both sanitize.sql and sanitize.manage; keep one", senv.Name)
	}
	if san.Manage != "" && denv.Target != config.TargetLocal {
		return exitcode.WithHint(exitcode.Invalidf("sanitize.manage runs on a local destination only; %s is %s", denv.Name, denv.Target),
			"use sanitize.sql, which runs through the tunnel on any destination")
	}
	noSanitizer := san.SQL == "" && san.Manage == ""
	if opts.Raw && !noSanitizer {
		return exitcode.Usagef("--raw skips no sanitiser: %s has one (%s)", senv.Name, sanitizerName(san))
	}
	risky := senv.Protected && !denv.Protected && noSanitizer
	run := session.Run{IO: opts.IO, F: opts.F, Target: dst, Verb: "db pull", Command: []string{"pg_dump", "--from", senv.Name, "|", "pg_restore"},
		Yes: opts.Yes, OwnCodes: true, NoGuard: true}
	return run.Guarded(ctx, func() error {
		if risky && !opts.Raw { // refused, and the refusal recorded in the trail
			return exitcode.WithHint(exitcode.Invalidf("refusing to copy protected %s into %s without a sanitiser", senv.Name, denv.Name),
				"set sanitize.sql (or sanitize.manage) on "+senv.Name+" in ctl.yaml (docs/db.md#sanitising), or pass --raw and confirm")
		}
		return pull(ctx, opts, src, dst, tools, risky)
	})
}

func sanitizerName(s config.Sanitize) string {
	if s.SQL != "" {
		return s.SQL
	}
	if s.Manage != "" {
		return "manage.py " + s.Manage
	}
	return ""
}

func pull(ctx context.Context, opts *PullOptions, src, dst targets.Target, tools *dbdump.Tools, risky bool) error {
	senv, denv := src.Env(), dst.Env()
	start := opts.Now()
	cs := opts.IO.ColorScheme()
	// The source's guard first, before any tunnel (its data is read); the
	// destination's after the plan, which it confirms.
	if risky {
		opts.stderrf("%s %s is protected and has no sanitiser: its data will land in %s as is\n", cs.WarningIcon(), senv.Name, denv.Name)
		if err := opts.typedConfirm(senv.Name, senv.Target, "db pull --raw"); err != nil {
			return err
		}
	} else if err := shells.Guard(opts.IO, opts.Prompter(), shells.GuardRequestFor(senv, "", "db pull (read)", opts.Yes)); err != nil {
		return err
	}
	exclude := dbdump.ExcludeList(append(append([]string{}, senv.Database.ExcludeTableData...), opts.Exclude...), opts.IncludeAllData)
	sdb, sdone, err := postgres(ctx, src)
	if err != nil {
		return err
	}
	defer sdone()
	ddb, ddone, err := postgres(ctx, dst)
	if err != nil {
		return err
	}
	defer ddone()
	source := tools.Local(sdb, exclude)
	var clientV string
	var serverMajor int
	if dh, ok := src.(targets.DBHost); ok && opts.Remote {
		rdb, host, err := dh.DatabaseHost(ctx)
		if err != nil {
			return err
		}
		if clientV, serverMajor, err = remoteVersion(ctx, dh, host, sdb, senv.Name); err != nil {
			return err
		}
		run := func(ctx context.Context, s targets.Command) (int, error) { return dh.RunOn(ctx, host, s) }
		source = dbdump.Remote(run, rdb, exclude, host)
	} else if clientV, serverMajor, err = dbdump.CheckVersion(ctx, tools, sdb, senv.Name); err != nil {
		return err
	}
	est, err := dbdump.EstimateDump(ctx, sdb, exclude)
	if err != nil {
		return err
	}
	admin, err := dbdump.OpenAdmin(ctx, ddb)
	if err != nil {
		return err
	}
	defer admin.Close()
	conns, err := admin.Connections(ctx, ddb.Name)
	if err != nil {
		return err
	}
	olds, err := admin.Previous(ctx, ddb.Name)
	if err != nil {
		return err
	}
	fresh, prev, err := admin.SwapNames(ctx, ddb.Name, start)
	if err != nil {
		return err
	}
	opts.stderrf("Pulling %s (PostgreSQL %d at %s/%s, credentials from %s, pg_dump %s)\n", cs.Bold(senv.Name), serverMajor, sdb.Addr(), sdb.Name, sdb.Source, clientV)
	opts.stderrf("  into %s (%s/%s, credentials from %s): %d tables, ~%s of table data\n", cs.Bold(denv.Name), ddb.Addr(), ddb.Name, ddb.Source, len(est.Tables), dbdump.Bytes(est.Bytes))
	if names := excludedNames(est); names != "" {
		opts.stderrf("  rows left out (schema kept): %s\n", names)
	}
	if s := sanitizerName(senv.Sanitize); s != "" {
		opts.stderrf("  sanitiser: %s, run on the copy before the swap\n", s)
	} else {
		opts.stderrf("  sanitiser: none\n")
	}
	printSwapPlan(&opts.common, ddb.Name, fresh, prev, conns, olds, opts.DropPrevious, !opts.NoMigrateCheck)
	if err := opts.strictGuard(envOf(dst), "db pull into "+denv.Name); err != nil {
		return err
	}
	if !denv.Protected {
		if err := opts.confirmSwap(denv.Name, conns); err != nil {
			return err
		}
	}
	if err := admin.Create(ctx, fresh); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			cleanupDrop(ctx, admin, fresh, opts.IO.ErrOut)
		}
	}()
	trD := dbdump.NewTracker("dump", len(est.Tables), est, opts.Now)
	trR := dbdump.NewTracker("restore", len(est.Tables), est, opts.Now)
	disp := opts.display(trD, trR)
	if err := stream(ctx, tools, source, ddb, fresh, trD, trR); err != nil {
		disp.Stop(false)
		return err
	}
	disp.Stop(true)
	if err := sanitize(ctx, opts, senv.Sanitize, dst, tools, ddb, fresh); err != nil {
		return err
	}
	res, err := swapIn(ctx, &opts.common, dst, admin, ddb.Name, fresh, prev, olds, opts.DropPrevious, !opts.NoMigrateCheck)
	if res == nil {
		return err
	}
	ok = true
	if opts.Exporter.Enabled() {
		doc := res.doc(senv.Name)
		doc["to"] = denv.Name
		doc["sanitizer"] = sanitizerName(senv.Sanitize)
		p := trD.Snapshot()
		doc["bytes"], doc["tables"], doc["excludedTableData"] = p.Bytes, p.TablesDone, exclude
		doc["durationMs"] = opts.Now().Sub(start).Milliseconds()
		doc = opts.Exporter.Filter(doc)
		doc["schemaVersion"] = cmdutil.SchemaVersion
		if werr := opts.Exporter.Write(opts.IO.Out, doc); werr != nil {
			return werr
		}
	}
	return err
}

// stream pipes pg_dump on sdb into pg_restore on ddb's database fresh.
// A dump that failed explains a restore that saw its input end, so its
// error wins; a restore that failed stops the dump (its pipe closes).
func stream(ctx context.Context, tools *dbdump.Tools, source dbdump.Source, ddb *targets.DB, fresh string, trD, trR *dbdump.Tracker) error {
	pr, pw := io.Pipe()
	dumpErr := make(chan error, 1)
	go func() {
		err := source(ctx, pw, trD)
		_ = pw.CloseWithError(err)
		dumpErr <- err
	}()
	rerr := tools.Restore(ctx, ddb, fresh, "", pr, trR)
	_ = pr.CloseWithError(errRestoreEnded)
	derr := <-dumpErr
	if ctx.Err() != nil {
		return exitcode.CancelError
	}
	if derr != nil && !errors.Is(derr, errRestoreEnded) {
		return derr
	}
	return rerr
}

var errRestoreEnded = errors.New("pg_restore ended")

// sanitize runs the source's sanitiser on the copy.
func sanitize(ctx context.Context, opts *PullOptions, san config.Sanitize, dst targets.Target, tools *dbdump.Tools, ddb *targets.DB, fresh string) error {
	cs := opts.IO.ColorScheme()
	switch {
	case san.SQL != "":
		opts.stderrf("Sanitising with %s…\n", san.SQL)
		if err := tools.Sanitize(ctx, ddb, fresh, san.SQL, opts.IO.ErrOut); err != nil {
			return err
		}
	case san.Manage != "":
		opts.stderrf("Sanitising with manage.py %s…\n", san.Manage)
		manage, err := dst.ManageArgv(ctx)
		if err != nil {
			return err
		}
		u := &url.URL{Scheme: "postgres", Host: ddb.Host + ":" + strconv.Itoa(ddb.Port), Path: "/" + fresh}
		if ddb.Password != "" {
			u.User = url.UserPassword(ddb.User, ddb.Password)
		} else if ddb.User != "" {
			u.User = url.User(ddb.User)
		}
		code, err := dst.Run(ctx, targets.Command{Argv: append(manage, strings.Fields(san.Manage)...), NoStdin: true,
			Env: []string{"DATABASE_URL=" + u.String()}, Stdout: opts.IO.ErrOut, Stderr: opts.IO.ErrOut})
		if err != nil {
			return err
		}
		if code != 0 {
			return exitcode.WithHint(fmt.Errorf("the sanitiser manage.py %s exited %d", san.Manage, code),
				"nothing was swapped: the copy was dropped")
		}
	default:
		return nil
	}
	opts.stderrf("%s sanitised\n", cs.SuccessIcon())
	return nil
}
