package targets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// EnvVar is one environment variable the app process gets, with where its
// value is defined. Value may be a secret: it is never logged, put in an
// error or in argv; outputs redact it unless the user reveals it.
type EnvVar struct {
	Name  string
	Value string
	// Known is false when the value could not be read (a fieldRef, a
	// missing optional key, an object ctl may not get): Value is then "".
	Known  bool
	Source EnvSource
}

// Source kinds.
const (
	SourceSpec      = "spec"      // a literal in the pod spec (Kubernetes)
	SourceSecret    = "secret"    // a Secret key (env valueFrom or envFrom)
	SourceConfigMap = "configmap" // a ConfigMap key (env valueFrom or envFrom)
	SourceField     = "field"     // a fieldRef / resourceFieldRef: known only in the pod
	SourceFile      = "file"      // a dotenv file: the SSH host's env file, local .env
	SourceUnit      = "unit"      // the Environment= of a systemd unit
)

// EnvSource says where a variable is defined, precisely enough to edit it
// there: the object and key, or the file, host and line.
type EnvSource struct {
	// Kind is one of the Source* constants.
	Kind string `json:"kind"`
	// Name is the Secret's or ConfigMap's name, the file's path or the
	// unit's name.
	Name string `json:"name,omitempty"`
	// Namespace is the object's namespace (Kubernetes).
	Namespace string `json:"namespace,omitempty"`
	// Key is the key inside the Secret or ConfigMap.
	Key string `json:"key,omitempty"`
	// Via says how the container refers to it: "env" (valueFrom) or
	// "envFrom" (with its Prefix, if any).
	Via    string `json:"via,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	// Host is the SSH host holding the file.
	Host string `json:"host,omitempty"`
	// Line is the file line of the (last) assignment.
	Line int `json:"line,omitempty"`
	// ManagedBy names what owns the object when an edit made here would be
	// reverted: "Helm release web", "ExternalSecret app-secrets",
	// "SealedSecret app", "owner Operator/x". Empty when ctl may edit it.
	ManagedBy string `json:"managed_by,omitempty"`
	// ResourceVersion is the object's version when read (optimistic
	// concurrency for writes).
	ResourceVersion string `json:"-"`
}

// String names the source for humans: "secret app/DEBUG",
// "host1:/srv/app/.env:3", "the container spec".
func (s EnvSource) String() string {
	switch s.Kind {
	case SourceSpec:
		return "the container spec"
	case SourceSecret, SourceConfigMap:
		return fmt.Sprintf("%s %s/%s", s.Kind, s.Name, s.Key)
	case SourceField:
		return "a pod field (" + s.Name + ")"
	case SourceFile:
		where := s.Name
		if s.Host != "" {
			where = s.Host + ":" + where
		}
		if s.Line > 0 {
			where = fmt.Sprintf("%s:%d", where, s.Line)
		}
		return where
	case SourceUnit:
		if s.Host != "" {
			return fmt.Sprintf("systemd unit %s on %s", s.Name, s.Host)
		}
		return "systemd unit " + s.Name
	}
	return s.Kind
}

// Environ is the environment of the app process as its target defines it.
type Environ struct {
	// Vars are sorted by name; each name appears once (the value the
	// process gets, after overrides).
	Vars []EnvVar
	// Where names the process it is for: "container app of pod qa/web-7f9c",
	// "host1 (/srv/app/.env)", "/home/me/app/.env".
	Where string
}

// Map returns the variables' known values by name.
func (e *Environ) Map() map[string]string {
	m := make(map[string]string, len(e.Vars))
	for _, v := range e.Vars {
		if v.Known {
			m[v.Name] = v.Value
		}
	}
	return m
}

// Lookup returns the variable called name.
func (e *Environ) Lookup(name string) (EnvVar, bool) {
	i := sort.Search(len(e.Vars), func(i int) bool { return e.Vars[i].Name >= name })
	if i < len(e.Vars) && e.Vars[i].Name == name {
		return e.Vars[i], true
	}
	return EnvVar{}, false
}

// Clear overwrites the values in memory once they are no longer needed.
func (e *Environ) Clear() {
	for i := range e.Vars {
		e.Vars[i].Value = ""
	}
}

// SortVars sorts vars by name and keeps the last of each name.
func SortVars(vars []EnvVar) []EnvVar {
	sort.SliceStable(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	out := vars[:0]
	for i, v := range vars {
		if i+1 < len(vars) && vars[i+1].Name == v.Name {
			continue
		}
		out = append(out, v)
	}
	return out
}

// AppEnvReader is implemented by targets that can tell the app process's
// environment without running anything in it (Kubernetes: the pod spec
// through the API; SSH: the host's env file; local: .env).
type AppEnvReader interface {
	AppEnv(ctx context.Context) (*Environ, error)
}

// EnvChange is one key to write: set to New, or deleted. Old is the value
// the change was decided from (what `ctl config` showed, HadOld false when
// the key did not exist): a writer refuses the key with an
// *EnvConflictError when the value it finds now is neither Old nor New
// (someone changed the same key meanwhile); other keys of the object that
// changed meanwhile are kept (a merge per key).
type EnvChange struct {
	Key    string
	Old    string
	HadOld bool
	New    string
	Delete bool
	// Source is where to write: the variable's source as AppEnv read it,
	// or, for a new key, the object or file chosen for it (Key the key
	// inside it: the variable's name without an envFrom prefix).
	Source EnvSource
}

// EnvWriter is implemented by targets that can change the app's
// environment where it is defined (a Secret or ConfigMap, the hosts' env
// file, the local .env). WriteAppEnv applies every change or none of an
// object's (per object or file atomically), and reports where it wrote.
type EnvWriter interface {
	WriteAppEnv(ctx context.Context, changes []EnvChange) (*EnvWriteResult, error)
}

// EnvWriteResult says what a write did.
type EnvWriteResult struct {
	// Written lists the objects or files changed: "secret qa/myapp-env",
	// "web1:/srv/app/.env (backup /srv/app/.env.ctl-backup)".
	Written []string
	// Retries is how many times a concurrent change was merged in.
	Retries int
}

// EnvConflictError: keys changed by someone else since they were read,
// to values other than the ones being written.
type EnvConflictError struct {
	Where string
	Keys  []string
}

func (e *EnvConflictError) Error() string {
	return fmt.Sprintf("%s changed while you were editing: %s (changed on both sides; nothing was written there)", e.Where, strings.Join(e.Keys, ", "))
}

// Hint says what to do.
func (e *EnvConflictError) Hint() string {
	return "look at the current values with `ctl config ENV` and run the command again"
}

// ValueHash is the short fingerprint outputs show instead of a value: the
// first 8 hex digits of its SHA-256.
func ValueHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:4])
}

// Redacted is how a value is shown when not revealed: its length and
// hash, "‹12 chars, sha256:1a2b3c4d›".
func Redacted(v string) string {
	return fmt.Sprintf("‹%d chars, sha256:%s›", utf8.RuneCountInString(v), ValueHash(v))
}

// EnvKey is the key of v inside its Secret or ConfigMap (its name without
// the envFrom prefix), or its name in a file.
func (v EnvVar) EnvKey() string {
	if v.Source.Key != "" {
		return v.Source.Key
	}
	return v.Name
}

// EnvConsumers is implemented by targets whose app processes keep the
// environment they started with (Kubernetes): which workloads take the
// changed keys, and rolling them so that they read the new values.
type EnvConsumers interface {
	// Consumers names the workloads ("deployment/web") whose pod template
	// takes a key of changes from its object.
	Consumers(ctx context.Context, changes []EnvChange) ([]string, error)
	// RestartConsumers rolls the named workloads (new pods, the old ones
	// replaced as their strategy says) and waits for them to be healthy,
	// as ctl restart does.
	RestartConsumers(ctx context.Context, workloads []string) error
}

// WorkloadDescriber is implemented by targets that can list the
// workloads running the app (Kubernetes), for `ctl diff`.
type WorkloadDescriber interface {
	Workloads(ctx context.Context) ([]WorkloadInfo, error)
}

// WorkloadInfo is one Deployment or StatefulSet as `ctl diff` compares it.
type WorkloadInfo struct {
	Kind, Name string // deployment, web
	Replicas   int32
	Containers []ContainerInfo
}

// ContainerInfo is one container of a workload's pod template.
type ContainerInfo struct {
	Name  string
	Image string
	// Digest is the image digest a running pod reports (imageID), "" when
	// none runs.
	Digest string
	// Requests and Limits are "cpu=100m memory=128Mi" ("" when unset).
	Requests, Limits string
}
