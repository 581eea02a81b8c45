package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/cmdutil/session"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/shells/dbdump"
	"github.com/ctlops/ctl/targets"
)

// DumpFields are the fields of `ctl db dump --json`.
var DumpFields = []string{"env", "file", "bytes", "sha256", "tables", "excludedTableData", "serverVersion", "pgDumpVersion", "durationMs", "dumpMs"}

// DumpOptions are the inputs of `ctl db dump`.
type DumpOptions struct {
	common
	Output         string
	Force          bool
	IncludeAllData bool
	Exclude        []string
	Remote         bool
}

// NewCmdDump builds `ctl db dump`; runF replaces the run in tests.
func NewCmdDump(f *cmdutil.Factory, runF func(context.Context, *DumpOptions) error) *cobra.Command {
	opts := &DumpOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "dump <env> [-o <file>]",
		Short: "Dump an environment's database to a verified custom-format file",
		Long: `Run pg_dump -Fc on the environment's database, through the same tunnel
as ctl dbshell, into a file. The password is in pg_dump's environment
only. First the server's major version is checked against the local
pg_dump's (pg_dump must be as new as the server).

The dump is written under a temporary name and renamed to <file> only
when pg_dump exited 0 and pg_restore --list reads it back; its size and
sha256 are printed and recorded in the session trail. Rows of session,
log and task-result tables are left out (their schema is kept); see
docs/db.md for the list, database.exclude_table_data to add to it and
--include-all-data to keep everything.`,
		Example: `  $ ctl db dump staging
  $ ctl db dump prod -o prod.dump --yes
  $ ctl db dump qa --exclude-table-data 'audit_*' --json`,
		Args:              cmdutil.EnvArg(false),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitcode.Usagef("ctl db dump takes one environment")
			}
			opts.Env = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunDump(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "", "File to write (default `<env>-<database>-<UTC time>.dump` in the current directory)")
	fl.BoolVar(&opts.Force, "force", false, "Replace the output file if it exists")
	fl.BoolVar(&opts.IncludeAllData, "include-all-data", false, "Dump every table's rows: no default exclusions (database.exclude_table_data still applies)")
	fl.StringSliceVar(&opts.Exclude, "exclude-table-data", nil, "Leave out the rows of these tables too (psql `pattern`s; repeatable)")
	fl.BoolVar(&opts.Remote, "remote", false, "Run pg_dump next to the database and stream the archive back (ssh: on the db role's host, else the app host; kubernetes: in the database's pod)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm a protected environment without the typed confirmation")
	cmdutil.AddWhereFlags(cmd, &opts.Where)
	cmdutil.AddHostFlags(cmd, &opts.Where, false)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, DumpFields)
	return cmd
}

