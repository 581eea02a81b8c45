// Package logs implements `ctl logs ENV [COMPONENT...]`.
package logs

import (
	"context"
	"regexp"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/shells/logs"
	"github.com/ctlops/ctl/targets"
)

// Options are the inputs of `ctl logs`.
type Options struct {
	IO     *iostreams.IOStreams
	Target func(context.Context, string, targets.Options) (targets.Target, error)

	Env        string
	Components []string
	Where      targets.Options

	Follow     bool
	NoFollow   bool
	Since      time.Duration
	Tail       int
	Grep       string
	Exclude    string
	Level      string
	Timestamps bool
	Previous   bool
	JSON       bool
	MaxStreams int

	followSet bool
}

// NewCmdLogs builds the command; runF replaces the run in tests.
func NewCmdLogs(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Target: f.Target}
	cmd := &cobra.Command{
		Use:   "logs <env> [<component>...] [flags]",
		Short: "Every process of an environment in one stream",
		Long: `Read the logs of an environment's processes, merged into one stream with a
short prefix per stream (web/7f9c, worker/x2k4p:nginx, web1).

Kubernetes: the pods of the components (all configured components when
none is named), watched: a pod that starts is followed from its first
line, a deleted one dropped, a restarted container followed again after a
marker line; init containers and Job pods are included.
ssh: the environment's configured logs (journald units, files, docker
containers) on every host (--host, --role to choose), merged.
local: the configured log files.

JSON log lines (python-json-logger, structlog, gunicorn/uvicorn access
logs) are shown as "time level logger message"; --json writes NDJSON
envelopes {schemaVersion, env, component, pod|host, container, ts,
line|json} instead. On protected environments the database password and
SECRET_KEY are masked. Ctrl-C ends every stream (exit 130).`,
		Example: `  $ ctl logs qa
  $ ctl logs qa web worker --since 1h -g 'Traceback|ERROR'
  $ ctl logs prod --level '>=warning'
  $ ctl logs qa migrate --tail 100 --no-follow
  $ ctl logs prod --role web --json | jq 'select(.json.levelname == "ERROR")'`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env, opts.Components = args[0], args[1:]
			opts.followSet = cmd.Flags().Changed("follow") || cmd.Flags().Changed("no-follow")
			if opts.NoFollow && cmd.Flags().Changed("follow") && opts.Follow {
				return cmdutil.UsageErrorf("--follow and --no-follow contradict each other")
			}
			if opts.Previous && opts.Follow && cmd.Flags().Changed("follow") {
				return cmdutil.UsageErrorf("--previous reads finished instances: it cannot --follow")
			}
			if opts.Tail < -1 {
				return cmdutil.UsageErrorf("--tail must be a number of lines, or -1 for all")
			}
			if opts.Since < 0 {
				return cmdutil.UsageErrorf("--since must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "Keep following the streams, and new pods (default on a terminal)")
	fl.BoolVar(&opts.NoFollow, "no-follow", false, "Print what there is and stop (default when not on a terminal)")
	fl.DurationVar(&opts.Since, "since", 10*time.Minute, "Start each stream this long ago (0: from its beginning)")
	fl.IntVar(&opts.Tail, "tail", -1, "Show at most this many past `lines` per stream (-1: all within --since)")
	fl.StringVarP(&opts.Grep, "grep", "g", "", "Show only lines matching this `regex`")
	fl.StringVar(&opts.Exclude, "exclude", "", "Hide lines matching this `regex`")
	fl.StringVar(&opts.Level, "level", "", "Structured lines of these levels only, e.g. '>=warning', 'error'")
	fl.BoolVar(&opts.Timestamps, "timestamps", false, "Print each line's time")
	fl.BoolVar(&opts.Previous, "previous", false, "Read the previous instance of restarted containers (Kubernetes)")
	fl.BoolVar(&opts.JSON, "json", false, "Write NDJSON envelopes (schemaVersion 1) instead of lines")
	fl.IntVar(&opts.MaxStreams, "max-streams", 0, "Read at most this many streams at once (default 200)")
	fl.StringVarP(&opts.Where.Container, "container", "c", "", "Only this container `name` (Kubernetes)")
	fl.StringVar(&opts.Where.Host, "host", "", "Only this `host` of an ssh environment")
	fl.StringVar(&opts.Where.Role, "role", "", "Only the hosts of this `role` of an ssh environment")
	return cmd
}

// Run reads the logs.
func Run(ctx context.Context, opts *Options) error {
	req := targets.LogRequest{
		Components: opts.Components, Since: opts.Since, Tail: opts.Tail, Previous: opts.Previous,
		Container: opts.Where.Container, MaxStreams: opts.MaxStreams,
	}
	switch {
	case opts.Follow:
		req.Follow = true
	case opts.NoFollow, opts.Previous:
		req.Follow = false
	default:
		req.Follow = opts.IO.IsStdoutTTY()
	}
	format := logs.Format{Env: opts.Env, JSON: opts.JSON, Timestamps: opts.Timestamps,
		Color: !opts.JSON && opts.IO.ColorEnabled()}
	var err error
	if opts.Grep != "" {
		if format.Grep, err = regexp.Compile(opts.Grep); err != nil {
			return cmdutil.UsageErrorf("--grep: %v", err)
		}
	}
	if opts.Exclude != "" {
		if format.Exclude, err = regexp.Compile(opts.Exclude); err != nil {
			return cmdutil.UsageErrorf("--exclude: %v", err)
		}
	}
	if format.Level, err = logs.ParseLevelFilter(opts.Level); err != nil {
		return cmdutil.UsageErrorf("%v", err)
	}
	t, err := opts.Target(ctx, opts.Env, opts.Where)
	if err != nil {
		return err
	}
	if err := cmdutil.CheckHostFlags(t, opts.Where); err != nil {
		return err
	}
	return logs.Run(ctx, logs.Options{
		Target: t, Request: req, Format: format,
		Out: opts.IO.Out, ErrOut: opts.IO.ErrOut, Header: !opts.JSON,
	})
}
