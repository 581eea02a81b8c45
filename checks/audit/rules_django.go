package audit

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Django's deploy checks (manage.py check --deploy), replicated with their
// exact conditions: `is True` where Django writes `is True`, truthiness
// where it tests truthiness, exact string membership for middleware.

const (
	mwSecurity  = "django.middleware.security.SecurityMiddleware"
	mwXFrame    = "django.middleware.clickjacking.XFrameOptionsMiddleware"
	mwCSRF      = "django.middleware.csrf.CsrfViewMiddleware"
	mwSession   = "django.contrib.sessions.middleware.SessionMiddleware"
	appSessions = "django.contrib.sessions"
	docsBase    = "https://docs.djangoproject.com/en/%s/ref/settings/#%s"
	docsCheck   = "https://docs.djangoproject.com/en/%s/ref/checks/#security"
)

var referrerPolicyValues = map[string]bool{
	"no-referrer": true, "no-referrer-when-downgrade": true, "origin": true, "origin-when-cross-origin": true,
	"same-origin": true, "strict-origin": true, "strict-origin-when-cross-origin": true, "unsafe-url": true,
}

var coopValues = map[string]bool{"same-origin": true, "same-origin-allow-popups": true, "unsafe-none": true}

// checker collects findings and the settings it could not evaluate.
type checker struct {
	s        *Settings
	findings []Finding
	// unknown holds the settings a check needed and could not get, with
	// the unknown value (its Why says what could not be evaluated).
	unknown map[string]*Value
}

// need records that a check needed name and got the unknown value v.
func (c *checker) need(name string, v *Value) {
	if _, ok := c.unknown[name]; !ok {
		c.unknown[name] = v
	}
}

func (c *checker) settingDoc(name string) string {
	return fmt.Sprintf(docsBase, c.s.Version, strings.ToLower(strings.ReplaceAll(name, "_", "-")))
}

func (c *checker) add(id string, sev Severity, setting string, v *Value, msg, hint string) {
	f := Finding{ID: id, Severity: sev, Message: msg, Hint: hint, Setting: setting, Django: !strings.HasPrefix(id, "ctl.")}
	if setting != "" {
		f.DocURL = c.settingDoc(setting)
	}
	if v != nil {
		f.Pos, f.Value, f.Source = v.Pos, redactValue(setting, id, v), v.Src
	}
	if f.Pos.IsZero() {
		f.Pos = Pos{File: c.s.File, Line: 1, Col: 1}
	}
	c.findings = append(c.findings, f)
}

// redactValue shows a secret's shape, never the secret: SECRET_KEY (and
// its fallbacks) and database passwords come out as a prefix and a length.
// The value may come from --env-file (the real production key) and
// findings end up in CI logs and SARIF uploads.
func redactValue(setting, id string, v *Value) string {
	if v.Src.Kind == SrcGenerated && v.Kind == Str {
		return fmt.Sprintf("<generated at start-up, %d characters>", len([]rune(v.S)))
	}
	secret := setting == "SECRET_KEY" || setting == "SECRET_KEY_FALLBACKS" || id == "ctl.DB002"
	if !secret || v.Kind != Str {
		return v.Repr()
	}
	return RedactSecret(v.S)
}

// RedactSecret renders a secret as its first characters and its length:
// enough to recognise a placeholder ('django-insecure-…'), not to use it.
func RedactSecret(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return "''"
	}
	show := 0
	if strings.HasPrefix(s, "django-insecure-") {
		show = len("django-insecure-")
	} else if len(r) > 12 {
		show = 3
	}
	return fmt.Sprintf("'%s…' (%d characters, redacted)", string(r[:show]), len(r))
}

// get returns a setting and marks it unevaluable when unknown.
func (c *checker) get(name string) (*Value, bool) {
	v := c.s.Get(name)
	if !v.Known() {
		c.need(name, c.s.Get(name))
		return v, false
	}
	return v, true
}

// truth is truthiness of a setting; ok false when unknown.
func (c *checker) truth(name string) (bool, *Value, bool) {
	v, ok := c.get(name)
	if !ok {
		return false, v, false
	}
	t, ok := v.Truth()
	if !ok {
		c.need(name, c.s.Get(name))
	}
	return t, v, ok
}

// in is `item in settings.NAME`.
func (c *checker) in(name, item string) (bool, bool) {
	v, ok := c.get(name)
	if !ok {
		return false, false
	}
	found, known := v.Contains(item)
	if !known {
		c.need(name, c.s.Get(name))
	}
	return found, known
}

