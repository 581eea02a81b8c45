package db

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/targets"
)

// RestoreFields are the fields of `ctl db restore --json`.
var RestoreFields = []string{"env", "file", "bytes", "sha256", "database", "previous", "dropped", "terminatedConnections", "migrateCheck", "durationMs"}

// RestoreOptions are the inputs of `ctl db restore`.
type RestoreOptions struct {
	common
	File           string
	DropPrevious   bool
	NoMigrateCheck bool
}

// NewCmdRestore builds `ctl db restore`; runF replaces the run in tests.
func NewCmdRestore(f *cmdutil.Factory, runF func(context.Context, *RestoreOptions) error) *cobra.Command {
	opts := &RestoreOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "restore <env> {<file> | --drop-previous}",
		Short: "Restore a dump into a new database and swap it in by rename",
		Long: `Restore a custom-format dump into a NEW database on the environment's
server, then swap it in: connections to the current database are
terminated, it is renamed NAME_prev_<UTC time> (kept until
--drop-previous), and the new one takes its name. Then manage.py
migrate --check runs in the environment.

The file is read to the end before anything is created, so a truncated
or foreign file changes nothing. The plan is shown first; terminating
connections needs a yes on a terminal or --yes. A protected environment
needs both --yes and the typed confirmation, so never runs without a
terminal.

Without <file>, --drop-previous drops the databases kept by earlier
restores.`,
		Example: `  $ ctl db restore local staging.dump
  $ ctl db restore qa qa.dump --yes --drop-previous
  $ ctl db restore local --drop-previous --yes`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env = args[0]
			if len(args) == 2 {
				opts.File = args[1]
			}
			if opts.File == "" && !opts.DropPrevious {
				return exitcode.Usagef("ctl db restore needs a dump file (or --drop-previous alone)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunRestore(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DropPrevious, "drop-previous", false, "Drop the databases kept by earlier restores (NAME_prev_*) once this one succeeded")
	fl.BoolVar(&opts.NoMigrateCheck, "no-migrate-check", false, "Skip manage.py migrate --check after the swap")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm the plan (on a protected environment the typed confirmation is still asked)")
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, RestoreFields)
	return cmd
}

// RunRestore restores a dump into the environment.
func RunRestore(ctx context.Context, opts *RestoreOptions) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	tools, err := dbdump.FindTools(opts.LookPath, opts.Environ)
	if err != nil {
		return err
	}
	verb := "db restore"
	if opts.File == "" {
		verb = "db restore --drop-previous"
	}
	art := &shells.Artifact{}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: verb, Command: []string{"pg_restore", filepath.Base(opts.File)},
		Yes: opts.Yes, OwnCodes: true, NoGuard: true, Artifact: art}
	return run.Guarded(ctx, func() error {
		if opts.File == "" {
			return dropPrevious(ctx, &opts.common, t)
		}
		return restore(ctx, opts, t, tools, art)
	})
}

func restore(ctx context.Context, opts *RestoreOptions, t targets.Target, tools *dbdump.Tools, art *shells.Artifact) error {
	env := t.Env()
	start := opts.Now()
	cs := opts.IO.ColorScheme()
	// The file first: nothing happens to a database for a bad file.
	toc, err := tools.List(ctx, opts.File)
	if err != nil {
		return err
	}
	opts.stderrf("Reading %s to the end…\n", opts.File)
	if _, err := tools.Verify(ctx, opts.File); err != nil {
		return err
	}
	sum, size, err := dbdump.FileSHA256(opts.File)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(opts.File)
	*art = shells.Artifact{Path: abs, Bytes: size, SHA256: sum}

	db, done, err := postgres(ctx, t)
	if err != nil {
		return err
	}
	defer done()
	admin, err := dbdump.OpenAdmin(ctx, db)
	if err != nil {
		return err
	}
	defer admin.Close()
	conns, err := admin.Connections(ctx, db.Name)
	if err != nil {
		return err
	}
	fresh, prev, err := admin.SwapNames(ctx, db.Name, start)
	if err != nil {
		return err
	}
	olds, err := admin.Previous(ctx, db.Name)
	if err != nil {
		return err
	}
	opts.stderrf("Restoring %s into %s (%s/%s, credentials from %s):\n", opts.File, cs.Bold(env.Name), db.Addr(), db.Name, db.Source)
	opts.stderrf("  file: %s, %d tables with data, dumped from PostgreSQL %s by pg_dump %s, sha256 %s\n", dbdump.Bytes(size), toc.TableData, toc.DumpedFrom, toc.DumpedBy, sum)
	printSwapPlan(&opts.common, db.Name, fresh, prev, conns, olds, opts.DropPrevious, !opts.NoMigrateCheck)
	if err := opts.strictGuard(envOf(t), "db restore"); err != nil {
		return err
	}
	if !env.Protected {
		if err := opts.confirmSwap(env.Name, conns); err != nil {
			return err
		}
	}
	if err := admin.Create(ctx, fresh); err != nil {
		return err
	}
	tr := dbdump.NewTracker("restore", toc.TableData, nil, opts.Now)
	disp := opts.display(tr)
	err = tools.Restore(ctx, db, fresh, opts.File, nil, tr)
	disp.Stop(err == nil)
	if err != nil {
		cleanupDrop(ctx, admin, fresh, opts.IO.ErrOut)
		return err
	}
	res, err := swapIn(ctx, &opts.common, t, admin, db.Name, fresh, prev, olds, opts.DropPrevious, !opts.NoMigrateCheck)
	if err != nil && res == nil {
		return err
	}
	if opts.Exporter.Enabled() {
		doc := res.doc(env.Name)
		doc["file"], doc["bytes"], doc["sha256"] = abs, size, sum
		doc["durationMs"] = opts.Now().Sub(start).Milliseconds()
		doc = opts.Exporter.Filter(doc)
		doc["schemaVersion"] = cmdutil.SchemaVersion
		if werr := opts.Exporter.Write(opts.IO.Out, doc); werr != nil {
			return werr
		}
	}
	return err
}

