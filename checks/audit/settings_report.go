package audit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ctlops/ctl/checks/audit/pyeval"
	"github.com/ctlops/ctl/internal/textutil"
)

// Setting is one resolved setting that a check reads: what `manage.py
// diffsettings` would show for it, without importing the project. Later
// features (comparing environments, a live audit) build on it.
type Setting struct {
	// Name is the setting, e.g. "DEBUG".
	Name string
	// Value is the value as Python would print it, shortened, with
	// secrets redacted (SECRET_KEY, passwords, tokens, a URL's password);
	// "" when Known is false.
	Value string
	// Known is false when the audit could not compute the value;
	// Source.Why then says why.
	Known bool
	// Source is the value's provenance: literal, Django default,
	// environment (default), computed, generated, unknown.
	Source Source
	// Pos is where the value was written (for an environment lookup: its
	// default or the lookup); a Django default is at the settings file's
	// line 1, column 1.
	Pos Pos
}

// Report lists the settings the checks read, sorted by name. Call it
// after Check.
func (s *Settings) Report() []Setting {
	names := make([]string, 0, len(s.reads))
	for n := range s.reads {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Setting, 0, len(names))
	for _, n := range names {
		out = append(out, s.resolve(n))
	}
	return out
}

func (s *Settings) resolve(name string) Setting {
	v := s.lookup(name)
	st := Setting{Name: name, Known: v.Known(), Source: v.Src, Pos: v.Pos}
	if st.Known {
		st.Value = RedactedRepr(name, v)
	}
	return st
}

// secretName reports whether a name (of a setting or a dict key) holds a
// secret: SECRET, PASSW(ORD), TOKEN, API(_)KEY, PRIVATE(_)KEY, CREDENTIAL.
func secretName(name string) bool {
	low := strings.ToLower(name)
	for _, w := range []string{"secret", "passw", "token", "apikey", "api_key", "privatekey", "private_key", "credential"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// urlPasswordRE matches the password of a URL's userinfo.
var urlPasswordRE = textutil.Regexp(`(://[^/@:\s]*:)([^/@\s]+)@`)

// RedactedRepr renders a setting's value with its secrets redacted: a
// secret setting or dict entry as its first characters and length
// (RedactSecret), a password inside a URL as ***.
func RedactedRepr(name string, v *Value) string {
	budget := 300 // Repr shows ~120 characters: the rest need not be walked
	return redactClone(v, secretName(name), 0, &budget).Repr()
}

func redactClone(v *Value, secret bool, depth int, budget *int) *Value {
	if v == nil {
		return v
	}
	if *budget--; *budget < 0 || depth > 8 {
		return redacted("...")
	}
	switch v.Kind {
	case Str, Bytes:
		if v.Src.Kind == SrcGenerated {
			return redacted(fmt.Sprintf("generated at start-up, %d characters", len([]rune(v.S))))
		}
		if secret && v.S != "" {
			return redacted(RedactSecret(v.S))
		}
		if strings.Contains(v.S, "://") && strings.Contains(v.S, "@") && urlPasswordRE().MatchString(v.S) {
			c := v.Clone()
			c.S = urlPasswordRE().ReplaceAllString(v.S, "${1}***@")
			return c
		}
		return v
	case List, Tuple, Set:
		c := v.Clone()
		for i, it := range c.Items {
			c.Items[i] = redactClone(it, secret, depth+1, budget)
		}
		return c
	case Dict:
		c := v.Clone()
		for i, k := range c.Keys {
			ks, _ := k.Str()
			c.Vals[i] = redactClone(c.Vals[i], secret || secretName(ks), depth+1, budget)
		}
		return c
	}
	return v
}

// redacted is a placeholder that prints as <text>.
func redacted(text string) *Value {
	return &Value{Kind: Object, Ident: pyeval.IdentLib, S: text}
}
