package pyeval

// dj-database-url and django-environ's URL parsing: DATABASES and CACHES entries.

import (
	"net/url"
	"strings"
)

// parseDBURL turns a database URL into Django's DATABASES entry.
func (e *Evaluator) parseDBURL(raw, engine *Value, p Pos) *Value {
	s, ok := raw.Str()
	if !ok {
		return unknownFrom(p, raw)
	}
	d := NewDict(p)
	set := func(k string, v *Value) { d.Set(NewStr(k, p), derive(v, raw)) }
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		return NewUnknown("not a database URL", p)
	}
	engines := map[string]string{
		"postgres": "django.db.backends.postgresql", "postgresql": "django.db.backends.postgresql",
		"pgsql": "django.db.backends.postgresql", "postgis": "django.contrib.gis.db.backends.postgis",
		"mysql": "django.db.backends.mysql", "mysql2": "django.db.backends.mysql", "sqlite": "django.db.backends.sqlite3",
		"oracle": "django.db.backends.oracle", "spatialite": "django.contrib.gis.db.backends.spatialite",
	}
	eng, known := engines[scheme]
	if !known {
		return NewUnknown("database URL scheme "+scheme, p)
	}
	if engine != nil {
		if es, ok := engine.Str(); ok {
			eng = es
		}
	}
	set("ENGINE", NewStr(eng, p))
	if scheme == "sqlite" || scheme == "spatialite" {
		path := strings.TrimPrefix(rest, "/")
		if path == "" || path == ":memory:" {
			path = ":memory:"
		}
		set("NAME", NewStr(path, p))
		return derive(d, raw)
	}
	u, err := url.Parse(s)
	if err != nil {
		return NewUnknown("malformed database URL", p)
	}
	set("NAME", NewStr(strings.TrimPrefix(u.Path, "/"), p))
	set("USER", NewStr(u.User.Username(), p))
	pw, _ := u.User.Password()
	set("PASSWORD", NewStr(pw, p))
	set("HOST", NewStr(u.Hostname(), p))
	set("PORT", NewStr(u.Port(), p))
	return derive(d, raw)
}

func (e *Evaluator) parseCacheURL(raw *Value, p Pos) *Value {
	s, ok := raw.Str()
	if !ok {
		return unknownFrom(p, raw)
	}
	scheme, rest, _ := strings.Cut(s, "://")
	backends := map[string]string{
		"locmemcache": "django.core.cache.backends.locmem.LocMemCache", "dummycache": "django.core.cache.backends.dummy.DummyCache",
		"filecache": "django.core.cache.backends.filebased.FileBasedCache", "dbcache": "django.core.cache.backends.db.DatabaseCache",
		"rediscache": "django_redis.cache.RedisCache", "redis": "django_redis.cache.RedisCache",
		"memcache": "django.core.cache.backends.memcached.MemcachedCache", "pymemcache": "django.core.cache.backends.memcached.PyMemcacheCache",
	}
	b, ok := backends[scheme]
	if !ok {
		return NewUnknown("cache URL scheme "+scheme, p)
	}
	d := NewDict(p)
	d.Set(NewStr("BACKEND", p), derive(NewStr(b, p), raw))
	loc := rest
	if scheme == "filecache" {
		loc = "/" + strings.TrimPrefix(rest, "/")
	}
	d.Set(NewStr("LOCATION", p), derive(NewStr(loc, p), raw))
	return derive(d, raw)
}

// dburlCalls are dj-database-url's config() and parse().
var dburlCalls = map[string]callModel{
	"dj_database_url.config": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		envName := "DATABASE_URL"
		if v, ok := a.kw["env"]; ok {
			if s, ok := v.Str(); ok {
				envName = s
			}
		}
		var raw *Value
		if v, set := e.env(envName, p); set {
			raw = v
		} else {
			def, _ := a.get(-1, "default")
			raw = envDefault(envName, def, p)
		}
		if t, ok := raw.Truth(); ok && !t {
			return derive(NewDict(p), raw)
		}
		return e.parseDBURL(raw, a.kw["engine"], p)
	},
	"dj_database_url.parse": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		u, _ := a.get(0, "url")
		return e.parseDBURL(u, a.kw["engine"], p)
	},
}