func printSwapPlan(c *common, name, fresh, prev string, conns int, olds []string, dropPrevious, migrate bool) {
	c.stderrf("  1. create database %s and restore into it (objects owned by the connecting user)\n", fresh)
	step := 2
	if conns > 0 {
		c.stderrf("  %d. terminate the %d other connection(s) to %s\n", step, conns, name)
		step++
	}
	c.stderrf("  %d. rename %s to %s (kept until --drop-previous), then %s to %s\n", step, name, prev, fresh, name)
	step++
	if dropPrevious {
		c.stderrf("  %d. drop %s and the copies of earlier restores%s\n", step, prev, listSuffix(olds))
		step++
	}
	if migrate {
		c.stderrf("  %d. run manage.py migrate --check\n", step)
	}
}

func listSuffix(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d: %v)", len(l), l)
}

// swapResult is what a swap did.
type swapResult struct {
	database, previous string
	dropped            []string
	terminated         int
	migrate            string // ok | failed | skipped
}

func (r *swapResult) doc(env string) map[string]any {
	prev := any(r.previous)
	if r.previous == "" {
		prev = nil
	}
	return map[string]any{"env": env, "database": r.database, "previous": prev, "dropped": r.dropped,
		"terminatedConnections": r.terminated, "migrateCheck": r.migrate}
}

// swapIn renames fresh into place, drops the previous copies when asked,
// and runs migrate --check. A migrate --check failure comes back with
// the result: the swap itself happened.
func swapIn(ctx context.Context, c *common, t targets.Target, admin *dbdump.Admin, name, fresh, prev string, olds []string, dropPrevious, migrate bool) (*swapResult, error) {
	cs := c.IO.ColorScheme()
	killed, err := admin.Swap(ctx, name, fresh, prev)
	if err != nil {
		cleanupDrop(ctx, admin, fresh, c.IO.ErrOut)
		return nil, err
	}
	res := &swapResult{database: name, previous: prev, terminated: killed, dropped: []string{}, migrate: "skipped"}
	if ok, _ := admin.Exists(ctx, prev); !ok {
		res.previous = ""
	}
	c.stderrf("%s %s swapped in", cs.SuccessIcon(), name)
	if res.previous != "" {
		c.stderrf("; the previous database is %s", prev)
	}
	if killed > 0 {
		c.stderrf(" (%d connection(s) terminated)", killed)
	}
	c.stderrf("\n")
	if dropPrevious {
		for _, d := range append(olds, res.previous) {
			if d == "" {
				continue
			}
			if err := admin.Drop(ctx, d); err != nil {
				return res, err
			}
			res.dropped = append(res.dropped, d)
		}
		if len(res.dropped) > 0 {
			c.stderrf("%s dropped %v\n", cs.SuccessIcon(), res.dropped)
		}
	}
	if migrate {
		c.stderrf("Running manage.py migrate --check…\n")
		if err := migrateCheck(ctx, t, c.IO.ErrOut); err != nil {
			res.migrate = "failed"
			return res, err
		}
		res.migrate = "ok"
		c.stderrf("%s migrate --check: no migration missing\n", cs.SuccessIcon())
	}
	return res, nil
}

// dropPrevious drops the NAME_prev_* databases of the environment.
func dropPrevious(ctx context.Context, c *common, t targets.Target) error {
	env := t.Env()
	db, done, err := postgres(ctx, t)
	if err != nil {
		return err
	}
	defer done()
	admin, err := dbdump.OpenAdmin(ctx, db)
	if err != nil {
		return err
	}
	defer admin.Close()
	olds, err := admin.Previous(ctx, db.Name)
	if err != nil {
		return err
	}
	if len(olds) == 0 {
		c.stderrf("No previous copies of %s to drop.\n", db.Name)
		return c.writeDropped(env.Name, nil)
	}
	c.stderrf("Dropping the previous copies of %s on %s: %v\n", db.Name, env.Name, olds)
	if err := c.strictGuard(envOf(t), "db restore --drop-previous"); err != nil {
		return err
	}
	if !env.Protected && !c.Yes {
		if !c.IO.CanPrompt() {
			return exitcode.Invalidf("refusing to drop databases without a terminal to confirm; pass --yes")
		}
		ok, err := c.Prompter().Confirm(fmt.Sprintf("Drop %d database(s)?", len(olds)), false)
		if err != nil {
			return err
		}
		if !ok {
			return exitcode.CancelError
		}
	}
	var dropped []string
	for _, d := range olds {
		if err := admin.Drop(ctx, d); err != nil {
			return err
		}
		dropped = append(dropped, d)
	}
	c.stderrf("%s dropped %v\n", c.IO.ColorScheme().SuccessIcon(), dropped)
	return c.writeDropped(env.Name, dropped)
}

func (c *common) writeDropped(env string, dropped []string) error {
	if !c.Exporter.Enabled() {
		return nil
	}
	if dropped == nil {
		dropped = []string{}
	}
	doc := c.Exporter.Filter(map[string]any{"env": env, "dropped": dropped})
	doc["schemaVersion"] = cmdutil.SchemaVersion
	return c.Exporter.Write(c.IO.Out, doc)
}
