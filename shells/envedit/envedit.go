// Package envedit is the logic of `ctl config set | unset | edit`: the
// changes a command asks for against the environment as read, the
// redacted diff shown before writing, the audit's rules applied to new
// values, and the dotenv-style text the editor shows. No I/O.
package envedit

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/targets"
)

// Default says where a new key goes when the environment does not have it
// yet: a Secret or ConfigMap by name (Kubernetes), else the environment's
// env file (Kind SourceFile, Name "" for the writer's own choice).
type Default struct {
	Kind string
	Name string
	// Namespace of the object (Kubernetes).
	Namespace string
}

// DefaultFor picks the default destination of new keys in env: the
// Secret the app already takes through envFrom (the first one ctl may
// edit), else its first such ConfigMap; on file-based targets (kube
// false) the env file the target writes. ok is false on Kubernetes when
// there is none, and the user must name one (--secret / --configmap).
func DefaultFor(env *targets.Environ, kube bool) (Default, bool) {
	var cm *Default
	for _, v := range env.Vars {
		s := v.Source
		if s.Via != "envFrom" || s.ManagedBy != "" || s.Prefix != "" {
			continue
		}
		switch s.Kind {
		case targets.SourceSecret:
			return Default{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace}, true
		case targets.SourceConfigMap:
			if cm == nil {
				cm = &Default{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace}
			}
		}
	}
	if cm != nil {
		return *cm, true
	}
	if kube {
		return Default{}, false
	}
	return Default{Kind: targets.SourceFile}, true // the target's env file
}

// RefusedError: a key cannot be written where it is defined.
type RefusedError struct {
	Key, Reason string
}

func (e *RefusedError) Error() string { return fmt.Sprintf("%s: %s", e.Key, e.Reason) }

// Plan turns the wanted state of some keys into changes against env:
// set maps a key to its new value; unset lists keys to delete. A key
// whose value does not change is left out. dflt is where new keys go
// (nil: nowhere, an error for a new key). Refused keys (defined in the
// pod spec or a field, or managed elsewhere) are errors naming the
// reason, before anything is written.
func Plan(env *targets.Environ, set map[string]string, unset []string, dflt *Default) ([]targets.EnvChange, error) {
	var changes []targets.EnvChange
	var errs []string
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		nv := set[k]
		cur, ok := env.Lookup(k)
		if !ok {
			if dflt == nil {
				errs = append(errs, k+": a new key, and the environment has no Secret, ConfigMap or env file to put it in; name one with --secret or --configmap")
				continue
			}
			if !dotenv.ValidKey(k) {
				errs = append(errs, fmt.Sprintf("%q is not a valid variable name", k))
				continue
			}
			src := targets.EnvSource{Kind: dflt.Kind, Name: dflt.Name, Namespace: dflt.Namespace, Key: k}
			if dflt.Kind != targets.SourceFile {
				src.Via = "envFrom"
			}
			changes = append(changes, targets.EnvChange{Key: k, New: nv, Source: src})
			continue
		}
		if err := Editable(cur); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if cur.Known && cur.Value == nv {
			continue
		}
		changes = append(changes, targets.EnvChange{Key: k, Old: cur.Value, HadOld: true, New: nv, Source: cur.Source})
	}
	for _, k := range unset {
		cur, ok := env.Lookup(k)
		if !ok {
			errs = append(errs, k+": not set in this environment")
			continue
		}
		if err := Editable(cur); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		changes = append(changes, targets.EnvChange{Key: k, Old: cur.Value, HadOld: true, Delete: true, Source: cur.Source})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("nothing was written:\n  %s", strings.Join(errs, "\n  "))
	}
	return changes, nil
}

// Editable says why a variable cannot be changed where it is defined, or nil.
func Editable(v targets.EnvVar) error {
	s := v.Source
	switch {
	case s.ManagedBy != "":
		return &RefusedError{v.Name, fmt.Sprintf("%s is managed by %s: a change made here would be reverted; change it there", s, s.ManagedBy)}
	case s.Kind == targets.SourceSpec:
		return &RefusedError{v.Name, "a literal in the container spec: change the Deployment's manifest"}
	case s.Kind == targets.SourceField:
		return &RefusedError{v.Name, "comes from " + s.String() + ": not a value ctl can set"}
	case s.Kind == targets.SourceUnit:
		return &RefusedError{v.Name, "defined in " + s.String() + ": change the unit (systemctl edit)"}
	}
	return nil
}

// DiffLines is the redacted diff of changes, one line each:
//
//	+KEY  sha 9f3c1a2b, 12 chars  → secret myapp-env/KEY
//	~KEY  sha 1a2b3c4d→9f3c1a2b  (secret myapp-env/KEY)
//	-KEY  (configmap myapp/KEY)
func DiffLines(changes []targets.EnvChange) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		where := c.Source.String()
		if c.Source.Kind == targets.SourceFile && c.Source.Name == "" {
			where = "the env file"
		}
		switch {
		case c.Delete:
			out = append(out, fmt.Sprintf("-%s  (%s)", c.Key, where))
		case !c.HadOld:
			out = append(out, fmt.Sprintf("+%s  sha %s, %d chars  → %s", c.Key, targets.ValueHash(c.New), utf8.RuneCountInString(c.New), where))
		default:
			out = append(out, fmt.Sprintf("~%s  sha %s→%s  (%s)", c.Key, targets.ValueHash(c.Old), targets.ValueHash(c.New), where))
		}
	}
	return out
}

// Warning is an audit rule a new value breaks.
type Warning struct {
	Key, ID, Msg string
}

