package audit

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// args holds a call's evaluated arguments.
type args struct {
	pos []*Value
	kw  map[string]*Value
	bad bool // *args / **kwargs we could not expand
}

func (a args) get(i int, name string) (*Value, bool) {
	if v, ok := a.kw[name]; ok {
		return v, true
	}
	if i >= 0 && i < len(a.pos) {
		return a.pos[i], true
	}
	return nil, false
}

func (e *Evaluator) evalArgs(sc *scope, t *py.Call) args {
	a := args{kw: map[string]*Value{}}
	for _, x := range t.Args {
		if st, ok := x.(*py.Starred); ok {
			v := e.expr(sc, st.X)
			if v.Kind == List || v.Kind == Tuple {
				a.pos = append(a.pos, v.Items...)
			} else {
				a.bad = true
			}
			continue
		}
		a.pos = append(a.pos, e.expr(sc, x))
	}
	for _, k := range t.Keywords {
		v := e.expr(sc, k.Value)
		if k.Arg == nil {
			if v.Kind == Dict {
				for i, key := range v.Keys {
					if s, ok := key.Str(); ok {
						a.kw[s] = v.Vals[i]
					}
				}
			} else {
				a.bad = true
			}
			continue
		}
		a.kw[k.Arg.ID] = v
	}
	return a
}

func (e *Evaluator) lookupEnv(k string) (string, bool) {
	v, ok := e.Env[k]
	return v, ok
}

// envValue is the string value of a set variable.
func (e *Evaluator) envValue(k, val string, p Pos) *Value {
	v := NewStr(val, p)
	v.Src = Source{Kind: SrcEnv, Var: k, From: e.EnvFrom[k]}
	v.Env = []string{k}
	return v
}

// envDefault marks def as the value used because k is unset.
func envDefault(k string, def *Value, p Pos) *Value {
	var v *Value
	if def == nil {
		v = NewNone(p)
	} else {
		v = def.Clone()
		if v.Pos.IsZero() {
			v.Pos = p
		}
	}
	if v.Kind != Unknown {
		v.Src = Source{Kind: SrcEnvDefault, Var: k}
	}
	v.addEnv(k)
	markDefault(v, k)
	return v
}

// markDefault propagates the env-default source into containers, so that
// e.g. a password inside a URL default is known to come from a default.
func markDefault(v *Value, k string) {
	for _, it := range v.Items {
		if it.Src.Kind == SrcLiteral {
			it.Src = Source{Kind: SrcEnvDefault, Var: k}
			it.addEnv(k)
		}
	}
	for _, it := range v.Vals {
		if it.Src.Kind == SrcLiteral {
			it.Src = Source{Kind: SrcEnvDefault, Var: k}
			it.addEnv(k)
		}
	}
}

func required(k, lib string, p Pos) *Value {
	u := NewUnknown(fmt.Sprintf("%s is required by %s and unset", k, lib), p)
	u.Env = []string{k}
	return u
}

