package targets

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RestartRequest is one `ctl restart`.
type RestartRequest struct {
	// Components (Kubernetes) or roles (ssh) to restart; empty: all.
	Components []string
	// Workloads (Kubernetes: "deployment/web"), when set, are restarted
	// instead of the components' (ctl config --restart: the consumers of
	// changed keys).
	Workloads []string
	// Parallel is how many ssh hosts restart at once (default 1).
	Parallel int
	// Timeout bounds each workload's rollout (or host's health check).
	Timeout time.Duration
	// Progress is told of every change (nil: nothing).
	Progress func(RestartProgress)
	// At is the restart's time (the restartedAt annotation).
	At time.Time
}

// RestartProgress is where one workload (or host) is.
type RestartProgress struct {
	Component string // component or role
	Workload  string // e.g. deployment/web, or the host
	Method    string // restartedAt, pod-by-pod, systemctl
	Ready     int
	Desired   int
	Updated   int
	Phase     string // rolling, healthy, failed, checking
}

// RestartOutcome is how one workload's (or host's) restart ended.
type RestartOutcome struct {
	Component string        `json:"component"`
	Workload  string        `json:"workload"`
	Method    string        `json:"method"`
	Ready     int           `json:"ready"`
	Desired   int           `json:"desired"`
	Duration  time.Duration `json:"-"`
	Error     string        `json:"error,omitempty"`
}

// RestartFailure is a rollout that failed: why, and what the new pods
// (or the host) said.
type RestartFailure struct {
	Workload string
	Reason   string // CrashLoopBackOff, ImagePullBackOff, FailedScheduling, ProgressDeadlineExceeded, health check
	Message  string
	// Evidence is, per pod or host, its events and last log lines.
	Evidence []Evidence
}

// Evidence is what one pod or host says of a failure.
type Evidence struct {
	Name   string
	Events []string
	Logs   []string
}

func (e *RestartFailure) Error() string {
	msg := fmt.Sprintf("%s: restart failed: %s", e.Workload, e.Reason)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Details renders the evidence for a person.
func (e *RestartFailure) Details() string {
	var b strings.Builder
	for _, ev := range e.Evidence {
		fmt.Fprintf(&b, "── %s\n", ev.Name)
		if len(ev.Events) > 0 {
			b.WriteString("  events:\n")
			for _, l := range ev.Events {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
		if len(ev.Logs) > 0 {
			b.WriteString("  last log lines:\n")
			for _, l := range ev.Logs {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	return b.String()
}

// Restarter is implemented by targets that can restart their processes
// (Kubernetes workloads, ssh units).
type Restarter interface {
	// Restart restarts and waits; it stops at the first failure (a
	// *RestartFailure) and returns what it did so far.
	Restart(ctx context.Context, r RestartRequest) ([]RestartOutcome, error)
	// RestartPlan says what Restart would do, for the guard.
	RestartPlan(ctx context.Context, r RestartRequest) ([]string, error)
}
