package audit

import (
	"fmt"
	"sort"
	"strings"
)

// ctl's own checks: what Django's deployment checklist recommends and
// `check --deploy` never looks at. Each is documented in docs/audit.md.

// CtlCheck describes one of ctl's own checks (for docs and --list).
type CtlCheck struct {
	ID        string
	Severity  Severity
	Title     string
	Rationale string
	Fix       string
}

// CtlChecks is the catalogue, in ID order.
var CtlChecks = []CtlCheck{
	{"ctl.A001", Info, "admin at the default URL admin/", "bots probe /admin/ first; a different path cuts noise and credential stuffing", "serve the admin under a non-obvious path, e.g. path(env('ADMIN_URL'), admin.site.urls), and restrict it at the proxy"},
	{"ctl.C001", Warning, "http:// origin in CSRF_TRUSTED_ORIGINS", "trusting a plain-HTTP origin lets a network attacker forge requests", "use https:// origins only"},
	{"ctl.C002", Warning, "CORS allows every origin", "CORS_ALLOW_ALL_ORIGINS (or CORS_ORIGIN_ALLOW_ALL) lets any site read your API responses with the user's cookies when credentials are allowed", "list the origins in CORS_ALLOWED_ORIGINS"},
	{"ctl.C003", Warning, "SameSite=None cookie without Secure", "browsers reject SameSite=None cookies that are not Secure, and they travel cross-site", "set the matching *_COOKIE_SECURE = True, or use 'Lax'"},
	{"ctl.D001", Error, "DEBUG defaults to true through an environment default", "a deployment that forgets the variable runs with DEBUG on: tracebacks and settings leak", "make the default False: env.bool('DEBUG', default=False)"},
	{"ctl.D002", Warning, "DEBUG is a string", "os.getenv('DEBUG', False) returns the string 'False' when set, which is truthy", "cast it: env.bool('DEBUG') or os.getenv('DEBUG', '') == 'True'"},
	{"ctl.DB001", Warning, "SQLite in production", "SQLite has no concurrent writers and lives on the app server's disk", "use PostgreSQL (DATABASE_URL=postgres://...)"},
	{"ctl.DB002", Error, "database password in source", "a password in a committed file (or in a URL default) is a leaked credential", "read the password or the whole URL from the environment without a default"},
	{"ctl.E001", Error, "settings file could not be parsed completely", "a syntax error (or a templated file) hides part of the settings; the rest was still read and checked, but what is hidden may be exactly what a check needs", "fix the syntax; audit rendered templates"},
	{"ctl.I001", Warning, "import or include could not be read", "Python would stop loading the settings here; the audit went on, so the names the import would bind (and, for a star import, every setting not set later) are unknown", "make the module importable from the project root, or wrap an optional import in try/except ImportError"},
	{"ctl.H001", Warning, "ALLOWED_HOSTS allows any host", "'*' disables Host header validation (cache poisoning, password-reset poisoning)", "list the real host names"},
	{"ctl.H002", Error, "ALLOWED_HOSTS holds an empty string", "''.split(',') gives [''], which passes Django's W020 yet matches no host: every request gets 400", "default to an empty list and set ALLOWED_HOSTS in the environment"},
	{"ctl.K001", Warning, "local-memory or dummy cache in production", "each process gets its own cache: sessions, rate limits and invalidations do not work across workers", "use Redis or Memcached"},
	{"ctl.L001", Info, "no logging for django.request", "server errors are logged by django.request; without a handler they vanish in production", "configure LOGGING with a handler for django.request (or an error tracker)"},
	{"ctl.M001", Warning, "development EMAIL_BACKEND", "console, locmem, dummy and file backends never deliver mail: password resets silently fail", "use the SMTP backend or a provider's backend"},
	{"ctl.P001", Error, "weak first password hasher", "the first entry of PASSWORD_HASHERS hashes new passwords; MD5/SHA1 are trivially brute-forced", "put PBKDF2, Argon2 or bcrypt first"},
	{"ctl.S001", Error, "SECRET_KEY written in the source", "a key in the repository is known to everyone with access to it, however strong", "read it from the environment: SECRET_KEY = env('SECRET_KEY') with no default"},
	{"ctl.S002", Error, "SECRET_KEY has a default in source", "when the variable is missing the app silently runs with a key everyone knows", "drop the default so a missing key fails at start-up"},
	{"ctl.S003", Error, "SECRET_KEY generated at start-up", "a key generated when the settings load (get_random_secret_key(), secrets.token_urlsafe()) differs in every process and after every restart: sessions, password-reset links and signed cookies break across workers and deploys", "generate a key once and read it from the environment: SECRET_KEY = env('SECRET_KEY')"},
	{"ctl.ST001", Warning, "STATIC_ROOT unset", "collectstatic fails without it, and the site ships without CSS/JS", "set STATIC_ROOT = BASE_DIR / 'staticfiles'"},
	{"ctl.T001", Warning, "debug_toolbar in INSTALLED_APPS", "the toolbar exposes SQL, settings and headers to whoever it shows up for", "install it only in development settings"},
	{"ctl.X001", Info, "setting could not be evaluated", "the value comes from code the audit does not model; checks that need it were skipped", "none needed; pass --env/--env-file if it depends on the environment"},
}