func (c *checker) djangoChecks() {
	s := c.s
	sm, smOK := c.in("MIDDLEWARE", mwSecurity)
	xf, xfOK := c.in("MIDDLEWARE", mwXFrame)
	csrf, csrfOK := c.in("MIDDLEWARE", mwCSRF)
	mw := s.Get("MIDDLEWARE")

	if smOK && !sm {
		c.add("security.W001", Warning, "MIDDLEWARE", mw,
			"You do not have 'django.middleware.security.SecurityMiddleware' in your MIDDLEWARE so the SECURE_HSTS_SECONDS, SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, and SECURE_SSL_REDIRECT settings will have no effect.",
			"add it near the top of MIDDLEWARE")
	}
	if xfOK && !xf {
		c.add("security.W002", Warning, "MIDDLEWARE", mw,
			"You do not have 'django.middleware.clickjacking.XFrameOptionsMiddleware' in your MIDDLEWARE, so your pages will not be served with an 'x-frame-options' header.",
			"add it to MIDDLEWARE unless another layer sets X-Frame-Options")
	}
	if csrfOK && !csrf {
		c.add("security.W003", Warning, "MIDDLEWARE", mw,
			"You don't appear to be using Django's built-in cross-site request forgery protection via the middleware ('django.middleware.csrf.CsrfViewMiddleware' is not in your MIDDLEWARE).",
			"add CsrfViewMiddleware to MIDDLEWARE (wrappers and subclasses are not recognised by Django's check)")
	}

	if smOK && sm {
		hsts, hv, hok := c.truth("SECURE_HSTS_SECONDS")
		if hok && !hsts {
			c.add("security.W004", Warning, "SECURE_HSTS_SECONDS", hv,
				"You have not set a value for the SECURE_HSTS_SECONDS setting.",
				"set SECURE_HSTS_SECONDS (e.g. 31536000) once the whole site is served over HTTPS")
		}
		if hok && hsts {
			if v, ok := c.get("SECURE_HSTS_INCLUDE_SUBDOMAINS"); ok && !v.IsTrue() {
				c.add("security.W005", Warning, "SECURE_HSTS_INCLUDE_SUBDOMAINS", v,
					"You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to True.", "set SECURE_HSTS_INCLUDE_SUBDOMAINS = True (the boolean, not a string)")
			}
			if v, ok := c.get("SECURE_HSTS_PRELOAD"); ok && !v.IsTrue() {
				c.add("security.W021", Warning, "SECURE_HSTS_PRELOAD", v,
					"You have not set the SECURE_HSTS_PRELOAD setting to True. Without this, your site cannot be submitted to the browser preload list.",
					"set SECURE_HSTS_PRELOAD = True")
			}
		}
		if v, ok := c.get("SECURE_CONTENT_TYPE_NOSNIFF"); ok && !v.IsTrue() {
			c.add("security.W006", Warning, "SECURE_CONTENT_TYPE_NOSNIFF", v,
				"Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to True, so your pages will not be served with an 'X-Content-Type-Options: nosniff' header.",
				"remove the setting (the default is True) or set it to the boolean True")
		}
		if v, ok := c.get("SECURE_SSL_REDIRECT"); ok && !v.IsTrue() {
			c.add("security.W008", Warning, "SECURE_SSL_REDIRECT", v,
				"Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting True or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.",
				"set SECURE_SSL_REDIRECT = True (the boolean: a string such as 'True' does not pass Django's `is True` test)")
		}
		c.referrerPolicy()
		if s.Version.AtLeast(4, 0) {
			if v, ok := c.get("SECURE_CROSS_ORIGIN_OPENER_POLICY"); ok && v.Kind != None {
				if str, isStr := v.Str(); !isStr || !coopValues[str] {
					c.add("security.E024", Error, "SECURE_CROSS_ORIGIN_OPENER_POLICY", v,
						fmt.Sprintf("You have set the SECURE_CROSS_ORIGIN_OPENER_POLICY setting to an invalid value (%s).", v.Repr()),
						"valid values are: same-origin, same-origin-allow-popups, unsafe-none")
				}
			}
		}
	}

	c.secretKey()
	if s.Version.AtLeast(4, 1) {
		c.secretKeyFallbacks()
	}
	if debug, v, ok := c.truth("DEBUG"); ok && debug {
		c.add("security.W018", Warning, "DEBUG", v, "You should not have DEBUG set to True in deployment.",
			"set DEBUG = False in production (read it with a boolean cast, e.g. env.bool('DEBUG', default=False))")
	}
	if xfOK && xf {
		if v, ok := c.get("X_FRAME_OPTIONS"); ok {
			if str, _ := v.Str(); str != "DENY" || v.Kind != Str {
				c.add("security.W019", Warning, "X_FRAME_OPTIONS", v,
					"You have 'django.middleware.clickjacking.XFrameOptionsMiddleware' in your MIDDLEWARE, but X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your site to serve other parts of itself in a frame, you should change it to 'DENY'.",
					"set X_FRAME_OPTIONS = 'DENY'")
			}
		}
	}
	if hosts, v, ok := c.truth("ALLOWED_HOSTS"); ok && !hosts {
		c.add("security.W020", Warning, "ALLOWED_HOSTS", v, "ALLOWED_HOSTS must not be empty in deployment.",
			"list the host names the site serves, e.g. ['www.example.com']")
	}
	c.sessionCookies()
	if csrfOK && csrf {
		useSessions, _, ok1 := c.truth("CSRF_USE_SESSIONS")
		secure, v, ok2 := c.truth("CSRF_COOKIE_SECURE")
		if ok1 && ok2 && !useSessions && !secure {
			c.add("security.W016", Warning, "CSRF_COOKIE_SECURE", v,
				"You have 'django.middleware.csrf.CsrfViewMiddleware' in your MIDDLEWARE, but you have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.",
				"set CSRF_COOKIE_SECURE = True")
		}
	}
	if v := s.Environ["DJANGO_ALLOW_ASYNC_UNSAFE"]; v != "" {
		c.add("async.E001", Error, "", nil,
			"You should not set the DJANGO_ALLOW_ASYNC_UNSAFE environment variable in deployment. This disables async safety protection.",
			"unset DJANGO_ALLOW_ASYNC_UNSAFE in the deployment environment")
	}
	c.cacheLocations()
}