func (e *Evaluator) call(sc *scope, t *py.Call, p Pos) *Value {
	fn := e.expr(sc, t.Func)
	a := e.evalArgs(sc, t)
	if fn.Kind != Object {
		return unknownFrom(p, fn)
	}
	if a.bad {
		return NewUnknown("a call with *args/**kwargs that could not be expanded", p)
	}
	self := fn.Attrs["__self__"]
	name := fn.S
	// Normalise library spellings.
	switch {
	case name == "os.getenv", name == "os.environ.get", name == "os.environ.setdefault":
		k, ok := a.get(0, "key")
		ks, isStr := k.Str()
		if !ok || !isStr {
			return NewUnknown("os.getenv with a computed name", p)
		}
		if val, set := e.lookupEnv(ks); set {
			return e.envValue(ks, val, p)
		}
		def, _ := a.get(1, "default")
		return envDefault(ks, def, p)
	case strings.HasPrefix(name, "os.path."):
		return e.osPath(strings.TrimPrefix(name, "os.path."), a, p)
	case name == "pathlib.Path", name == "pathlib.PurePath", name == "Path":
		parts := make([]string, 0, len(a.pos))
		for _, x := range a.pos {
			s, ok := x.Str()
			if !ok {
				return unknownFrom(p, x)
			}
			parts = append(parts, s)
		}
		v := NewStr(filepath.Join(parts...), p)
		v.Path = true
		return derive(v, a.pos...)
	case strings.HasPrefix(name, "builtins."):
		return e.builtin(strings.TrimPrefix(name, "builtins."), a, p)
	case name == "environ.Env", name == "environs.Env", name == "environ.environ.Env":
		inst := obj(strings.TrimPrefix(name, "environ.environ.")+"()", p)
		if name == "environ.environ.Env" {
			inst.S = "environ.Env()"
		}
		inst.Attrs = map[string]*Value{}
		scheme := NewDict(p)
		for k, v := range a.kw {
			scheme.Set(NewStr(k, p), v)
		}
		inst.Attrs["__scheme__"] = scheme
		return inst
	case name == "environ.Env()", name == "environs.Env()":
		return e.djangoEnviron(fn, "", a, p)
	case strings.HasSuffix(name, ".read_env"), name == "environ.Env.read_env", name == "dotenv.load_dotenv", name == "load_dotenv":
		return NewNone(p) // the developer's .env is not the deployment's
	case self != nil && (self.S == "environ.Env()" || self.S == "environs.Env()"):
		return e.djangoEnviron(self, strings.TrimPrefix(name, self.S+"."), a, p)
	case name == "decouple.config", name == "decouple.AutoConfig()":
		return e.decouple(a, p)
	case name == "decouple.Csv":
		c := obj("decouple.Csv()", p)
		c.Attrs = map[string]*Value{}
		if d, ok := a.get(1, "delimiter"); ok {
			c.Attrs["delimiter"] = d
		}
		return c
	case name == "decouple.AutoConfig", name == "decouple.Config":
		return obj("decouple.AutoConfig()", p)
	case name == "dj_database_url.config":
		envName := "DATABASE_URL"
		if v, ok := a.kw["env"]; ok {
			if s, ok := v.Str(); ok {
				envName = s
			}
		}
		var raw *Value
		if val, set := e.lookupEnv(envName); set {
			raw = e.envValue(envName, val, p)
		} else {
			def, _ := a.get(-1, "default")
			raw = envDefault(envName, def, p)
		}
		if t, ok := raw.Truth(); ok && !t {
			return derive(NewDict(p), raw)
		}
		return e.parseDBURL(raw, a.kw["engine"], p)
	case name == "dj_database_url.parse":
		u, _ := a.get(0, "url")
		return e.parseDBURL(u, a.kw["engine"], p)
	case strings.HasPrefix(name, "method "):
		return e.method(strings.TrimPrefix(name, "method "), self, a, p)
	case strings.HasPrefix(name, "function "):
		return e.callFunc(fn, a, p)
	}
	return NewUnknown("call to "+name, p)
}

// djangoEnviron implements django-environ's Env (and environs' Env,
// whose methods share names) with django-environ 0.4's semantics: a
// default is returned as written, only a set value is cast.
func (e *Evaluator) djangoEnviron(inst *Value, method string, a args, p Pos) *Value {
	varArg, ok := a.get(0, "var")
	if method == "db" || method == "db_url" || method == "dj_db_url" || method == "cache" || method == "cache_url" || method == "email_url" || method == "email" {
		if !ok {
			def := map[string]string{"db": "DATABASE_URL", "db_url": "DATABASE_URL", "dj_db_url": "DATABASE_URL", "cache": "CACHE_URL", "cache_url": "CACHE_URL", "email": "EMAIL_URL", "email_url": "EMAIL_URL"}[method]
			varArg, ok = NewStr(def, p), true
		}
	}
	k, isStr := varArg.Str()
	if !ok || !isStr {
		return NewUnknown("env() with a computed variable name", p)
	}
	cast := method
	def, hasDef := a.get(-1, "default")
	if method == "" {
		if c, ok := a.get(1, "cast"); ok {
			cast = castName(c)
		}
		if !hasDef {
			def, hasDef = a.get(2, "default")
		}
		if scheme := inst.Attrs["__scheme__"]; scheme != nil {
			if entry := scheme.Get(k); entry != nil {
				if entry.Kind == Tuple && len(entry.Items) == 2 {
					if cast == "" {
						cast = castName(entry.Items[0])
					}
					if !hasDef {
						def, hasDef = entry.Items[1], true
					}
				} else if cast == "" {
					cast = castName(entry)
				}
			}
		}
	} else if !hasDef && inst.S == "environs.Env()" {
		def, hasDef = a.get(1, "default")
	}
	val, set := e.lookupEnv(k)
	switch method {
	case "db", "db_url", "dj_db_url", "cache", "cache_url", "email", "email_url":
		var raw *Value
		if set {
			raw = e.envValue(k, val, p)
		} else if hasDef {
			raw = envDefault(k, def, p)
		} else {
			return required(k, "django-environ", p)
		}
		if strings.HasPrefix(method, "cache") {
			return e.parseCacheURL(raw, p)
		}
		if strings.HasPrefix(method, "email") {
			return raw
		}
		return e.parseDBURL(raw, nil, p)
	}
	if !set {
		if !hasDef {
			return required(k, "django-environ", p)
		}
		return envDefault(k, def, p)
	}
	sv := e.envValue(k, val, p)
	if hasDef && def.Kind == Str && def.S == val {
		return sv // django-environ skips casting a value equal to the default
	}
	return castValue(sv, cast, p)
}