// RunDump dumps the environment's database.
func RunDump(ctx context.Context, opts *DumpOptions) error {
	t, err := opts.Resolve(ctx)
	if err != nil {
		return err
	}
	env := t.Env()
	tools, err := dbdump.FindTools(opts.LookPath, opts.Environ)
	if err != nil {
		return err
	}
	dh, canRemote := t.(targets.DBHost)
	if opts.Remote && !canRemote {
		return exitcode.WithHint(exitcode.Usagef("--remote needs an ssh or kubernetes environment; %s is %s", env.Name, env.Target),
			"without --remote, pg_dump runs here through the tunnel; install the client matching the server's major version")
	}
	exclude := dbdump.ExcludeList(append(append([]string{}, env.Database.ExcludeTableData...), opts.Exclude...), opts.IncludeAllData)
	out := opts.Output
	start := opts.Now()
	art := &shells.Artifact{}
	cmdline := []string{"pg_dump", "--format=custom"}
	run := session.Run{IO: opts.IO, F: opts.F, Target: t, Verb: "db dump", Yes: opts.Yes, OwnCodes: true, Artifact: art}
	run.Command = cmdline
	return run.Guarded(ctx, func() error {
		db, done, err := postgres(ctx, t)
		if err != nil {
			return err
		}
		defer done()
		if out == "" {
			out = fmt.Sprintf("%s-%s-%s.dump", safeName(env.Name), safeName(db.Name), dbdump.Stamp(start))
		}
		if !opts.Force {
			if _, err := os.Stat(out); err == nil {
				return exitcode.WithHint(exitcode.Invalidf("%s exists", out), "choose another file with -o, or pass --force to replace it")
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
			return exitcode.Invalidf("cannot write %s: directory %s does not exist", out, filepath.Dir(out))
		}
		src := tools.Local(db, exclude)
		var clientV string
		var serverMajor int
		if opts.Remote {
			rdb, host, err := dh.DatabaseHost(ctx)
			if err != nil {
				return err
			}
			clientV, serverMajor, err = remoteVersion(ctx, dh, host, db, env.Name)
			if err != nil {
				return err
			}
			run := func(ctx context.Context, s targets.Command) (int, error) { return dh.RunOn(ctx, host, s) }
			src = dbdump.Remote(run, rdb, exclude, host)
			opts.stderrf("pg_dump runs on %s (--remote)\n", host)
		} else if clientV, serverMajor, err = dbdump.CheckVersion(ctx, tools, db, env.Name); err != nil {
			return err
		}
		est, err := dbdump.EstimateDump(ctx, db, exclude)
		if err != nil {
			return err
		}
		cs := opts.IO.ColorScheme()
		opts.stderrf("Dumping %s: PostgreSQL %d at %s/%s (credentials from %s) with pg_dump %s\n",
			cs.Bold(env.Name), serverMajor, db.Addr(), db.Name, db.Source, clientV)
		opts.stderrf("  into %s: %d tables, ~%s of table data\n", out, len(est.Tables), dbdump.Bytes(est.Bytes))
		if names := excludedNames(est); names != "" {
			opts.stderrf("  rows left out (schema kept): %s\n", names)
		}
		tr := dbdump.NewTracker("dump", len(est.Tables), est, opts.Now)
		disp := opts.display(tr)
		dumpStart := opts.Now()
		res, err := tools.DumpFile(ctx, src, out, tr)
		dumpMs := opts.Now().Sub(dumpStart).Milliseconds()
		disp.Stop(err == nil)
		if err != nil {
			return err
		}
		abs, _ := filepath.Abs(res.Path)
		*art = shells.Artifact{Path: abs, Bytes: res.Bytes, SHA256: res.SHA256}
		if opts.Exporter.Enabled() {
			doc := map[string]any{"env": env.Name, "file": abs, "bytes": res.Bytes, "sha256": res.SHA256, "tables": res.Tables,
				"excludedTableData": exclude, "serverVersion": serverMajor, "pgDumpVersion": clientV,
				"durationMs": opts.Now().Sub(start).Milliseconds(), "dumpMs": dumpMs}
			doc = opts.Exporter.Filter(doc)
			doc["schemaVersion"] = cmdutil.SchemaVersion
			return opts.Exporter.Write(opts.IO.Out, doc)
		}
		if opts.IO.IsStdoutTTY() {
			fmt.Fprintf(opts.IO.Out, "%s %s  %s  sha256 %s\n", cs.SuccessIcon(), res.Path, dbdump.Bytes(res.Bytes), res.SHA256)
		} else {
			fmt.Fprintf(opts.IO.Out, "%s\t%d\t%s\n", res.Path, res.Bytes, res.SHA256)
		}
		return nil
	})
}

// remoteVersion applies the version rule to pg_dump on host.
func remoteVersion(ctx context.Context, dh targets.DBHost, host string, db *targets.DB, env string) (string, int, error) {
	run := func(ctx context.Context, s targets.Command) (int, error) { return dh.RunOn(ctx, host, s) }
	major, v, err := dbdump.RemoteVersion(ctx, run, host)
	if err != nil {
		return "", 0, err
	}
	smajor, _, err := dbdump.ServerVersion(ctx, db)
	if err != nil {
		return "", 0, err
	}
	if major < smajor {
		return "", 0, &dbdump.VersionError{Tool: "pg_dump", ToolPath: "pg_dump on " + host, ToolVersion: v, ToolMajor: major, ServerMajor: smajor, Env: env}
	}
	return v + " on " + host, smajor, nil
}

func excludedNames(est *dbdump.Estimate) string {
	var names []string
	for _, t := range est.Excluded {
		n := t.Name
		if t.Schema != "public" {
			n = t.Qualified()
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// safeName keeps a name usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}
