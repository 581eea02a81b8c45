// Package front is `ctl` itself: a start-up front that answers the lean
// commands (version, env, audit, completion, help) at once and hands every
// other command, argv unchanged, to ctl-full — the whole tree, linked with
// client-go, pgx, huh and bubbletea, whose package initialisation alone
// costs more than the start-up budget. On Unix the hand-over replaces the
// process (execve), so the terminal, signals and exit code are ctl-full's
// own, with nothing in between.
package front

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/rootbase"
	"github.com/ctlops/ctl/internal/build"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
	_ "github.com/ctlops/ctl/targets/local" // env show of a local environment
)

// FullName is the binary the front hands commands to.
const FullName = "ctl-full"

// FullEnv names ctl-full explicitly (packagers, tests).
const FullEnv = "CTL_FULL"

// Verb is a top-level command that runs in ctl-full, as `ctl --help` lists it.
type Verb struct {
	Name    string
	Aliases []string
	Short   string
	GroupID string
	// Passthrough verbs exit with their child's code (255 for ctl's own failures).
	Passthrough bool
}

// Main runs ctl and returns its exit code.
func Main() int {
	args := os.Args[1:]
	if completesDelegated(args) {
		return handOver(iostreams.System(os.Getenv), args)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ios := iostreams.System(os.Getenv)
	f := cmdutil.New(ios)
	targets.SetFront()
	root := NewCmdRoot(f, func(*cobra.Command) error {
		stop() // ctl-full handles its own signals
		return handOverErr(args)
	})
	cmd, err := rootbase.Run(ctx, root, args)
	if errors.Is(err, targets.ErrNotLinked) {
		stop()
		return handOver(ios, args)
	}
	return rootbase.Report(ctx, ios, cmd, err)
}

// NewCmdRoot builds the front's tree: the lean commands, and a stub per
// delegated verb that calls delegate. The stubs parse nothing (their flags
// are ctl-full's business), and their help is ctl-full's too.
func NewCmdRoot(f *cmdutil.Factory, delegate func(*cobra.Command) error) *cobra.Command {
	root := rootbase.New(f)
	rootbase.AddLean(root, f)
	for _, v := range Delegated {
		c := &cobra.Command{
			Use:                v.Name,
			Aliases:            v.Aliases,
			Short:              v.Short,
			GroupID:            v.GroupID,
			DisableFlagParsing: true,
			RunE:               func(c *cobra.Command, _ []string) error { return delegate(c) },
		}
		if v.Passthrough {
			cmdutil.MarkPassthrough(c)
		}
		c.SetHelpFunc(func(c *cobra.Command, _ []string) {
			if err := delegate(c); err != nil {
				fmt.Fprintln(f.IOStreams.ErrOut, "error:", err)
			}
		})
		root.AddCommand(c)
	}
	return root
}

// completesDelegated: `ctl __complete shell ...` (what the completion
// scripts run) is ctl-full's to answer when the verb is delegated.
func completesDelegated(args []string) bool {
	if len(args) < 2 || (args[0] != cobra.ShellCompRequestCmd && args[0] != cobra.ShellCompNoDescRequestCmd) {
		return false
	}
	// skip root flags (--config FILE) before the verb
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--config" {
			i++
			continue
		}
		if len(a) > 0 && a[0] == '-' {
			continue
		}
		return i < len(args)-1 && isDelegated(a) // the last word is being completed
	}
	return false
}

func isDelegated(name string) bool {
	for _, v := range Delegated {
		if v.Name == name || slices.Contains(v.Aliases, name) {
			return true
		}
	}
	return false
}

// NotFoundError: ctl-full is not installed where the front looks.
type NotFoundError struct{ Looked []string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s not found (looked in %v and on PATH): this command runs in %s, which ships next to ctl", FullName, e.Looked, FullName)
}

// Hint says how to install it.
func (e *NotFoundError) Hint() string {
	v := build.Version
	if v == "dev" {
		v = "latest"
	}
	return fmt.Sprintf("install both binaries from one release archive or package, or: go install github.com/ctlops/ctl/cmd/%s@%s (or set $%s)", FullName, v, FullEnv)
}

// FindFull locates ctl-full: $CTL_FULL, next to this executable (symlinks
// resolved), ../libexec/ctl/ under it, then PATH.
func FindFull(getenv func(string) string, executable func() (string, error), lookPath func(string) (string, error)) (string, error) {
	if p := getenv(FullEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$%s: %w", FullEnv, err)
		}
		return p, nil
	}
	var looked []string
	if exe, err := executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dir := filepath.Dir(exe)
		for _, p := range []string{filepath.Join(dir, FullName+exeSuffix), filepath.Join(dir, "..", "libexec", "ctl", FullName+exeSuffix)} {
			looked = append(looked, filepath.Dir(filepath.Clean(p)))
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
	}
	if p, err := lookPath(FullName); err == nil {
		return p, nil
	}
	return "", &NotFoundError{Looked: looked}
}

// handOverErr runs ctl-full in place of this process; it returns only when
// that cannot be done.
func handOverErr(args []string) error {
	full, err := FindFull(os.Getenv, os.Executable, execLookPath)
	if err != nil {
		return err
	}
	env := []string{build.FrontVersionEnv + "=" + build.Info()}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, build.FrontVersionEnv+"=") {
			env = append(env, kv)
		}
	}
	return run(full, args, env)
}

func handOver(ios *iostreams.IOStreams, args []string) int {
	return rootbase.Report(context.Background(), ios, nil, handOverErr(args))
}
