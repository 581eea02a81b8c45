// Package rules is the contract between the sandbox's fake kubelet and the
// tests that drive it: a JSON file saying which pods' exec and port-forward
// requests go where on this host.
//
//	{"exec": [{"namespace": "demo", "podPrefix": "web-", "container": "web",
//	           "workDir": "/srv/app", "env": ["APP_ENV=qa"]}],
//	 "portForward": [{"namespace": "demo", "podPrefix": "postgres", "port": 5432,
//	                  "target": "127.0.0.1:15432"}]}
//
// The fake kubelet reads the file on every request, so a change applies to
// the next exec at once. Writers go through Update, which takes an exclusive
// lock (flock on FILE.lock) and replaces the file atomically, so parallel
// tests, even in different test binaries, can share one file.
//
// Matching: the first rule, in file order, whose non-empty fields all match
// wins. An empty namespace, podPrefix or container matches anything; a
// port of 0 matches any port.
package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Exec says how commands run for matching containers: on this host, in
// WorkDir, with Env ("KEY=value") on top of a minimal base environment.
type Exec struct {
	Namespace string   `json:"namespace,omitempty"`
	PodPrefix string   `json:"podPrefix,omitempty"`
	Container string   `json:"container,omitempty"`
	WorkDir   string   `json:"workDir,omitempty"`
	Env       []string `json:"env,omitempty"`
}

// PortForward sends connections to Port of matching pods to Target
// ("host:port", loopback only).
type PortForward struct {
	Namespace string `json:"namespace,omitempty"`
	PodPrefix string `json:"podPrefix,omitempty"`
	Port      int32  `json:"port,omitempty"`
	Target    string `json:"target"`
}

// Container says what a matching pod's container "runs": fakekubelet
// starts Command when it sees the pod on its node (init containers first,
// to completion), records its stdout and stderr in a CRI log file served
// by the kubelet's containerLogs endpoint, and restarts it by the pod's
// restartPolicy, reporting restarts in the pod's status. Containers
// without a rule run nothing and have an empty log.
type Container struct {
	Namespace string   `json:"namespace,omitempty"`
	PodPrefix string   `json:"podPrefix,omitempty"`
	Container string   `json:"container,omitempty"`
	Command   []string `json:"command"`
	WorkDir   string   `json:"workDir,omitempty"`
	Env       []string `json:"env,omitempty"`
}

// Matches reports whether the rule applies to the container of a pod.
func (r Container) Matches(namespace, pod, container string) bool {
	return match(r.Namespace, namespace) && strings.HasPrefix(pod, r.PodPrefix) && match(r.Container, container)
}

// SameKey reports whether two rules select the same containers.
func (r Container) SameKey(o Container) bool {
	return r.Namespace == o.Namespace && r.PodPrefix == o.PodPrefix && r.Container == o.Container
}

// FindContainer returns the first container rule for the container.
func (rs *Rules) FindContainer(namespace, pod, container string) (Container, bool) {
	return find(rs.Containers, func(r Container) bool { return r.Matches(namespace, pod, container) })
}

// SetContainer replaces the rule with the same key, or appends r.
func (rs *Rules) SetContainer(r Container) { rs.Containers = set(rs.Containers, r) }

// RemoveContainer drops the rule with r's key.
func (rs *Rules) RemoveContainer(r Container) { rs.Containers = remove(rs.Containers, r) }

// Rules is the whole file.
type Rules struct {
	Exec        []Exec        `json:"exec"`
	PortForward []PortForward `json:"portForward"`
	Containers  []Container   `json:"containers,omitempty"`
}

func match(field, value string) bool { return field == "" || field == value }

// keyed is a rule kind: two rules with the same key select the same things,
// so one replaces the other.
type keyed[T any] interface{ SameKey(T) bool }

// find returns the first rule that matches, in file order.
func find[T any](rules []T, matches func(T) bool) (T, bool) {
	for _, r := range rules {
		if matches(r) {
			return r, true
		}
	}
	var zero T
	return zero, false
}

// set replaces the rule with r's key, or appends r.
func set[T keyed[T]](rules []T, r T) []T {
	for i := range rules {
		if rules[i].SameKey(r) {
			rules[i] = r
			return rules
		}
	}
	return append(rules, r)
}

// remove drops the rules with r's key.
func remove[T keyed[T]](rules []T, r T) []T {
	out := rules[:0]
	for _, x := range rules {
		if !x.SameKey(r) {
			out = append(out, x)
		}
	}
	return out
}

// Matches reports whether the rule applies to the container of a pod.
func (r Exec) Matches(namespace, pod, container string) bool {
	return match(r.Namespace, namespace) && strings.HasPrefix(pod, r.PodPrefix) && match(r.Container, container)
}

