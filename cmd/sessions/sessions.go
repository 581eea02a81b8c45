// Package sessions implements `ctl sessions`: the local session trail.
package sessions

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/tableprinter"
	"github.com/ctlops/ctl/shells"
)

// Options are the inputs of `ctl sessions`.
type Options struct {
	IO *iostreams.IOStreams
	// TrailPath locates the trail file ("" when it cannot be located).
	TrailPath func() string
	Now       func() time.Time
	Env       string
	Limit     int
	Exporter  cmdutil.Exporter
}

// Fields are the JSON fields of one session.
var Fields = []string{
	"user", "host", "env", "target", "context", "namespace", "pod", "container",
	"remoteHost", "remoteUser", "verb", "command", "start", "durationMs", "exitCode", "error",
}

// DefaultLimit is how many sessions are listed without --limit.
const DefaultLimit = 20

// maxWarnings is how many malformed lines are reported one by one.
const maxWarnings = 3

// NewCmdSessions builds the command; runF replaces the run in tests.
func NewCmdSessions(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{
		IO:        f.IOStreams,
		TrailPath: func() string { return shells.TrailPath(f.Getenv) },
		Now:       time.Now,
	}
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List the sessions you ran from this machine",
		Long: `List the sessions (shell, pyshell, dbshell, exec, manage) recorded in
this machine's session trail, newest first: when, where, what ran, how
long it took and how it ended.

The trail is $XDG_STATE_HOME/ctl/sessions.jsonl (default
~/.local/state/ctl/sessions.jsonl), one JSON record per line. It is
local to you: nothing is sent anywhere, and secrets in commands are
masked before they are written.`,
		Example: `  $ ctl sessions
  $ ctl sessions --env prod --limit 5
  $ ctl sessions --limit 0 --json=start,env,verb,command,exitCode`,
		Args:    cmdutil.NoArgs,
		GroupID: "envs",
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Limit < 0 {
				return exitcode.Usagef("--limit must be 0 (no limit) or more, got %d", opts.Limit)
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Env, "env", "", "Only sessions in the environment `name`")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "L", DefaultLimit, "Show at most `n` sessions (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("env", cmdutil.CompleteEnvs(f))
	cmdutil.AddJSONFlags(cmd, &opts.Exporter, Fields)
	return cmd
}

// Run prints the trail.
func Run(opts *Options) error {
	path := opts.TrailPath()
	recs, errs := shells.ReadTrail(path)
	if err := warn(opts.IO, path, errs); err != nil {
		return err
	}
	recs = Select(recs, opts.Env, opts.Limit)

	if opts.Exporter.Enabled() {
		sessions := make([]map[string]any, 0, len(recs))
		for _, r := range recs {
			sessions = append(sessions, opts.Exporter.Filter(toMap(r)))
		}
		return opts.Exporter.Write(opts.IO.Out, map[string]any{"schemaVersion": cmdutil.SchemaVersion, "sessions": sessions})
	}

	out := opts.IO.Out
	if len(recs) == 0 {
		if opts.IO.IsStdoutTTY() {
			what := "no sessions recorded yet"
			if opts.Env != "" {
				what = fmt.Sprintf("no sessions recorded for %s yet", opts.Env)
			}
			fmt.Fprintf(opts.IO.ErrOut, "%s (trail: %s)\n", what, path)
		}
		return nil
	}
	if !opts.IO.IsStdoutTTY() {
		for _, r := range recs {
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n",
				r.Start.Format(time.RFC3339), r.Env, r.Verb, oneLine(r.Where()), r.ExitCode, r.DurationMs, oneLine(strings.Join(r.Command, " ")))
		}
		return nil
	}

	cs := opts.IO.ColorScheme()
	now := opts.Now()
	rows := make([][]string, 0, len(recs)+1)
	rows = append(rows, []string{cs.Bold("START"), cs.Bold("ENV"), cs.Bold("VERB"), cs.Bold("WHERE"), cs.Bold("EXIT"), cs.Bold("DURATION")})
	for _, r := range recs {
		where := oneLine(r.Where())
		if where == "" {
			where = "-"
		}
		exit := strconv.Itoa(r.ExitCode)
		if r.ExitCode == 0 && r.Error == "" {
			exit = cs.Green(exit)
		} else {
			exit = cs.Red(exit)
		}
		rows = append(rows, []string{cs.Muted(Ago(now, r.Start)), r.Env, r.Verb, where, exit, Duration(r.DurationMs)})
	}
	// The command takes what the other columns leave of the terminal.
	used := 0
	for i := range rows[0] {
		w := 0
		for _, row := range rows {
			w = max(w, lipgloss.Width(row[i]))
		}
		used += w + 2
	}
	room := max(opts.IO.TerminalWidth()-used, 20)
	var tb tableprinter.Table
	for i, row := range rows {
		if i == 0 {
			tb.AddRow(append(row, cs.Bold("COMMAND"))...)
			continue
		}
		r := recs[i-1]
		command := cs.Muted("(interactive)")
		if strings.HasSuffix(r.Verb, "--tunnel-only") {
			command = cs.Muted("(tunnel only)") // no client ran
		}
		if len(r.Command) > 0 {
			command = truncate(oneLine(strings.Join(r.Command, " ")), room)
		}
		tb.AddRow(append(row, command)...)
	}
	return tb.Render(out)
}

