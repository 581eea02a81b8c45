package audit

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Django feature release (major.minor).
type Version struct{ Major, Minor int }

// SupportedVersions are the Django releases the audit knows, oldest first.
var SupportedVersions = []Version{{3, 2}, {4, 0}, {4, 1}, {4, 2}, {5, 0}, {5, 1}, {5, 2}, {6, 0}, {6, 1}}

// Newest is the default when the project's version cannot be detected.
var Newest = SupportedVersions[len(SupportedVersions)-1]

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AtLeast reports v >= major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// ParseVersion reads "4.2" (or "4.2.11") and checks it is supported.
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("invalid Django version %q: expected MAJOR.MINOR such as 4.2", s)
	}
	maj, err1 := strconv.Atoi(parts[0])
	min, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("invalid Django version %q: expected MAJOR.MINOR such as 4.2", s)
	}
	v := Version{maj, min}
	for _, sv := range SupportedVersions {
		if sv == v {
			return v, nil
		}
	}
	names := make([]string, len(SupportedVersions))
	for i, sv := range SupportedVersions {
		names[i] = sv.String()
	}
	return Version{}, fmt.Errorf("Django %s is not supported; supported: %s", v, strings.Join(names, ", "))
}

// Settings is the evaluated settings module.
type Settings struct {
	// File is the settings file as displayed (relative when possible).
	File string
	// Values holds every upper-case module-level name.
	Values map[string]*Value
	// Version selects defaults and checks.
	Version Version
	// Environ is the deployment environment the audit assumed (--env,
	// --env-file); async.E001 reads it.
	Environ map[string]string
	// Files are every file the evaluation read (star imports...).
	Files []string
	// Dir is the working directory Django is assumed to run in (the
	// project root, where manage.py is): relative file paths such as a
	// FileBasedCache LOCATION resolve against it, as Django resolves them
	// against the process's working directory. "" leaves them relative.
	Dir string
	// Opaque, when set, says why a setting the settings do not bind may
	// still be set (a star import the audit could not read): such a
	// setting is unknown, never Django's default.
	Opaque string

	// reads records the settings the checks read (Get), for Report.
	reads map[string]bool
}

// Has reports whether the settings set name.
func (s *Settings) Has(name string) bool {
	_, ok := s.Values[name]
	return ok
}

// Get returns the setting's value, or Django's global default for the
// version (Src = default, positioned at the settings file's top).
func (s *Settings) Get(name string) *Value {
	if s.reads == nil {
		s.reads = map[string]bool{}
	}
	s.reads[name] = true
	return s.lookup(name)
}

// lookup is Get without recording the read.
func (s *Settings) lookup(name string) *Value {
	if v, ok := s.Values[name]; ok {
		return v
	}
	if s.Opaque != "" {
		return NewUnknown("not set here; it may be set by "+s.Opaque, Pos{File: s.File, Line: 1, Col: 1})
	}
	d := s.defaultValue(name)
	d.Src = Source{Kind: SrcDefault}
	d.Pos = Pos{File: s.File, Line: 1, Col: 1}
	return d
}

func (s *Settings) defaultValue(name string) *Value {
	p := Pos{}
	str := func(x string) *Value { return NewStr(x, p) }
	list := func(items ...string) *Value {
		vs := make([]*Value, len(items))
		for i, it := range items {
			vs[i] = str(it)
		}
		return NewSeq(List, vs, p)
	}
	switch name {
	case "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
		"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSRF_USE_SESSIONS", "CSRF_COOKIE_HTTPONLY",
		"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "LANGUAGE_COOKIE_SECURE":
		return NewBool(false, p)
	case "SECURE_CONTENT_TYPE_NOSNIFF", "SESSION_COOKIE_HTTPONLY":
		return NewBool(true, p)
	case "SECURE_HSTS_SECONDS":
		return NewInt(0, p)
	case "SECRET_KEY", "MEDIA_ROOT", "STATIC_URL_UNSET":
		return str("")
	case "ALLOWED_HOSTS", "MIDDLEWARE", "INSTALLED_APPS", "STATICFILES_DIRS", "CSRF_TRUSTED_ORIGINS",
		"SECRET_KEY_FALLBACKS", "SILENCED_SYSTEM_CHECKS", "ADMINS", "AUTH_PASSWORD_VALIDATORS":
		return list()
	case "SECURE_REFERRER_POLICY":
		return str("same-origin")
	case "SECURE_CROSS_ORIGIN_OPENER_POLICY":
		if s.Version.AtLeast(4, 0) {
			return str("same-origin")
		}
		return NewNone(p)
	case "X_FRAME_OPTIONS":
		return str("DENY")
	case "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE":
		return str("Lax")
	case "STATIC_ROOT", "STATIC_URL", "SECURE_PROXY_SSL_HEADER", "ROOT_URLCONF":
		return NewNone(p)
	case "EMAIL_BACKEND":
		return str("django.core.mail.backends.smtp.EmailBackend")
	case "DATABASES", "LOGGING":
		return NewDict(p)
	case "CACHES":
		d := NewDict(p)
		inner := NewDict(p)
		inner.Set(str("BACKEND"), str("django.core.cache.backends.locmem.LocMemCache"))
		d.Set(str("default"), inner)
		return d
	case "PASSWORD_HASHERS":
		return list("django.contrib.auth.hashers.PBKDF2PasswordHasher",
			"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
			"django.contrib.auth.hashers.Argon2PasswordHasher",
			"django.contrib.auth.hashers.BCryptSHA256PasswordHasher")
	}
	return NewNone(p)
}