func castName(c *Value) string {
	if c == nil {
		return ""
	}
	switch {
	case c.Kind == Object && strings.HasPrefix(c.S, "builtins."):
		return strings.TrimPrefix(c.S, "builtins.")
	case c.Kind == Object && c.S == "decouple.Csv()":
		return "csv"
	case c.Kind == List && len(c.Items) == 1:
		return "list"
	}
	return "?"
}

// castValue casts an environment string like django-environ does.
func castValue(sv *Value, cast string, p Pos) *Value {
	s := sv.S
	switch cast {
	case "", "str", "string", "path", "url":
		return sv
	case "bool":
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			return derive(NewBool(n != 0, p), sv)
		}
		switch strings.ToLower(s) {
		case "true", "on", "ok", "y", "yes", "1":
			return derive(NewBool(true, p), sv)
		}
		return derive(NewBool(false, p), sv)
	case "int":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return NewUnknown(fmt.Sprintf("int(%q) raises ValueError", s), p)
		}
		return derive(NewInt(n, p), sv)
	case "float":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return NewUnknown(fmt.Sprintf("float(%q) raises ValueError", s), p)
		}
		return derive(NewFloat(f, p), sv)
	case "list", "tuple":
		var items []*Value
		for _, x := range strings.Split(strings.Trim(s, "()"), ",") {
			if x != "" {
				items = append(items, derive(NewStr(x, p), sv))
			}
		}
		kind := List
		if cast == "tuple" {
			kind = Tuple
		}
		return derive(NewSeq(kind, items, p), sv)
	}
	return NewUnknown("cast "+cast, p)
}

// decouple implements python-decouple's config(): the cast applies to the
// default too, bool accepts only 1/yes/true/on/0/no/false/off/"".
func (e *Evaluator) decouple(a args, p Pos) *Value {
	kv, _ := a.get(0, "option")
	k, ok := kv.Str()
	if !ok {
		return NewUnknown("config() with a computed name", p)
	}
	def, hasDef := a.get(1, "default")
	castV, _ := a.get(2, "cast")
	var v *Value
	if val, set := e.lookupEnv(k); set {
		v = e.envValue(k, val, p)
	} else if hasDef {
		v = envDefault(k, def, p)
	} else {
		return required(k, "python-decouple", p)
	}
	cast := castName(castV)
	switch cast {
	case "":
		return v
	case "bool":
		s, ok := pyStr(v)
		if v.Kind == Bool {
			return v
		}
		if !ok {
			return unknownFrom(p, v)
		}
		switch strings.ToLower(s) {
		case "1", "yes", "true", "on":
			return derive(NewBool(true, p), v)
		case "0", "no", "false", "off", "":
			return derive(NewBool(false, p), v)
		}
		return NewUnknown(fmt.Sprintf("decouple cannot cast %q to bool (ValueError)", s), p)
	case "csv":
		if v.Kind == List || v.Kind == Tuple {
			return v
		}
		s, ok := v.Str()
		if !ok {
			return unknownFrom(p, v)
		}
		delim := ","
		if d := castV.Attrs["delimiter"]; d != nil {
			delim, _ = d.Str()
		}
		var items []*Value
		for _, x := range strings.Split(s, delim) {
			if x = strings.TrimSpace(x); x != "" { // shlex drops empty tokens
				items = append(items, derive(NewStr(x, p), v))
			}
		}
		return derive(NewSeq(List, items, p), v)
	case "int", "float", "str":
		if v.Kind == Str {
			return castValue(v, cast, p)
		}
		return v
	}
	return NewUnknown("config() cast "+cast, p)
}

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