// SameKey reports whether two rules select the same containers (and so
// one replaces the other in Set).
func (r Exec) SameKey(o Exec) bool {
	return r.Namespace == o.Namespace && r.PodPrefix == o.PodPrefix && r.Container == o.Container
}

// Matches reports whether the rule applies to a port of a pod.
func (r PortForward) Matches(namespace, pod string, port int32) bool {
	return match(r.Namespace, namespace) && strings.HasPrefix(pod, r.PodPrefix) && (r.Port == 0 || r.Port == port)
}

// SameKey reports whether two rules select the same ports.
func (r PortForward) SameKey(o PortForward) bool {
	return r.Namespace == o.Namespace && r.PodPrefix == o.PodPrefix && r.Port == o.Port
}

// FindExec returns the first exec rule for the container.
func (rs *Rules) FindExec(namespace, pod, container string) (Exec, bool) {
	return find(rs.Exec, func(r Exec) bool { return r.Matches(namespace, pod, container) })
}

// FindPortForward returns the first port-forward rule for the port.
func (rs *Rules) FindPortForward(namespace, pod string, port int32) (PortForward, bool) {
	return find(rs.PortForward, func(r PortForward) bool { return r.Matches(namespace, pod, port) })
}

// SetExec replaces the rule with the same key, or appends r.
func (rs *Rules) SetExec(r Exec) { rs.Exec = set(rs.Exec, r) }

// SetPortForward replaces the rule with the same key, or appends r.
func (rs *Rules) SetPortForward(r PortForward) { rs.PortForward = set(rs.PortForward, r) }

// RemoveExec drops the rule with r's key.
func (rs *Rules) RemoveExec(r Exec) { rs.Exec = remove(rs.Exec, r) }

// RemovePortForward drops the rule with r's key.
func (rs *Rules) RemovePortForward(r PortForward) { rs.PortForward = remove(rs.PortForward, r) }

// Validate checks what the fake kubelet relies on.
func (rs *Rules) Validate() error {
	var errs []error
	for i, r := range rs.Exec {
		if r.WorkDir != "" && !filepath.IsAbs(r.WorkDir) {
			errs = append(errs, fmt.Errorf("exec[%d]: workDir %q is not absolute", i, r.WorkDir))
		}
		for _, kv := range r.Env {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				errs = append(errs, fmt.Errorf("exec[%d]: env entry %q is not KEY=value", i, redact(kv)))
			}
		}
	}
	for i, r := range rs.Containers {
		if len(r.Command) == 0 {
			errs = append(errs, fmt.Errorf("containers[%d]: no command", i))
		}
		if r.WorkDir != "" && !filepath.IsAbs(r.WorkDir) {
			errs = append(errs, fmt.Errorf("containers[%d]: workDir %q is not absolute", i, r.WorkDir))
		}
	}
	for i, r := range rs.PortForward {
		if err := CheckTarget(r.Target); err != nil {
			errs = append(errs, fmt.Errorf("portForward[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// CheckTarget accepts only loopback "host:port" targets: the sandbox never
// forwards anywhere but this machine.
func CheckTarget(target string) error {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return fmt.Errorf("target %q: %w", target, err)
	}
	if port == "" || port == "0" {
		return fmt.Errorf("target %q has no port", target)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("target %q is not a loopback address", target)
	}
	return nil
}

// redact keeps an env entry's key only: values may hold passwords.
func redact(kv string) string {
	if k, _, ok := strings.Cut(kv, "="); ok {
		return k + "=…"
	}
	if len(kv) > 8 {
		return kv[:8] + "…"
	}
	return kv
}

// Load reads a rules file; a missing file is an empty set of rules.
func Load(path string) (*Rules, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Rules{}, nil
	}
	if err != nil {
		return nil, err
	}
	var rs Rules
	if len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &rs); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &rs, nil
}

// Write replaces the file atomically (temp file + rename, mode 0600: rule
// env may hold credentials). Callers that read-modify-write use Update.
func Write(path string, rs *Rules) error {
	if err := rs.Validate(); err != nil {
		return err
	}
	if rs.Exec == nil {
		rs.Exec = []Exec{}
	}
	if rs.PortForward == nil {
		rs.PortForward = []PortForward{}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after a successful rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close() //nolint:errcheck,gosec // the write error is the one to report
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var mu sync.Mutex // orders writers within one process; the flock orders processes

// Update runs fn on the current rules under an exclusive lock and writes
// the result back atomically.
func Update(path string, fn func(*Rules) error) error {
	mu.Lock()
	defer mu.Unlock()
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("locking %s: %w", path, err)
	}
	defer unlock()
	rs, err := Load(path)
	if err != nil {
		return err
	}
	if err := fn(rs); err != nil {
		return err
	}
	return Write(path, rs)
}
