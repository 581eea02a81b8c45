// Package status is the data behind `ctl status`: one row per environment
// (what runs where, is it healthy, did migrations run), fed by providers
// (Kubernetes informers, local probes) and published as coalesced
// snapshots, at most ~10 a second, so a view redraws only when something
// changed and never in a busy loop.
package status

import (
	"sort"
	"time"
)

// SchemaVersion is the version of the JSON documents and lines `ctl
// status` prints; it changes only when a field is removed or changes
// meaning.
const SchemaVersion = 1

// Health summarises an environment for colouring and sorting.
type Health string

const (
	HealthOK      Health = "ok"
	HealthWarn    Health = "warn"
	HealthFail    Health = "fail"
	HealthUnknown Health = "unknown"
)

// Component is one workload (Deployment or StatefulSet) of an environment.
type Component struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Ready   int32  `json:"ready"`
	Desired int32  `json:"desired"`
	// Rolling is true while a rollout of this workload is in progress.
	Rolling bool `json:"rolling"`
}

// Pod is one pod, for the detail pane.
type Pod struct {
	Name      string    `json:"name"`
	Component string    `json:"component,omitempty"`
	Phase     string    `json:"phase"`
	Ready     string    `json:"ready"` // "1/2"
	Restarts  int32     `json:"restarts"`
	Reason    string    `json:"reason,omitempty"` // CrashLoopBackOff, ...
	Node      string    `json:"node,omitempty"`
	Created   time.Time `json:"created"`
}

// Event is a Kubernetes event, for the row (last Warning) and the detail.
type Event struct {
	Time    time.Time `json:"time"`
	Type    string    `json:"type"`
	Object  string    `json:"object"`
	Reason  string    `json:"reason"`
	Message string    `json:"message"`
	Count   int32     `json:"count,omitempty"`
}

// Migration is the state of the environment's newest migration Job.
type Migration struct {
	Job      string    `json:"job"`
	State    string    `json:"state"` // Pending, Running, Succeeded, Failed
	Reason   string    `json:"reason,omitempty"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// Pods are the Job's pods, newest first (for its logs).
	Pods []string `json:"pods,omitempty"`
}

// Local is what a local environment reports.
type Local struct {
	Dir string `json:"dir,omitempty"`
	// Git is `git describe --always --dirty --tags` of the project.
	Git string `json:"git,omitempty"`
	// PendingMigrations counts `[ ]` lines of `manage.py showmigrations
	// --plan`; nil when it could not be run.
	PendingMigrations *int   `json:"pendingMigrations"`
	MigrationsError   string `json:"migrationsError,omitempty"`
	// DBReachable: the dev database answers a TCP connect (or the SQLite
	// file exists); nil when no database is configured.
	DBReachable *bool  `json:"dbReachable"`
	DB          string `json:"db,omitempty"` // host:port or file, never credentials
}

// Env is one environment's row.
type Env struct {
	Name      string `json:"name"`
	Target    string `json:"target"`
	Where     string `json:"where"`
	Protected bool   `json:"protected"`
	Health    Health `json:"health"`
	// Note explains an unknown health (not supported, error, loading).
	Note string `json:"note,omitempty"`

	Version    string      `json:"version,omitempty"`
	Components []Component `json:"components,omitempty"`
	// Restarts counts container restarts whose last termination was in
	// the last hour.
	Restarts        int32      `json:"restarts"`
	RolloutAt       time.Time  `json:"rolloutAt,omitzero"`
	RolloutProgress bool       `json:"rolloutInProgress"`
	Migration       *Migration `json:"migration,omitempty"`
	LastWarning     *Event     `json:"lastWarning,omitempty"`

	Pods   []Pod   `json:"pods,omitempty"`
	Events []Event `json:"events,omitempty"`

	Local *Local `json:"local,omitempty"`
	// Reachable is an SSH environment's host reachability.
	Reachable *bool `json:"reachable,omitempty"`
	// RevisionError says why an SSH environment's revision command gave
	// no version.
	RevisionError string `json:"revisionError,omitempty"`

	// Context and Namespace locate a Kubernetes environment.
	Context   string `json:"context,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

// Ready sums the components' ready and desired replicas.
func (e *Env) Ready() (ready, desired int32) {
	for _, c := range e.Components {
		ready += c.Ready
		desired += c.Desired
	}
	return ready, desired
}

// Conn is the state of one provider's connection (a cluster context).
type Conn struct {
	Name string `json:"name"`
	// Stale is true while the watch is broken; Since is the time of the
	// last update received before that.
	Stale bool      `json:"stale"`
	Since time.Time `json:"since,omitzero"`
	Err   string    `json:"error,omitempty"`
}

// Snapshot is the whole picture at one moment.
type Snapshot struct {
	Envs    []Env     `json:"environments"`
	Conns   []Conn    `json:"connections,omitempty"`
	Updated time.Time `json:"updated"`
	// Synced is true once every provider has delivered its first complete
	// picture (the first complete frame).
	Synced bool `json:"synced"`
}

// Stale returns the first broken connection, if any.
func (s *Snapshot) Stale() (Conn, bool) {
	for _, c := range s.Conns {
		if c.Stale {
			return c, true
		}
	}
	return Conn{}, false
}

// Env finds a row by name.
func (s *Snapshot) Env(name string) *Env {
	for i := range s.Envs {
		if s.Envs[i].Name == name {
			return &s.Envs[i]
		}
	}
	return nil
}

// HealthOf derives a Kubernetes environment's health from its fields.
func HealthOf(e *Env) Health {
	if e.Note != "" && len(e.Components) == 0 {
		return HealthUnknown
	}
	if e.Migration != nil && e.Migration.State == "Failed" {
		return HealthFail
	}
	for _, p := range e.Pods {
		if p.Reason == "CrashLoopBackOff" || p.Reason == "ImagePullBackOff" || p.Reason == "ErrImagePull" || p.Phase == "Failed" {
			return HealthFail
		}
	}
	for _, c := range e.Components {
		if c.Desired > 0 && c.Ready == 0 {
			return HealthFail
		}
	}
	if e.Target == "kubernetes" && len(e.Components) == 0 {
		return HealthUnknown
	}
	for _, c := range e.Components {
		if c.Ready < c.Desired {
			return HealthWarn
		}
	}
	if e.RolloutProgress || e.Restarts > 0 || (e.Migration != nil && e.Migration.State != "Succeeded") {
		return HealthWarn
	}
	return HealthOK
}

// SortEvents orders events newest first.
func SortEvents(ev []Event) {
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].Time.After(ev[j].Time) })
}