// warn prints malformed trail lines on stderr (the first few, then a
// count). An error that is not about one line (the trail cannot be read)
// is returned.
func warn(io *iostreams.IOStreams, path string, errs []error) error {
	cs := iostreams.NewColorScheme(io.ColorEnabled() && io.IsStderrTTY())
	n := 0
	for _, err := range errs {
		var le *shells.TrailLineError
		if !errors.As(err, &le) {
			if errors.Is(err, shells.ErrNoTrailPath) {
				return exitcode.WithHint(err, "set HOME, or XDG_STATE_HOME to an absolute directory")
			}
			return fmt.Errorf("reading the session trail: %w", err)
		}
		n++
		if n <= maxWarnings {
			fmt.Fprintf(io.ErrOut, "%s %s (skipped)\n", cs.Yellow("warning:"), le)
		}
	}
	if n > maxWarnings {
		fmt.Fprintf(io.ErrOut, "%s %d more malformed lines in %s (skipped)\n", cs.Yellow("warning:"), n-maxWarnings, path)
	}
	return nil
}

// Select keeps the sessions of env (all when ""), newest first, at most
// limit of them (all when 0).
func Select(recs []shells.SessionRecord, env string, limit int) []shells.SessionRecord {
	out := make([]shells.SessionRecord, 0, len(recs))
	for _, r := range recs {
		if env == "" || r.Env == env {
			out = append(out, r)
		}
	}
	// Lines are appended when sessions end; list by start.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.After(out[j].Start) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func toMap(r shells.SessionRecord) map[string]any {
	command := r.Command
	if command == nil {
		command = []string{}
	}
	return map[string]any{
		"user": r.User, "host": r.Host, "env": r.Env, "target": r.Target,
		"context": r.Context, "namespace": r.Namespace, "pod": r.Pod, "container": r.Container,
		"remoteHost": r.RemoteHost, "remoteUser": r.RemoteUser, "verb": r.Verb, "command": command, "start": r.Start.Format(time.RFC3339Nano),
		"durationMs": r.DurationMs, "exitCode": r.ExitCode, "error": r.Error,
	}
}

// Ago renders t relative to now: "just now", "5m ago", "3h ago",
// "2d ago", then the date.
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
	return t.Local().Format("2006-01-02")
}

// Duration renders milliseconds for humans: 850ms, 4.2s, 3m04s, 1h02m.
func Duration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// oneLine replaces control characters (newlines, tabs, escapes) so that a
// record stays on one line and cannot drive the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