func (c *checker) referrerPolicy() {
	v, ok := c.get("SECURE_REFERRER_POLICY")
	if !ok {
		return
	}
	if v.Kind == None {
		c.add("security.W022", Warning, "SECURE_REFERRER_POLICY", v,
			"You have not set the SECURE_REFERRER_POLICY setting. Without this, your site will not send a Referrer-Policy header. You should consider enabling this header to protect user privacy.",
			"set SECURE_REFERRER_POLICY = 'same-origin' (or remove it: that is the default)")
		return
	}
	var values []string
	if s, isStr := v.Str(); isStr {
		for _, part := range strings.Split(s, ",") {
			values = append(values, strings.TrimSpace(part))
		}
	} else if items, ok := v.Strings(); ok {
		values = items
	} else {
		c.need("SECURE_REFERRER_POLICY", c.s.Get("SECURE_REFERRER_POLICY"))
		return
	}
	for _, x := range values {
		if !referrerPolicyValues[x] {
			c.add("security.E023", Error, "SECURE_REFERRER_POLICY", v,
				"You have set the SECURE_REFERRER_POLICY setting to an invalid value.",
				"valid values are: no-referrer, no-referrer-when-downgrade, origin, origin-when-cross-origin, same-origin, strict-origin, strict-origin-when-cross-origin, unsafe-url")
			return
		}
	}
}

// weakKey applies W009's rules: < 50 chars, < 5 unique chars, or the
// django-insecure- prefix.
func weakKey(k string) bool {
	uniq := map[rune]bool{}
	for _, r := range k {
		uniq[r] = true
	}
	return len(uniq) < 5 || len([]rune(k)) < 50 || strings.HasPrefix(k, "django-insecure-")
}

func (c *checker) secretKey() {
	v, ok := c.get("SECRET_KEY")
	if !ok {
		return
	}
	k, isStr := v.Str()
	// A non-string key: Django's len()/set() work on it; treat None and
	// empty as missing (reading it raises ImproperlyConfigured).
	if !isStr && v.Kind != None {
		c.need("SECRET_KEY", c.s.Get("SECRET_KEY"))
		return
	}
	if weakKey(k) {
		c.add("security.W009", Warning, "SECRET_KEY", v,
			"Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django. Please generate a long and random SECRET_KEY, otherwise many of Django's security-critical features will be vulnerable to attack.",
			"generate one with `python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'` and read it from the environment")
	}
}

func (c *checker) secretKeyFallbacks() {
	v, ok := c.get("SECRET_KEY_FALLBACKS")
	if !ok {
		return
	}
	for i, it := range v.Items {
		k, isStr := it.Str()
		if !isStr {
			continue
		}
		if weakKey(k) {
			c.add("security.W025", Warning, "SECRET_KEY_FALLBACKS", it,
				fmt.Sprintf("Your SECRET_KEY_FALLBACKS[%d] has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django. Please generate a long and random value, otherwise many of Django's security-critical features will be vulnerable to attack.", i),
				"remove old keys from SECRET_KEY_FALLBACKS once sessions signed with them have expired")
		}
	}
}

