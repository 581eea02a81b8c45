package session

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
)

// Options are what the five session verbs (shell, pyshell, exec, manage,
// dbshell) share, embedded in each verb's own Options: the environment,
// where in it (--component, --pod, -c, --host, --role, --all), the
// confirmation of a protected environment, what follows --, and the
// Factory's dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Target func(context.Context, string, targets.Options) (targets.Target, error)
	F      *cmdutil.Factory

	// Env is the environment's name (the first argument).
	Env string
	// Where says where in the environment (pod, container, host...).
	Where targets.Options
	// Yes is --yes: confirm a protected environment without typing its name.
	Yes bool
	// Args is what follows -- (a command, manage.py's or psql's arguments).
	Args []string
}

// NewOptions fills the dependencies from the Factory.
func NewOptions(f *cmdutil.Factory) Options {
	return Options{IO: f.IOStreams, Target: f.Target, F: f}
}

// AddFlags adds the flags every session verb has; all says whether --all
// (every host at once) makes sense for the verb.
func (o *Options) AddFlags(cmd *cobra.Command, all bool) {
	cmdutil.AddWhereFlags(cmd, &o.Where)
	cmdutil.AddHostFlags(cmd, &o.Where, all)
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Confirm a protected environment without the typed confirmation")
	cmdutil.MarkPassthrough(cmd)
}

// SetArgs takes the environment and what follows -- from the arguments.
func (o *Options) SetArgs(cmd *cobra.Command, args []string) {
	before, after := cmdutil.SplitDash(cmd, args)
	o.Env, o.Args = before[0], after
}

// Resolve builds the environment's target (ctx cancels discovery) and
// checks the host flags against it.
func (o *Options) Resolve(ctx context.Context) (targets.Target, error) {
	t, err := o.Target(ctx, o.Env, o.Where)
	if err != nil {
		return nil, err
	}
	if err := cmdutil.CheckHostFlags(t, o.Where); err != nil {
		return nil, err
	}
	return t, nil
}
