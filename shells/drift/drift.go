// Package drift is the comparison behind `ctl diff`: two environments'
// variables, images, replicas, resources, migrations and settings, as
// items that are the same, differ, or exist on one side only; expected
// differences normalised or ignored. No I/O.
package drift

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ctlops/ctl/targets"
)

// Item kinds.
const (
	KindEnv       = "env"
	KindSetting   = "setting"
	KindImage     = "image"
	KindReplicas  = "replicas"
	KindResources = "resources"
	KindMigration = "migration"
)

// Statuses.
const (
	Same      = "same"
	Different = "different"
	OnlyA     = "only-a"
	OnlyB     = "only-b"
)

// Value is one side of an item: Cmp is what is compared (normalised),
// Show what is printed (redacted unless revealed), Where its source.
type Value struct {
	Cmp   string `json:"-"`
	Show  string `json:"value"`
	Where string `json:"where,omitempty"`
}

// Item is one compared thing.
type Item struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Status string `json:"status"`
	A      *Value `json:"a,omitempty"`
	B      *Value `json:"b,omitempty"`
	// Expected is true for a difference ctl.yaml's drift.ignore or ctl's
	// defaults expect (Why says which).
	Expected bool   `json:"expected"`
	Why      string `json:"why,omitempty"`
}

// ID is "KIND/KEY", what drift.ignore patterns match.
func (i Item) ID() string { return i.Kind + "/" + i.Key }

// Surprising is a difference nothing expects.
func (i Item) Surprising() bool { return i.Status != Same && !i.Expected }

// Compare pairs two sides' values of one kind by key.
func Compare(kind string, a, b map[string]Value) []Item {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]Item, 0, len(keys))
	for k := range keys {
		va, okA := a[k]
		vb, okB := b[k]
		it := Item{Kind: kind, Key: k}
		switch {
		case okA && okB:
			it.A, it.B = &va, &vb
			it.Status = Different
			if va.Cmp == vb.Cmp {
				it.Status = Same
			}
		case okA:
			it.A, it.Status = &va, OnlyA
		default:
			it.B, it.Status = &vb, OnlyB
		}
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Normalise replaces the names an environment is known by (its name, its
// namespace...) inside a value with "{env}", so that qa's
// "https://qa.example.com" and staging's "https://staging.example.com"
// compare equal. Only whole words are replaced (not "qa" inside "aqua");
// longer names first; names shorter than two characters are left alone.
func Normalise(v string, names []string) string {
	ns := append([]string{}, names...)
	sort.Slice(ns, func(i, j int) bool { return len(ns[i]) > len(ns[j]) })
	for _, n := range ns {
		if len(n) >= 2 {
			v = replaceWord(v, n, "{env}")
		}
	}
	return v
}

// replaceWord replaces the occurrences of name that are not part of a
// longer word (the characters around are not letters or digits), so that
// the environment "qa" is found in "qa.example.com" and "myapp-qa", not
// in "aqua".
func replaceWord(s, name, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, name)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(name)
		if (i == 0 || !alnum(s[i-1])) && (end == len(s) || !alnum(s[end])) {
			b.WriteString(s[:i] + with)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// EnvValues are an environment's variables as compared values: Cmp the
// normalised value, Show redacted (length and hash of the real value)
// unless reveal.
func EnvValues(env *targets.Environ, names []string, reveal bool) map[string]Value {
	m := make(map[string]Value, len(env.Vars))
	for _, v := range env.Vars {
		val := Value{Where: v.Source.String()}
		switch {
		case !v.Known && v.Value == "":
			val.Cmp, val.Show = "(unknown:"+v.Source.String()+")", "(unknown)"
		case reveal:
			val.Cmp, val.Show = Normalise(v.Value, names), v.Value
		default:
			val.Cmp, val.Show = Normalise(v.Value, names), targets.Redacted(v.Value)
		}
		if v.Known && !reveal && val.Cmp != v.Value {
			val.Show += " (normalised)"
		}
		m[v.Name] = val
	}
	return m
}

// DefaultExpected are the items whose values are expected to differ
// between environments (a key present on one side only is still drift):
// credentials, database and cache addresses, host names, replica counts.
var DefaultExpected = []string{
	"env/SECRET_KEY", "env/DJANGO_SECRET_KEY", "env/*DATABASE_URL*", "env/DB_*", "env/DATABASE_*", "env/POSTGRES_*",
	"env/REDIS_URL", "env/CACHE_URL", "env/*_HOST", "env/*ALLOWED_HOSTS", "env/CSRF_TRUSTED_ORIGINS", "env/*PASSWORD*",
	"env/SENTRY_ENVIRONMENT", "env/APP_ENV", "env/ENVIRONMENT",
	"setting/SECRET_KEY", "setting/ALLOWED_HOSTS", "setting/CSRF_TRUSTED_ORIGINS", "setting/DATABASES*",
	"replicas/*",
}

// Match reports whether a drift.ignore pattern matches an item: a pattern
// without "/" matches an env key or a setting's name; one with "/"
// matches the item's ID (path.Match, and "KIND/*" every item of a kind).
func Match(pattern string, it Item) bool {
	if !strings.Contains(pattern, "/") {
		if it.Kind != KindEnv && it.Kind != KindSetting {
			return false
		}
		ok, _ := path.Match(pattern, it.Key)
		return ok
	}
	if ok, _ := path.Match(pattern, it.ID()); ok {
		return true
	}
	return strings.HasSuffix(pattern, "/*") && strings.HasPrefix(it.ID(), strings.TrimSuffix(pattern, "*"))
}

// Classify marks the expected items: any status matching an ignore
// pattern (from ctl.yaml), a value difference matching DefaultExpected.
func Classify(items []Item, ignore []string) {
	for i := range items {
		it := &items[i]
		if it.Status == Same {
			continue
		}
		for _, p := range ignore {
			if Match(p, *it) {
				it.Expected, it.Why = true, fmt.Sprintf("drift.ignore %q", p)
				break
			}
		}
		if it.Expected || it.Status != Different {
			continue
		}
		for _, p := range DefaultExpected {
			if Match(p, *it) {
				it.Expected, it.Why = true, "differs per environment by design"
				break
			}
		}
	}
}

// ParseShowMigrations reads `manage.py showmigrations --list`: lines
// "app" then " [X] 0001_initial" (applied) or " [ ] 0002_x". It returns
// "app/0001_initial" → applied.
func ParseShowMigrations(out string) map[string]bool {
	m := map[string]bool{}
	app := ""
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case !strings.HasPrefix(l, " ") && !strings.HasPrefix(t, "["):
			app = t
		case strings.HasPrefix(t, "[X]") || strings.HasPrefix(t, "[x]"):
			m[app+"/"+strings.TrimSpace(t[3:])] = true
		case strings.HasPrefix(t, "[ ]"):
			m[app+"/"+strings.TrimSpace(t[3:])] = false
		}
	}
	return m
}

// MigrationValues are migrations as compared values: applied or pending.
func MigrationValues(m map[string]bool) map[string]Value {
	out := make(map[string]Value, len(m))
	for k, applied := range m {
		s := "pending"
		if applied {
			s = "applied"
		}
		out[k] = Value{Cmp: s, Show: s}
	}
	return out
}