func (e *Evaluator) osPath(fn string, a args, p Pos) *Value {
	strs := make([]string, 0, len(a.pos))
	for _, x := range a.pos {
		s, ok := x.Str()
		if !ok {
			return unknownFrom(p, x)
		}
		strs = append(strs, s)
	}
	if len(strs) == 0 {
		return NewUnknown("os.path."+fn+"()", p)
	}
	var out string
	switch fn {
	case "join":
		out = strs[0]
		for _, s := range strs[1:] {
			if filepath.IsAbs(s) {
				out = s
			} else {
				out = filepath.Join(out, s)
			}
		}
	case "dirname":
		out = filepath.Dir(strs[0])
	case "abspath", "realpath", "normpath":
		out = filepath.Clean(strs[0])
	case "basename":
		out = filepath.Base(strs[0])
	case "exists", "isfile", "isdir":
		return NewUnknown("os.path."+fn+" checks the build machine's disk", p)
	default:
		return NewUnknown("os.path."+fn, p)
	}
	return derive(NewStr(out, p), a.pos...)
}

func (e *Evaluator) builtin(fn string, a args, p Pos) *Value {
	var x *Value
	if len(a.pos) > 0 {
		x = a.pos[0]
	}
	switch fn {
	case "bool":
		if x == nil {
			return NewBool(false, p)
		}
		if b, ok := x.Truth(); ok {
			return derive(NewBool(b, p), x)
		}
	case "str":
		if x == nil {
			return NewStr("", p)
		}
		if s, ok := pyStr(x); ok {
			return derive(NewStr(s, p), x)
		}
	case "int":
		if x == nil {
			return NewInt(0, p)
		}
		switch x.Kind {
		case Int:
			return x
		case Bool:
			return derive(NewInt(map[bool]int64{true: 1}[x.B], p), x)
		case Float:
			return derive(NewInt(int64(x.F), p), x)
		case Str:
			return castValue(x, "int", p)
		}
	case "float":
		if x != nil && x.Kind == Str {
			return castValue(x, "float", p)
		}
		if f, ok := number(x); ok {
			return derive(NewFloat(f, p), x)
		}
	case "list", "tuple", "set", "sorted":
		kind := map[string]Kind{"list": List, "tuple": Tuple, "set": Set, "sorted": List}[fn]
		if x == nil {
			return NewSeq(kind, nil, p)
		}
		if x.Kind == List || x.Kind == Tuple || x.Kind == Set {
			return derive(NewSeq(kind, append([]*Value{}, x.Items...), p), x)
		}
		if x.Kind == Dict {
			return derive(NewSeq(kind, append([]*Value{}, x.Keys...), p), x)
		}
	case "dict":
		d := NewDict(p)
		if x != nil && x.Kind == Dict {
			for i := range x.Keys {
				d.Set(x.Keys[i], x.Vals[i])
			}
		}
		for k, v := range a.kw {
			d.Set(NewStr(k, p), v)
		}
		return d
	case "len":
		switch {
		case x == nil:
		case x.Kind == Str:
			return derive(NewInt(int64(len([]rune(x.S))), p), x)
		case x.Kind == List || x.Kind == Tuple || x.Kind == Set:
			return derive(NewInt(int64(len(x.Items)), p), x)
		case x.Kind == Dict:
			return derive(NewInt(int64(len(x.Keys)), p), x)
		}
	}
	if x != nil && !x.Known() {
		return unknownFrom(p, x)
	}
	return NewUnknown(fn+"()", p)
}