// CheckValues applies the audit's rules to new values by the variables'
// usual names, without the settings module: DEBUG true (security.W018), a
// short or repetitive SECRET_KEY (security.W009), "*" in ALLOWED_HOSTS
// (ctl.H001). `ctl config` adds what the audit itself finds when the
// project is at hand. Messages never hold the value.
func CheckValues(changes []targets.EnvChange) []Warning {
	var ws []Warning
	for _, c := range changes {
		if c.Delete {
			continue
		}
		v := strings.TrimSpace(c.New)
		switch strings.ToUpper(c.Key) {
		case "DEBUG", "DJANGO_DEBUG":
			if b, err := strconv.ParseBool(strings.ToLower(v)); (err == nil && b) || strings.EqualFold(v, "yes") || strings.EqualFold(v, "on") {
				ws = append(ws, Warning{c.Key, "security.W018", "DEBUG would be true: Django shows tracebacks and settings to anyone"})
			}
		case "SECRET_KEY", "DJANGO_SECRET_KEY":
			uniq := map[rune]bool{}
			for _, r := range v {
				uniq[r] = true
			}
			if utf8.RuneCountInString(v) < 50 || len(uniq) < 5 {
				ws = append(ws, Warning{c.Key, "security.W009", fmt.Sprintf("SECRET_KEY would have %d characters (%d distinct): Django wants at least 50 (5 distinct)", utf8.RuneCountInString(v), len(uniq))})
			}
		case "ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS":
			for _, h := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				if strings.Trim(h, `"'[]`) == "*" {
					ws = append(ws, Warning{c.Key, "ctl.H001", "ALLOWED_HOSTS would hold \"*\": any Host header is accepted"})
					break
				}
			}
		}
	}
	return ws
}

// MergeWarnings adds to ws the warnings of more whose rule ws does not
// already report.
func MergeWarnings(ws, more []Warning) []Warning {
	seen := map[string]bool{}
	for _, w := range ws {
		seen[w.ID] = true
	}
	for _, w := range more {
		if !seen[w.ID] {
			seen[w.ID] = true
			ws = append(ws, w)
		}
	}
	return ws
}

// binaryMarker starts a value the editor shows as base64 (bytes that are
// not text); the line keeps it to write the same bytes back.
const binaryMarker = "ctl-base64:"

// EditText is the dotenv-style text `ctl config edit` opens: a header,
// then, for each variable, a comment naming its source and a KEY=VALUE
// line. Values that are not text are base64 with the ctl-base64: marker.
// Variables ctl cannot edit are listed as comments only. notes are
// extra comment lines per key (a conflict's explanation).
func EditText(envName string, env *targets.Environ, notes map[string]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# ctl config edit %s — %s\n", envName, env.Where)
	b.WriteString("# One KEY=VALUE a line (dotenv quoting). Delete a line to unset the key; add one to create it.\n")
	b.WriteString("# Values that are not text are base64 after \"" + binaryMarker + "\". Save and quit to review the changes.\n")
	if n := notes[""]; n != "" {
		b.WriteString("#\n# " + strings.ReplaceAll(n, "\n", "\n# ") + "\n")
	}
	for _, v := range env.Vars {
		b.WriteString("\n")
		if n := notes[v.Name]; n != "" {
			b.WriteString("# " + n + "\n")
		}
		if err := Editable(v); err != nil {
			fmt.Fprintf(&b, "# %s — not editable here: %s\n", v.Name, err.(*RefusedError).Reason)
			continue
		}
		fmt.Fprintf(&b, "# %s\n", v.Source)
		b.WriteString(v.Name + "=" + editQuote(v.Value, v.Known) + "\n")
	}
	return []byte(b.String())
}

func editQuote(v string, known bool) string {
	if !known || !utf8.ValidString(v) {
		return binaryMarker + base64.StdEncoding.EncodeToString([]byte(v))
	}
	if v == "" {
		return "''"
	}
	plain := true
	for _, r := range v {
		if r <= ' ' || strings.ContainsRune(`'"#\`, r) {
			plain = false
		}
	}
	if plain {
		return v
	}
	if !strings.ContainsAny(v, "'\n\r") {
		return "'" + v + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(v) + `"`
}

// ParseEditText reads the edited text back: the values by key. Errors
// name the line, never a value.
func ParseEditText(data []byte) (map[string]string, error) {
	vars, err := dotenv.Parse("the edited text", data)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(vars))
	for _, v := range vars {
		val := v.Value
		if rest, ok := strings.CutPrefix(val, binaryMarker); ok {
			raw, err := base64.StdEncoding.DecodeString(rest)
			if err != nil {
				return nil, fmt.Errorf("the edited text: line %d: %s: not valid base64 after %s", v.Line, v.Key, binaryMarker)
			}
			val = string(raw)
		}
		out[v.Key] = val
	}
	return out, nil
}

// FromEdit turns the edited values into set and unset against env: keys
// that disappeared from the text are unset (only editable ones: the
// others were never in it), new or changed keys are set.
func FromEdit(env *targets.Environ, edited map[string]string) (map[string]string, []string) {
	set := map[string]string{}
	var unset []string
	for _, v := range env.Vars {
		if Editable(v) != nil {
			continue
		}
		nv, ok := edited[v.Name]
		switch {
		case !ok:
			unset = append(unset, v.Name)
		case nv != v.Value:
			set[v.Name] = nv
		}
	}
	for k, nv := range edited {
		cur, ok := env.Lookup(k)
		if !ok || (Editable(cur) != nil && (!cur.Known || cur.Value != nv)) {
			set[k] = nv // a new key, or one Plan refuses with its reason
		}
	}
	sort.Strings(unset)
	return set, unset
}
