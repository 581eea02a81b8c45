// Package session runs a guarded, recorded session in an environment: the
// confirmation for protected environments, the banner and the trail.
package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// RunInTarget runs argv (empty: the target's shell) with ctl's streams and
// turns a non-zero exit code into *exitcode.ExitError, so that Main
// passes it through.
func RunInTarget(ctx context.Context, io *iostreams.IOStreams, t targets.Target, argv []string) error {
	tty := io.IsStdinTTY() && io.IsStdoutTTY()
	code, err := t.Run(ctx, targets.Command{
		Argv:    argv,
		TTY:     tty,
		NoStdin: !tty && io.IsStdinTTY(),
		Stdin:   io.In,
		Stdout:  io.Out,
		Stderr:  io.ErrOut,
	})
	if err != nil {
		return err
	}
	return CodeError(code)
}

// CodeError is nil for 0 and an *exitcode.ExitError otherwise.
func CodeError(code int) error {
	if code == 0 {
		return nil
	}
	return &exitcode.ExitError{Code: code}
}

// Run is one guarded, recorded session of a verb.
type Run struct {
	IO      *iostreams.IOStreams
	F       *cmdutil.Factory
	Target  targets.Target
	Verb    string   // shell, pyshell, exec, manage, dbshell --write...
	Command []string // what runs (recorded, redacted)
	Yes     bool     // --yes
}

// Guarded runs fn behind the production guard and appends the session to
// the local trail (and, where the target can, an Event on the pod).
func (s Run) Guarded(ctx context.Context, fn func() error) error {
	env := s.Target.Env()
	rec := shells.SessionRecord{User: currentUser(), Env: env.Name, Target: env.Target, Verb: s.Verb, Command: s.Command}
	if h, err := os.Hostname(); err == nil {
		rec.Host = h
	}
	where := ""
	if d, ok := s.Target.(targets.Described); ok {
		where = d.Where()
	} else if l, ok := s.Target.(targets.InProject); ok {
		where = l.Dir()
	}
	sess := shells.Begin(rec, time.Now)
	err := shells.Guard(s.IO, s.F.Prompter(), shells.GuardRequestFor(env, where, s.Verb, s.Yes))
	if err == nil {
		err = fn()
	}
	if d, ok := s.Target.(targets.Described); ok {
		sess.SetPlacement(d.Placement())
	}
	if h, ok := s.Target.(targets.Hosted); ok {
		sess.SetRemote(h.SessionHost(context.WithoutCancel(ctx)))
	}
	code := cmdutil.ExitCode(err, true)
	final, terr := sess.Finish(shells.TrailPath(s.F.Getenv), code, err)
	if terr != nil && !errors.Is(terr, shells.ErrNoTrailPath) {
		fmt.Fprintf(s.IO.ErrOut, "warning: session trail not written: %v\n", terr)
	}
	if r, ok := s.Target.(targets.EventRecorder); ok && final.Pod != "" {
		_ = r.RecordEvent(context.WithoutCancel(ctx), targets.SessionEvent{
			User: final.User, Verb: s.Verb, Command: strings.Join(final.Command, " "),
			ExitCode: final.ExitCode, Duration: time.Duration(final.DurationMs) * time.Millisecond,
		})
	}
	return err
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