func (e *Evaluator) method(name string, self *Value, a args, p Pos) *Value {
	if self == nil || !self.Known() {
		return unknownFrom(p, self)
	}
	arg := func(i int) *Value {
		if i < len(a.pos) {
			return a.pos[i]
		}
		return nil
	}
	switch self.Kind {
	case Str:
		s := self.S
		switch name {
		case "lower":
			return derive(NewStr(strings.ToLower(s), p), self)
		case "upper":
			return derive(NewStr(strings.ToUpper(s), p), self)
		case "strip", "lstrip", "rstrip":
			cut := " \t\n\r\x0b\x0c"
			if c := arg(0); c != nil && c.Kind == Str {
				cut = c.S
			}
			switch name {
			case "strip":
				s = strings.Trim(s, cut)
			case "lstrip":
				s = strings.TrimLeft(s, cut)
			default:
				s = strings.TrimRight(s, cut)
			}
			return derive(NewStr(s, p), self)
		case "split":
			var parts []string
			sep := arg(0)
			if sep == nil || sep.Kind == None {
				parts = strings.Fields(s)
			} else if sep.Kind == Str && sep.S != "" {
				parts = strings.Split(s, sep.S) // "".split(",") == [""]
			} else {
				return unknownFrom(p, sep)
			}
			items := make([]*Value, len(parts))
			for i, x := range parts {
				items[i] = derive(NewStr(x, p), self)
			}
			return derive(NewSeq(List, items, p), self)
		case "startswith", "endswith":
			if x := arg(0); x != nil && x.Kind == Str {
				if name == "startswith" {
					return derive(NewBool(strings.HasPrefix(s, x.S), p), self)
				}
				return derive(NewBool(strings.HasSuffix(s, x.S), p), self)
			}
		case "replace":
			if x, y := arg(0), arg(1); x != nil && y != nil && x.Kind == Str && y.Kind == Str {
				return derive(NewStr(strings.ReplaceAll(s, x.S, y.S), p), self, x, y)
			}
		case "join":
			if x := arg(0); x != nil {
				if strs, ok := x.Strings(); ok {
					return derive(NewStr(strings.Join(strs, s), p), self, x)
				}
			}
		case "format":
			if out, ok := strFormat(s, a); ok {
				return derive(NewStr(out, p), append([]*Value{self}, a.pos...)...)
			}
		case "resolve", "absolute", "expanduser":
			if self.Path {
				return self
			}
		case "joinpath":
			if self.Path {
				out := self.S
				for _, x := range a.pos {
					if x.Kind != Str {
						return unknownFrom(p, x)
					}
					out = filepath.Join(out, x.S)
				}
				v := NewStr(out, p)
				v.Path = true
				return derive(v, self)
			}
		case "encode":
			v := derive(NewStr(s, p), self)
			v.Kind = Bytes
			return v
		}
	case List:
		switch name {
		case "append":
			if x := arg(0); x != nil {
				self.Items = append(self.Items, x)
				self.addEnv(x.Env...)
			}
			return NewNone(p)
		case "extend":
			if x := arg(0); x != nil && (x.Kind == List || x.Kind == Tuple || x.Kind == Set) {
				self.Items = append(self.Items, x.Items...)
				return NewNone(p)
			}
			*self = *NewUnknown("extended with an unknown iterable", self.Pos)
			return NewNone(p)
		case "insert":
			i, x := arg(0), arg(1)
			if i != nil && i.Kind == Int && x != nil {
				idx := clampIndex(int(i.I), len(self.Items))
				self.Items = append(self.Items[:idx], append([]*Value{x}, self.Items[idx:]...)...)
			}
			return NewNone(p)
		case "remove":
			if x := arg(0); x != nil {
				for i, it := range self.Items {
					if Equal(it, x) {
						self.Items = append(self.Items[:i], self.Items[i+1:]...)
						break
					}
				}
			}
			return NewNone(p)
		case "copy":
			return self.Clone()
		case "index", "count":
		}
	case Dict:
		switch name {
		case "get":
			if k := arg(0); k != nil {
				for i := len(self.Keys) - 1; i >= 0; i-- {
					if Equal(self.Keys[i], k) {
						return self.Vals[i]
					}
				}
				if d := arg(1); d != nil {
					return d
				}
				return NewNone(p)
			}
		case "update":
			if x := arg(0); x != nil && x.Kind == Dict {
				for i := range x.Keys {
					self.Set(x.Keys[i], x.Vals[i])
				}
			}
			for k, v := range a.kw {
				self.Set(NewStr(k, p), v)
			}
			return NewNone(p)
		case "setdefault":
			if k := arg(0); k != nil {
				for i := range self.Keys {
					if Equal(self.Keys[i], k) {
						return self.Vals[i]
					}
				}
				d := arg(1)
				if d == nil {
					d = NewNone(p)
				}
				self.Set(k, d)
				return d
			}
		case "copy":
			return self.Clone()
		case "keys":
			return NewSeq(List, append([]*Value{}, self.Keys...), p)
		case "values":
			return NewSeq(List, append([]*Value{}, self.Vals...), p)
		}
	}
	return NewUnknown(fmt.Sprintf("%s.%s()", self.Kind, name), p)
}

// strFormat handles "{}", "{0}" and "{name}" fields of str.format.
func strFormat(f string, a args) (string, bool) {
	var b strings.Builder
	auto := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '{' && i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		if c == '}' && i+1 < len(f) && f[i+1] == '}' {
			b.WriteByte('}')
			i++
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return "", false
		}
		field := f[i+1 : i+end]
		i += end
		if strings.ContainsAny(field, ":!.[") {
			return "", false
		}
		var v *Value
		if field == "" {
			if auto >= len(a.pos) {
				return "", false
			}
			v = a.pos[auto]
			auto++
		} else if n, err := strconv.Atoi(field); err == nil {
			if n >= len(a.pos) {
				return "", false
			}
			v = a.pos[n]
		} else {
			v = a.kw[field]
		}
		if v == nil {
			return "", false
		}
		s, ok := pyStr(v)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}
