// Package env wires `ctl env list` and `ctl env show`.
package env

import (
	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/env/list"
	"github.com/ctlops/ctl/cmd/env/show"
)

// NewCmdEnv is the `env` noun.
func NewCmdEnv(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env <command>",
		Short: "List and inspect environments",
		Long: `Environments are named places where the app runs: local, qa, staging, prod.
They come from ctl.yaml (found by walking up from the working directory),
merged with your personal $XDG_CONFIG_HOME/ctl/config.yaml. With no
configuration at all, the local environment is rooted at the nearest
directory holding manage.py.`,
	}
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return cmdutil.UsageErrorf("unknown command %q for \"ctl env\" (try: ctl env list, ctl env show NAME)", args[0])
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
	cmd.AddCommand(list.NewCmdList(f, nil))
	cmd.AddCommand(show.NewCmdShow(f, nil))
	return cmd
}
