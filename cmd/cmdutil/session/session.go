// Package session runs a guarded, recorded session in an environment: the
// confirmation for protected environments, the banner and the trail.
package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	return runInTarget(ctx, io, t, argv, nil)
}

func runInTarget(ctx context.Context, io *iostreams.IOStreams, t targets.Target, argv []string, started func()) error {
	tty := io.IsStdinTTY() && io.IsStdoutTTY()
	code, err := t.Run(ctx, targets.Command{
		Argv:    argv,
		TTY:     tty,
		NoStdin: !tty && io.IsStdinTTY(),
		Stdin:   io.In,
		Stdout:  io.Out,
		Stderr:  io.ErrOut,
		Started: started,
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
	// Ran, when set, is called after the session: what really ran, known
	// only once it started (shell_plus, the database client, nil for a
	// tunnel), recorded instead of Command.
	Ran func() []string
	// Artifact, when fn fills it, is recorded in the trail (a dump's
	// file, size and sha256).
	Artifact *shells.Artifact
	// Workload, when fn fills it, is recorded in the trail (the Job and
	// image of a run, a restart's outcome).
	Workload *shells.Workload
	// Action, when set, replaces the guard's description of the verb
	// (what it will do: "create a Job running …").
	Action string
	// NoGuard: the verb ran the production guard itself (ctl db restore
	// asks for --yes and the typed confirmation).
	NoGuard bool
	// OwnCodes: the verb exits with ctl's own codes (1, 2, 130), not a
	// child's, so the trail records those rather than 255.
	OwnCodes bool
}

// RunShell is RunInTarget for an interactive verb: on a terminal it first
// says on stderr where the session runs (the pod and container, or the
// host), once the target has chosen.
func RunShell(ctx context.Context, io *iostreams.IOStreams, t targets.Target, argv []string) error {
	d, ok := t.(targets.Described)
	if !ok || !io.IsStderrTTY() {
		return RunInTarget(ctx, io, t, argv)
	}
	cs := io.ColorScheme()
	return runInTarget(ctx, io, t, argv, func() {
		fmt.Fprintf(io.ErrOut, "%s %s %s\n", cs.SuccessIcon(), cs.Bold(t.Env().Name), d.Where())
	})
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
	var err error
	if !s.NoGuard {
		shown := s.Verb
		if s.Action != "" {
			shown = s.Action
		}
		err = shells.Guard(s.IO, s.F.Prompter(), shells.GuardRequestFor(env, where, shown, s.Yes))
	}
	started := err == nil
	if started {
		err = fn()
		if s.Ran != nil {
			sess.SetCommand(s.Ran())
		}
	}
	err = exitcode.FromSignal(ctx, err)
	if d, ok := s.Target.(targets.Described); ok {
		sess.SetPlacement(d.Placement())
	}
	if h, ok := s.Target.(targets.Hosted); ok {
		sess.SetRemote(h.SessionHost(context.WithoutCancel(ctx)))
	}
	if s.Artifact != nil && s.Artifact.Path != "" {
		sess.SetArtifact(*s.Artifact)
	}
	if s.Workload != nil {
		sess.SetWorkload(*s.Workload)
	}
	code := cmdutil.ExitCode(err, !s.OwnCodes)
	final, terr := sess.Finish(shells.TrailPath(s.F.Getenv), code, err)
	if terr != nil && !errors.Is(terr, shells.ErrNoTrailPath) {
		fmt.Fprintf(s.IO.ErrOut, "warning: session trail not written: %v\n", terr)
	}
	if r, ok := s.Target.(targets.EventRecorder); ok && started {
		_ = r.RecordEvent(context.WithoutCancel(ctx), targets.SessionEvent{
			User: final.User, Verb: s.Verb, Command: strings.Join(final.Command, " "),
			ExitCode: final.ExitCode, Duration: time.Duration(final.DurationMs) * time.Millisecond,
		})
	}
	return err
}

// CurrentUser is who runs ctl, for the trail and the labels of what a
// verb starts.
func CurrentUser() string { return currentUser() }

// NewID names one invocation (the session label of what it starts).
func NewID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
