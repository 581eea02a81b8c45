// Package doctor is the engine of `ctl doctor`: checks of the workstation,
// the configuration and every environment, run in parallel with a
// timeout each, and the fixes they offer, each described as a plan
// before anything runs.
package doctor

import (
	"context"
	"io"
	"time"
)

// Status is a check's outcome.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Group names for the checks that are not about one environment.
const (
	GroupWorkstation   = "Workstation"
	GroupConfiguration = "Configuration"
)

// Scopes of the catalog.
const (
	ScopeWorkstation   = "workstation"
	ScopeConfiguration = "configuration"
	ScopeKubernetes    = "kubernetes environments"
	ScopeSSH           = "ssh environments"
	ScopeEnvironment   = "every environment"
)

// Spec describes one check ID: stable, documented in docs/doctor.md.
type Spec struct {
	ID    string `json:"id"`
	Scope string `json:"scope"`
	Title string `json:"title"`
	// Fix names the fix the check may offer ("" when none).
	Fix string `json:"fix,omitempty"`
}

// Catalog lists every check ID in display order.
var Catalog = []Spec{
	{ID: "workstation.editor", Scope: ScopeWorkstation, Title: "$VISUAL or $EDITOR names a program on PATH"},
	{ID: "workstation.kubectl", Scope: ScopeWorkstation, Title: "kubectl is on PATH (when an environment is on Kubernetes)", Fix: "install kubectl with the platform's package manager"},
	{ID: "workstation.kubectl-skew", Scope: ScopeWorkstation, Title: "kubectl is within one minor version of each cluster"},
	{ID: "workstation.psql", Scope: ScopeWorkstation, Title: "psql is on PATH and built with SSL", Fix: "install psql with the platform's package manager"},
	{ID: "workstation.ssh", Scope: ScopeWorkstation, Title: "ssh is on PATH (when an environment is on SSH)"},
	{ID: "workstation.python", Scope: ScopeWorkstation, Title: "the local environment's python runs and imports Django; manage.py exists"},
	{ID: "workstation.kubeconfig", Scope: ScopeWorkstation, Title: "the kubeconfig exists and is not group/world readable", Fix: "chmod 600 the kubeconfig"},
	{ID: "workstation.exec-plugins", Scope: ScopeWorkstation, Title: "exec credential plugins named by the kubeconfig are on PATH"},
	{ID: "workstation.completion", Scope: ScopeWorkstation, Title: "shell completion is installed for $SHELL", Fix: "add a marked completion block to the shell's rc file"},
	{ID: "workstation.clock-skew", Scope: ScopeWorkstation, Title: "this machine's clock agrees with each API server (Date header)"},
	{ID: "config.file", Scope: ScopeConfiguration, Title: "ctl.yaml is found and valid", Fix: "write ctl.yaml from what is discovered (ctl init)"},
	{ID: "config.contexts", Scope: ScopeConfiguration, Title: "the kube contexts ctl.yaml names exist in the kubeconfig", Fix: "create the context, or switch to it"},
	{ID: "config.dotenv", Scope: ScopeConfiguration, Title: ".env exists when .env.example does", Fix: "copy .env.example to .env"},
	{ID: "config.audit", Scope: ScopeConfiguration, Title: "the local settings pass `ctl audit` at error level"},
	{ID: "kube.api", Scope: ScopeKubernetes, Title: "the API server answers within the timeout"},
	{ID: "kube.namespace", Scope: ScopeKubernetes, Title: "the namespace exists"},
	{ID: "kube.pods", Scope: ScopeKubernetes, Title: "the app's pods are found and one is ready"},
	{ID: "kube.rbac", Scope: ScopeKubernetes, Title: "RBAC allows what ctl needs: pods/exec, pods/portforward, get secrets, create events"},
	{ID: "ssh.host", Scope: ScopeSSH, Title: "each host answers on its SSH port"},
	{ID: "ssh.key", Scope: ScopeSSH, Title: "each host accepts your key (BatchMode, no password prompt)"},
	{ID: "ssh.dir", Scope: ScopeSSH, Title: "the project directory exists on each host"},
	{ID: "env.database", Scope: ScopeEnvironment, Title: "the database is reachable (through ctl's own tunnel) and the credentials work"},
}

// Known reports whether id is in the catalog.
func Known(id string) bool {
	for _, s := range Catalog {
		if s.ID == id {
			return true
		}
	}
	return false
}

// IDs lists the catalog's IDs.
func IDs() []string {
	out := make([]string, len(Catalog))
	for i, s := range Catalog {
		out[i] = s.ID
	}
	return out
}

func specOf(id string) Spec {
	for _, s := range Catalog {
		if s.ID == id {
			return s
		}
	}
	return Spec{ID: id}
}

// Outcome is what a check found.
type Outcome struct {
	Status  Status
	Message string
	// Hint is the remediation line shown under a failure.
	Hint string
	// Details are shown with --verbose (passing details, versions, paths).
	Details []string
	// Fix repairs what failed; nil when ctl cannot.
	Fix *Fix
}

// FixIO is what a fix may use to run a command in the foreground (a
// package manager asking for a sudo password).
type FixIO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// Fix is a repair, described before it runs.
type Fix struct {
	// Title says what the fix does, in a few words.
	Title string
	// Plan lists exactly the commands it runs and the files it edits.
	Plan []string
	// Apply performs the plan and nothing else.
	Apply func(ctx context.Context, fio FixIO) error
}

// Check is one check instance: an ID of the catalog applied to the
// workstation, the configuration, an environment or a cluster.
type Check struct {
	ID string
	// Group is where the result is shown: Workstation, Configuration or
	// an environment's name.
	Group string
	// Env is the environment the check is about ("" for others).
	Env string
	// Subject distinguishes several instances of one ID in a group (a
	// kube context, a host).
	Subject string
	Title   string
	// Needs are checks that must pass (or warn) first; when one fails,
	// this check is skipped. The timeout starts when this check starts.
	Needs []*Check
	Run   func(ctx context.Context) Outcome
}

// Key identifies a check instance: group/ID[/subject].
func (c *Check) Key() string {
	k := c.Group + "/" + c.ID
	if c.Subject != "" {
		k += "/" + c.Subject
	}
	return k
}

// Result is a check's outcome with its timing.
type Result struct {
	Check *Check
	Outcome
	Duration time.Duration
	// TimedOut: the check did not finish within the timeout.
	TimedOut bool
	// Slow: the check took more than half the timeout.
	Slow bool
}

// Fixable reports whether the result offers a fix for a problem.
func (r *Result) Fixable() bool {
	return r.Fix != nil && (r.Status == Fail || r.Status == Warn)
}
