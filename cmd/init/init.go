// Package initcmd implements `ctl init`: a commented ctl.yaml from what is
// found in the project and the kubeconfig.
package initcmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/checks/scaffold"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets/kube"
)

// Options are the inputs of `ctl init`.
type Options struct {
	IO      *iostreams.IOStreams
	Cwd     func() (string, error)
	App     string
	Force   bool
	Print   bool
	NoKube  bool
	Timeout time.Duration
	Getenv  func(string) string
	Kube    func(ctx context.Context, kubeContext string) (*kube.Connection, error)
}

// NewCmdInit builds the command; runF replaces the run in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Cwd: f.Cwd, Getenv: f.Getenv, Kube: f.Kube}
	cmd := &cobra.Command{
		Use:   "init [flags]",
		Short: "Write a commented ctl.yaml from what is found here",
		Long: `Write ctl.yaml next to the project's manage.py, from what is found: the
settings module (from manage.py, wsgi.py or asgi.py), a virtualenv, .env,
and, in every kubeconfig context, the namespaces that look like the app's
(labelled app.kubernetes.io/part-of=<app>, or named after it: myapp-qa
becomes the environment qa; prod and production are marked protected).

Each cluster gets one bounded list call (--timeout); an unreachable one is
noted in the file and skipped. An existing ctl.yaml is never replaced
without --force, and the file is written atomically. --print writes it to
standard output instead.`,
		Example: `  $ ctl init
  $ ctl init --print --no-kube
  $ ctl init --app shop --force`,
		Args:    cmdutil.NoArgs,
		GroupID: "envs",
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Timeout <= 0 {
				return cmdutil.UsageErrorf("--timeout must be positive, got %s", opts.Timeout)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.App, "app", "", "App `name` (default: the settings package, else the directory's name)")
	fl.BoolVar(&opts.Force, "force", false, "Replace an existing ctl.yaml")
	fl.BoolVar(&opts.Print, "print", false, "Write the configuration to standard output, not to ctl.yaml")
	fl.BoolVar(&opts.NoKube, "no-kube", false, "Do not look at the kubeconfig or ask any cluster")
	fl.DurationVar(&opts.Timeout, "timeout", 3*time.Second, "Give up on a cluster after this `duration`")
	return cmd
}

// Run discovers, renders and writes.
func Run(ctx context.Context, opts *Options) error {
	cwd, err := opts.Cwd()
	if err != nil {
		return err
	}
	found, err := scaffold.Discover(ctx, scaffold.Options{Cwd: cwd, App: opts.App, NoKube: opts.NoKube, Timeout: opts.Timeout, Getenv: opts.Getenv, Kube: opts.Kube})
	if err != nil {
		return err
	}
	data := scaffold.Render(found)
	if opts.Print {
		_, err := opts.IO.Out.Write(data)
		return err
	}
	path := found.Path()
	if err := scaffold.Write(path, data, opts.Force); err != nil {
		if errors.Is(err, scaffold.ErrExists) {
			return exitcode.WithHint(err, "ctl init --force replaces it; ctl init --print shows what would be written")
		}
		return err
	}
	names := []string{"local"}
	for _, k := range found.Kube {
		names = append(names, k.Name)
	}
	display := path
	if r, err := filepath.Rel(cwd, path); err == nil && !strings.HasPrefix(r, "..") {
		display = r
	}
	if !opts.IO.IsStdoutTTY() {
		fmt.Fprintln(opts.IO.Out, path)
		return nil
	}
	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.Out, "%s Wrote %s: environments %s\n", cs.SuccessIcon(), display, strings.Join(names, ", "))
	if !found.HasManage {
		fmt.Fprintf(opts.IO.Out, "%s no manage.py was found here or above; set dir: for local\n", cs.WarningIcon())
	}
	for _, n := range found.Notes {
		fmt.Fprintf(opts.IO.Out, "%s %s\n", cs.WarningIcon(), n)
	}
	fmt.Fprintf(opts.IO.Out, "%s\n", cs.Muted("Next: review it, then run ctl doctor"))
	return nil
}