func (c *checker) sessionCookies() {
	app, appOK := c.in("INSTALLED_APPS", appSessions)
	mw, mwOK := c.in("MIDDLEWARE", mwSession)
	if !appOK || !mwOK {
		return
	}
	type trio struct{ setting, app, mw, both, what string }
	for _, t := range []trio{
		{"SESSION_COOKIE_SECURE", "security.W010", "security.W011", "security.W012", "secure-only"},
		{"SESSION_COOKIE_HTTPONLY", "security.W013", "security.W014", "security.W015", "HttpOnly"},
	} {
		on, v, ok := c.truth(t.setting)
		if !ok || on {
			continue
		}
		id, msg := "", ""
		switch {
		case app && mw:
			id, msg = t.both, t.setting+" is not set to True."
		case app:
			id, msg = t.app, "You have 'django.contrib.sessions' in your INSTALLED_APPS, but you have not set "+t.setting+" to True."
		case mw:
			id, msg = t.mw, "You have 'django.contrib.sessions.middleware.SessionMiddleware' in your MIDDLEWARE, but you have not set "+t.setting+" to True."
		default:
			continue
		}
		c.add(id, Warning, t.setting, v, msg+" Using a "+t.what+" session cookie makes it more difficult to hijack user sessions.",
			"set "+t.setting+" = True")
	}
}

// resolvePath is Django's view of a path setting for caches.W002:
// pathlib.Path(p).resolve() (and os.path.abspath for the LOCATION), i.e.
// relative to the working directory, normalised, with the symbolic links
// of its longest existing prefix followed (resolve is not strict). Django
// resolves against the process's working directory; the audit assumes the
// project root (manage.py's directory), c.s.Dir.
func (c *checker) resolvePath(p string) string {
	if !filepath.IsAbs(p) && c.s.Dir != "" {
		p = filepath.Join(c.s.Dir, p)
	}
	p = filepath.Clean(p)
	if !filepath.IsAbs(p) {
		return p
	}
	// Follow the links of the longest prefix that exists on this machine
	// (settings paths built from BASE_DIR do); the rest stays as written.
	rest := ""
	for dir := p; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// pathUnder reports whether parent is one of child's ancestors (Python's
// `parent in child.parents`); both are clean.
func pathUnder(child, parent string) bool {
	if child == parent || filepath.IsAbs(child) != filepath.IsAbs(parent) {
		return false
	}
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// cacheLocations is caches.W002: a FileBasedCache inside, equal to or
// containing MEDIA_ROOT, STATIC_ROOT or a STATICFILES_DIRS entry; one
// warning per (setting, cache alias), in Django's order. Paths are
// compared as Django compares them, resolved (resolvePath).
func (c *checker) cacheLocations() {
	caches, ok := c.get("CACHES")
	if !ok || caches.Kind != Dict {
		return
	}
	for _, name := range []string{"MEDIA_ROOT", "STATIC_ROOT", "STATICFILES_DIRS"} {
		v := c.s.Get(name)
		if t, ok := v.Truth(); !ok || !t {
			continue
		}
		var paths []string
		if name == "STATICFILES_DIRS" {
			for _, it := range v.Items {
				if (it.Kind == Tuple || it.Kind == List) && len(it.Items) == 2 {
					it = it.Items[1]
				}
				if p, ok := it.Str(); ok {
					paths = append(paths, c.resolvePath(p))
				}
			}
		} else if p, ok := v.Str(); ok {
			paths = append(paths, c.resolvePath(p))
		}
		for i, k := range caches.Keys {
			alias, _ := k.Str()
			conf := caches.Vals[i]
			backend, _ := conf.Get("BACKEND").Str()
			if backend != "django.core.cache.backends.filebased.FileBasedCache" {
				continue
			}
			loc, ok := conf.Get("LOCATION").Str()
			if !ok {
				continue
			}
			lp := c.resolvePath(loc)
			rel := ""
			for _, rank := range []string{"matches", "is inside", "contains"} {
				for _, p := range paths {
					if (rank == "matches" && lp == p) ||
						(rank == "is inside" && pathUnder(lp, p)) ||
						(rank == "contains" && pathUnder(p, lp)) {
						rel = rank
					}
				}
				if rel != "" {
					break
				}
			}
			if rel == "" {
				continue
			}
			c.add("caches.W002", Warning, "CACHES", conf.Get("LOCATION"),
				fmt.Sprintf("Your '%s' cache configuration might expose your cache or lead to corruption of your data because its LOCATION %s %s.", alias, rel, name),
				"move the cache directory out of the media and static trees")
		}
	}
}
