package targets

import (
	"context"
	"fmt"
	"io"
	"time"
)

// RunRequest is one one-off command (`ctl run`, `ctl migrate`): on
// Kubernetes a Job built from the component's Deployment, elsewhere a
// process like `ctl exec`'s.
type RunRequest struct {
	Argv []string
	// Display is Argv as ctl shows and records it, secrets redacted (the
	// Job's command annotation); Argv joined when empty.
	Display string
	// TTY attaches a terminal (stdin and stdout are one).
	TTY bool
	// Stdin is streamed to the command when set (nil: none).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Detach starts the command and returns its name at once.
	Detach bool
	// Deadline bounds the run (Kubernetes: activeDeadlineSeconds).
	Deadline time.Duration
	// User and Session label what ctl starts (who, which invocation).
	User, Session string
	// Started is called once the run has a name (before it runs).
	Started func(RunInfo)
	// Verb names the run (Kubernetes: the Job is <deployment>-<verb>-xxxxx
	// and labelled with it); "run" when empty.
	Verb string
	// Size overrides the app container's resources (Kubernetes: requests
	// and limits alike): "cpu=2,memory=4Gi", either left out at will.
	Size string
}

// RunInfo says what a run is: its name (Job name, unit, pid), the image
// it runs (pinned to a digest when known) and where.
type RunInfo struct {
	Name  string `json:"name"`
	Image string `json:"image,omitempty"`
	Pod   string `json:"pod,omitempty"`
	Host  string `json:"host,omitempty"`
	// Log is where a detached run's output goes (ssh: its log file).
	Log string `json:"log,omitempty"`
}

// RunResult is how a run ended (or, detached, that it started).
type RunResult struct {
	RunInfo
	ExitCode int
	// Reason is the end when it was not the command's own exit
	// (DeadlineExceeded, deleted...).
	Reason string
}

// RunSummary is one run in `ctl run --list`.
type RunSummary struct {
	Name    string    `json:"name"`
	User    string    `json:"user"`
	Command string    `json:"command"`
	Status  string    `json:"status"`
	Started time.Time `json:"started"`
}

// Runner is implemented by targets that start one-off commands apart from
// the serving processes (Kubernetes Jobs, ssh detached units).
type Runner interface {
	RunJob(ctx context.Context, r RunRequest) (RunResult, error)
	// ListRuns lists the runs ctl started that still exist.
	ListRuns(ctx context.Context) ([]RunSummary, error)
	// AttachRun follows a detached run to its end (its exit code).
	AttachRun(ctx context.Context, name string, r RunRequest) (RunResult, error)
	// KillRun stops and deletes a run.
	KillRun(ctx context.Context, name string) error
}

// LockHeldError: another ctl holds the lock (a concurrent migrate).
type LockHeldError struct {
	Name, Holder string
	Since        time.Time
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("another run holds the lock %s: %s, since %s", e.Name, e.Holder, e.Since.UTC().Format(time.RFC3339))
}

// Hint says how to go on.
func (e *LockHeldError) Hint() string {
	return "wait for it to finish (its lock expires a minute after its ctl stops renewing it)"
}

// Locker is implemented by targets that can hold a lock visible to every
// ctl working on the environment (Kubernetes: a Lease).
type Locker interface {
	// Lock takes the lock name for holder, renewing it until release is
	// called; a lock held by someone else is a *LockHeldError.
	Lock(ctx context.Context, name, holder string) (release func(), err error)
}

// JobRerunner is implemented by targets that can re-run an existing Job
// (the chart's migration Job).
type JobRerunner interface {
	RerunJob(ctx context.Context, name string, r RunRequest) (RunResult, error)
}