func ctlCheck(id string) CtlCheck {
	for _, c := range CtlChecks {
		if c.ID == id {
			return c
		}
	}
	panic("unknown ctl check " + id)
}

func (c *checker) ctl(id, setting string, v *Value, msg string) {
	cc := ctlCheck(id)
	c.add(id, cc.Severity, setting, v, msg, cc.Fix)
}

func (c *checker) ctlChecks(adminAtDefault *Value) {
	s := c.s
	// Secrets.
	if v := s.Get("SECRET_KEY"); v.Src.Kind == SrcGenerated {
		c.ctl("ctl.S003", "SECRET_KEY", v, fmt.Sprintf("SECRET_KEY is generated at start-up (%s): each process and each restart gets a different key.", v.Src.Why))
	} else if !v.Known() {
		c.need("SECRET_KEY", v)
	} else if v.Kind == Str && v.S != "" {
		switch v.Src.Kind {
		case SrcLiteral, SrcComputed:
			c.ctl("ctl.S001", "SECRET_KEY", v, "SECRET_KEY is written in the settings source.")
		case SrcEnvDefault:
			what := "a real-looking key"
			if weakKey(v.S) || looksPlaceholder(v.S) {
				what = "a weak placeholder"
			}
			c.ctl("ctl.S002", "SECRET_KEY", v, fmt.Sprintf("SECRET_KEY falls back to %s when %s is unset.", what, strings.Join(v.Env, ", ")))
		}
	}
	// DEBUG.
	if v := s.Get("DEBUG"); !v.Known() {
		c.need("DEBUG", v)
	} else {
		if t, _ := v.Truth(); t && v.Src.Kind == SrcEnvDefault {
			c.ctl("ctl.D001", "DEBUG", v, fmt.Sprintf("DEBUG is %s when %s is unset.", v.Repr(), strings.Join(v.Env, ", ")))
		}
		if v.Kind == Str {
			c.ctl("ctl.D002", "DEBUG", v, fmt.Sprintf("DEBUG is the string %s, which Python treats as %v.", v.Repr(), v.S != ""))
		}
	}
	// ALLOWED_HOSTS.
	if v := s.Get("ALLOWED_HOSTS"); !v.Known() {
		c.need("ALLOWED_HOSTS", v)
	} else {
		real, empty := 0, false
		for _, it := range v.Items {
			x, ok := it.Str()
			switch {
			case !ok:
				c.need("ALLOWED_HOSTS", it)
			case x == "*":
				c.ctl("ctl.H001", "ALLOWED_HOSTS", it, "ALLOWED_HOSTS contains '*': any Host header is accepted.")
			case x == "":
				empty = true
			default:
				real++
			}
		}
		switch {
		case empty && real == 0:
			c.ctl("ctl.H002", "ALLOWED_HOSTS", v, fmt.Sprintf("ALLOWED_HOSTS is %s: it passes Django's emptiness check but matches no host.", v.Repr()))
		case empty:
			c.ctl("ctl.H002", "ALLOWED_HOSTS", v, fmt.Sprintf("ALLOWED_HOSTS is %s: the empty entry matches no host (the other entries still work); it usually comes from splitting a variable with a trailing or doubled comma.", v.Repr()))
		}
	}
	// Databases.
	if dbs := s.Get("DATABASES"); !dbs.Known() {
		c.need("DATABASES", dbs)
	} else if dbs.Kind == Dict {
		for i, k := range dbs.Keys {
			alias, _ := k.Str()
			conf := dbs.Vals[i]
			if conf.Kind != Dict {
				c.need("DATABASES", conf)
				continue
			}
			if ev := conf.Get("ENGINE"); ev != nil && !ev.Known() {
				c.need("DATABASES", ev)
			}
			if engine, ok := conf.Get("ENGINE").Str(); ok && strings.Contains(engine, "sqlite") {
				c.ctl("ctl.DB001", "DATABASES", conf.Get("ENGINE"), fmt.Sprintf("DATABASES[%q] uses SQLite.", alias))
			}
			if pw := conf.Get("PASSWORD"); pw != nil && pw.Kind == Str && pw.S != "" {
				switch pw.Src.Kind {
				case SrcLiteral, SrcComputed:
					c.ctl("ctl.DB002", "DATABASES", pw, fmt.Sprintf("DATABASES[%q] has its PASSWORD written in the source.", alias))
				case SrcEnvDefault:
					c.ctl("ctl.DB002", "DATABASES", pw, fmt.Sprintf("DATABASES[%q] takes its password from a default in the source when %s is unset.", alias, strings.Join(pw.Env, ", ")))
				}
			}
		}
	}
	if v := s.Get("STATIC_ROOT"); !v.Known() {
		c.need("STATIC_ROOT", v)
	} else {
		if t, _ := v.Truth(); !t {
			c.ctl("ctl.ST001", "STATIC_ROOT", v, "STATIC_ROOT is not set: collectstatic has nowhere to put files.")
		}
	}
	if adminAtDefault != nil {
		c.ctl("ctl.A001", "ROOT_URLCONF", adminAtDefault, "The admin is served at the default URL admin/.")
	}
	if v := s.Get("EMAIL_BACKEND"); !v.Known() {
		c.need("EMAIL_BACKEND", v)
	} else if v.Kind == Str {
		for _, dev := range []string{"console", "locmem", "dummy", "filebased"} {
			if strings.Contains(v.S, "mail.backends."+dev) {
				c.ctl("ctl.M001", "EMAIL_BACKEND", v, fmt.Sprintf("EMAIL_BACKEND is the %s backend: no mail is delivered.", dev))
			}
		}
	}
	if v := s.Get("CSRF_TRUSTED_ORIGINS"); v.Known() {
		for _, it := range v.Items {
			if x, ok := it.Str(); ok && strings.HasPrefix(x, "http://") {
				c.ctl("ctl.C001", "CSRF_TRUSTED_ORIGINS", it, fmt.Sprintf("CSRF_TRUSTED_ORIGINS trusts the plain-HTTP origin %q.", x))
			}
		}
	}
	for _, name := range []string{"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"} {
		if s.Has(name) {
			if t, ok := s.Get(name).Truth(); ok && t {
				c.ctl("ctl.C002", name, s.Get(name), name+" is on: every origin may make cross-site requests.")
			}
		}
	}
	for _, pair := range [][2]string{{"SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE"}, {"CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE"}} {
		if v := s.Get(pair[0]); v.Kind == Str && strings.EqualFold(v.S, "none") {
			if t, ok := s.Get(pair[1]).Truth(); ok && !t {
				c.ctl("ctl.C003", pair[0], v, fmt.Sprintf("%s is 'None' but %s is not True.", pair[0], pair[1]))
			}
		}
	}
	if found, known := s.Get("INSTALLED_APPS").Contains("debug_toolbar"); known && found {
		v := s.Get("INSTALLED_APPS")
		for _, it := range v.Items {
			if x, _ := it.Str(); x == "debug_toolbar" {
				v = it
			}
		}
		c.ctl("ctl.T001", "INSTALLED_APPS", v, "debug_toolbar is in INSTALLED_APPS.")
	}
	if caches := s.Get("CACHES"); !caches.Known() {
		c.need("CACHES", caches)
	} else if caches.Kind == Dict {
		if def := caches.Get("default"); def != nil {
			if b, ok := def.Get("BACKEND").Str(); ok && (strings.HasSuffix(b, "locmem.LocMemCache") || strings.HasSuffix(b, "dummy.DummyCache")) {
				v := def.Get("BACKEND")
				if !s.Has("CACHES") {
					v = caches
				}
				c.ctl("ctl.K001", "CACHES", v, fmt.Sprintf("The default cache is %s.", b[strings.LastIndex(b, ".")+1:]))
			}
		}
	}
	if v := s.Get("PASSWORD_HASHERS"); v.Known() && len(v.Items) > 0 {
		if first, ok := v.Items[0].Str(); ok {
			low := strings.ToLower(first)
			if strings.Contains(low, "md5") || strings.Contains(low, "sha1passwordhasher") && !strings.Contains(low, "pbkdf2") || strings.Contains(low, "unsalted") || strings.Contains(low, "crypt") && !strings.Contains(low, "bcrypt") {
				c.ctl("ctl.P001", "PASSWORD_HASHERS", v.Items[0], fmt.Sprintf("New passwords are hashed with %s.", first[strings.LastIndex(first, ".")+1:]))
			}
		}
	}
	if v := s.Get("LOGGING"); v.Known() && !loggingCoversRequest(v) {
		c.ctl("ctl.L001", "LOGGING", v, "LOGGING configures no logger for django.request (nor django, nor the root logger).")
	}
	// Settings that could not be evaluated, so checks needing them were skipped.
	names := make([]string, 0, len(c.unknown))
	for n := range c.unknown {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := c.unknown[n]
		why := v.Src.Why
		if v.Known() || why == "" {
			why = "part of it could not be evaluated"
			if v.Known() {
				v = s.Get(n)
			}
		}
		c.ctl("ctl.X001", n, v, fmt.Sprintf("%s could not be evaluated (%s); checks that need it were skipped.", n, why))
	}
}

func looksPlaceholder(s string) bool {
	low := strings.ToLower(s)
	for _, w := range []string{"change", "secret", "insecure", "placeholder", "dummy", "example", "xxx", "todo", "default", "dev"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

func loggingCoversRequest(v *Value) bool {
	if v.Kind != Dict {
		return false
	}
	if root := v.Get("root"); root != nil {
		if h := root.Get("handlers"); h != nil && len(h.Items) > 0 {
			return true
		}
	}
	loggers := v.Get("loggers")
	if loggers == nil || loggers.Kind != Dict {
		return false
	}
	for _, name := range []string{"django.request", "django", ""} {
		if l := loggers.Get(name); l != nil {
			if h := l.Get("handlers"); h != nil && len(h.Items) > 0 {
				return true
			}
		}
	}
	return false
}
