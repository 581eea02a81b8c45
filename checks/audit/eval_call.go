package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

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

// jsonValue reads one JSON value (the whole input) as Python's
// json.loads would return it, objects keeping their key order.
func jsonValue(dec *json.Decoder, p Pos) (*Value, error) {
	dec.UseNumber()
	var read func() (*Value, error)
	read = func() (*Value, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '[':
				l := NewSeq(List, nil, p)
				for dec.More() {
					it, err := read()
					if err != nil {
						return nil, err
					}
					l.Items = append(l.Items, it)
				}
				_, err := dec.Token()
				return l, err
			case '{':
				d := NewDict(p)
				for dec.More() {
					k, err := read()
					if err != nil {
						return nil, err
					}
					v, err := read()
					if err != nil {
						return nil, err
					}
					d.Set(k, v)
				}
				_, err := dec.Token()
				return d, err
			}
			return nil, fmt.Errorf("unexpected %v", t)
		case string:
			return NewStr(t, p), nil
		case bool:
			return NewBool(t, p), nil
		case nil:
			return NewNone(p), nil
		case json.Number:
			if n, err := t.Int64(); err == nil {
				return NewInt(n, p), nil
			}
			f, err := t.Float64()
			return NewFloat(f, p), err
		}
		return nil, fmt.Errorf("unexpected %v", tok)
	}
	v, err := read()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data")
	}
	return v, nil
}

// isEnviron reports whether v is os.environ.
func isEnviron(v *Value) bool { return v != nil && v.Kind == Object && v.S == "os.environ" }

// env looks a variable up as os.environ would: the settings' own writes
// first, then the deployment environment (--env, --env-file).
func (e *Evaluator) env(k string, p Pos) (*Value, bool) {
	if v, ok := e.envSet[k]; ok {
		return v, v != nil
	}
	if val, ok := e.Env[k]; ok {
		return e.envValue(k, val, p), true
	}
	return nil, false
}

// setEnv records a write to os.environ by the settings; nil deletes.
func (e *Evaluator) setEnv(k string, v *Value) {
	if e.envSet == nil {
		e.envSet = map[string]*Value{}
	}
	e.envSet[k] = v
}

// Environ is os.environ as the settings leave it: the deployment
// environment with the settings' own writes (os.environ[k] = v,
// setdefault, update, del, pop) applied; a write the audit could not
// evaluate leaves the variable out. Django's async.E001 reads it.
func (e *Evaluator) Environ() map[string]string {
	out := make(map[string]string, len(e.Env)+len(e.envSet))
	for k, v := range e.Env {
		out[k] = v
	}
	for k, v := range e.envSet {
		if s, ok := v.Str(); ok {
			out[k] = s
		} else {
			delete(out, k)
		}
	}
	return out
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
	case name == "os.getenv", name == "os.environ.get", name == "os.environ.setdefault", name == "os.environ.pop":
		k, ok := a.get(0, "key")
		ks, isStr := k.Str()
		if !ok || !isStr {
			return NewUnknown("os.getenv with a computed name", p)
		}
		if v, set := e.env(ks, p); set {
			if name == "os.environ.pop" {
				e.setEnv(ks, nil)
			}
			return v
		}
		def, hasDef := a.get(1, "default")
		switch name {
		case "os.environ.pop":
			if !hasDef {
				e.raise("KeyError", ks)
				u := NewUnknown(fmt.Sprintf("os.environ.pop(%q) raises KeyError: %s is unset", ks, ks), p)
				u.Env = []string{ks}
				return u
			}
		case "os.environ.setdefault":
			// The variable is now set, for the rest of the settings
			// and for Django (async.E001 reads os.environ).
			v := envDefault(ks, def, p)
			e.setEnv(ks, v)
			return v
		}
		return envDefault(ks, def, p)
	case name == "os.environ.update":
		if x, ok := a.get(0, ""); ok {
			if x.Kind != Dict {
				return NewUnknown("os.environ.update with a mapping the audit cannot read", p)
			}
			for i, k := range x.Keys {
				if ks, ok := k.Str(); ok {
					e.setEnv(ks, x.Vals[i])
				}
			}
		}
		for k, v := range a.kw {
			e.setEnv(k, v)
		}
		return NewNone(p)
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
		for i, param := range []string{"cast", "delimiter", "strip", "post_process"} {
			if v, ok := a.get(i, param); ok {
				c.Attrs[param] = v
			}
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
	case name == "distutils.util.strtobool":
		// 1 for y/yes/t/true/on/1, 0 for n/no/f/false/off/0, else ValueError.
		x, _ := a.get(0, "val")
		s, ok := x.Str()
		if !ok {
			return unknownFrom(p, x)
		}
		switch strings.ToLower(s) {
		case "y", "yes", "t", "true", "on", "1":
			return derive(NewInt(1, p), x)
		case "n", "no", "f", "false", "off", "0":
			return derive(NewInt(0, p), x)
		}
		e.raise("ValueError", "invalid truth value "+pyQuote(s))
		return NewUnknown(fmt.Sprintf("strtobool(%s) raises ValueError", pyQuote(s)), p)
	case name == "json.loads":
		x, _ := a.get(0, "s")
		s, ok := x.Str()
		if !ok || len(a.kw) > 0 {
			return unknownFrom(p, x)
		}
		v, err := jsonValue(json.NewDecoder(strings.NewReader(s)), p)
		if err != nil {
			e.raise("JSONDecodeError", err.Error())
			return NewUnknown("json.loads raises JSONDecodeError: "+err.Error(), p)
		}
		return derive(v, x)
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

// environDefaultPos is where a django-environ method takes its default
// when given positionally: Env(var, cast, default); list/tuple/dict(var,
// cast, default); the others (var, default).
func environDefaultPos(method string) int {
	switch method {
	case "", "list", "tuple", "dict":
		return 2
	}
	return 1
}

// djangoEnviron implements django-environ's Env (and environs' Env,
// whose methods share names) with django-environ 0.4's get_value: the
// scheme given to Env() supplies a cast and a default; a missing
// variable without default raises ImproperlyConfigured; a value starting
// with $ names another variable; a default is returned as written (never
// cast) and a value equal to the default is not cast either.
func (e *Evaluator) djangoEnviron(inst *Value, method string, a args, p Pos) *Value {
	varArg, ok := a.get(0, "var")
	if !ok {
		switch method {
		case "db", "db_url":
			varArg, ok = NewStr("DATABASE_URL", p), true
		case "cache", "cache_url":
			varArg, ok = NewStr("CACHE_URL", p), true
		case "email", "email_url":
			varArg, ok = NewStr("EMAIL_URL", p), true
		}
	}
	k, isStr := varArg.Str()
	if !ok || !isStr {
		return NewUnknown("env() with a computed variable name", p)
	}
	defPos := environDefaultPos(method)
	if inst.S == "environs.Env()" {
		defPos = 1
	}
	def, hasDef := a.get(defPos, "default")
	// The cast each method passes to get_value ("" is None).
	cast := ""
	switch method {
	case "":
		if c, ok := a.get(1, "cast"); ok && c.Kind != None {
			cast = castName(c)
		}
	case "bool", "int", "float", "json", "url", "dict":
		cast = method
	case "unicode":
		cast = "str"
	case "list", "tuple":
		cast = method
	case "cache", "cache_url", "email", "email_url", "search_url":
		cast = "url"
	}
	if scheme := inst.Attrs["__scheme__"]; scheme != nil {
		if entry := scheme.Get(k); entry != nil {
			if (entry.Kind == Tuple || entry.Kind == List) && len(entry.Items) == 2 {
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
	parseDefault := cast == "url"
	v := e.environValue(k, cast, def, hasDef, parseDefault, p, 0)
	switch method {
	case "db", "db_url", "dj_db_url":
		return e.parseDBURL(v, a.kw["engine"], p)
	case "cache", "cache_url":
		return e.parseCacheURL(v, p)
	case "path":
		if v.Kind == Str {
			c := v.Clone()
			c.Path = true
			return c
		}
	}
	return v
}

// environValue is django-environ's get_value(var, cast, default,
// parse_default); the "url" cast leaves the string for the caller.
func (e *Evaluator) environValue(k, cast string, def *Value, hasDef, parseDefault bool, p Pos, depth int) *Value {
	var v *Value
	if sv, set := e.env(k, p); set {
		v = sv
	} else if hasDef {
		v = envDefault(k, def, p)
	} else {
		e.raise("ImproperlyConfigured", "Set the "+k+" environment variable")
		return required(k, "django-environ", p)
	}
	if !v.Known() {
		return v
	}
	if s, ok := v.Str(); ok && strings.HasPrefix(s, "$") {
		if depth > 8 {
			return NewUnknown("django-environ proxies "+k+" in a loop", p)
		}
		// A value "$OTHER" is the value of OTHER, cast the same way.
		v = e.environValue(strings.TrimLeft(s, "$"), cast, def, hasDef, false, p, depth+1)
		if !v.Known() {
			return v
		}
	}
	isDefault := hasDef && Equal(v, def)
	if hasDef && def.Kind == Str && v.Kind == Str {
		isDefault = v.S == def.S // str == str, whatever else Equal knows
	}
	if hasDef && (def.Kind == List || def.Kind == Tuple || def.Kind == Dict) && v.Kind == Str {
		isDefault = false
	}
	if isDefault && !(parseDefault && truthy(v)) {
		return v
	}
	if cast == "url" {
		return v
	}
	if v.Kind != Str {
		// A proxied value, already cast: parse_value applies again.
		switch {
		case cast == "bool" && (v.Kind == Bool || v.Kind == Int):
			t, _ := v.Truth()
			return derive(NewBool(t, p), v)
		case cast == "" || cast == "str" && v.Kind == Str, cast == "int" && v.Kind == Int:
			return v
		}
		return NewUnknown("django-environ cast "+cast+" of a "+v.Kind.String(), p)
	}
	r, exc := castValue(v, cast, p)
	if exc != "" {
		e.raise(exc, r.Src.Why)
	}
	return r
}

func truthy(v *Value) bool {
	t, _ := v.Truth()
	return t
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
	case c.Kind == Tuple && len(c.Items) == 1:
		return "tuple"
	}
	return "?"
}

// pyInt parses a string as Python's int() does: surrounding whitespace,
// a sign, digits with single underscores between them.
func pyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" || body[0] == '_' || body[len(body)-1] == '_' || strings.Contains(body, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:len(s)-len(body)]+strings.ReplaceAll(body, "_", ""), 10, 64)
	return n, err == nil
}

// castValue casts an environment string like django-environ's
// parse_value; exc is the exception Python raises ("" when none).
func castValue(sv *Value, cast string, p Pos) (*Value, string) {
	s := sv.S
	switch cast {
	case "", "str", "string":
		return sv, ""
	case "bool":
		if n, ok := pyInt(s); ok {
			return derive(NewBool(n != 0, p), sv), ""
		}
		switch strings.ToLower(s) {
		case "true", "on", "ok", "y", "yes", "1":
			return derive(NewBool(true, p), sv), ""
		}
		return derive(NewBool(false, p), sv), ""
	case "int":
		n, ok := pyInt(s)
		if !ok {
			return NewUnknown(fmt.Sprintf("int(%q) raises ValueError", s), p), "ValueError"
		}
		return derive(NewInt(n, p), sv), ""
	case "float":
		// django-environ keeps digits, commas and dots, and reads the
		// last separator as the decimal point ("1,234.5" is 1234.5).
		var kept strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' || r == ',' || r == '.' {
				kept.WriteRune(r)
			}
		}
		parts := strings.FieldsFunc(kept.String(), func(r rune) bool { return r == ',' || r == '.' })
		if strings.HasSuffix(kept.String(), ",") || strings.HasSuffix(kept.String(), ".") || strings.HasPrefix(kept.String(), ",") || strings.HasPrefix(kept.String(), ".") || strings.Contains(kept.String(), ",,") || strings.Contains(kept.String(), "..") {
			return NewUnknown(fmt.Sprintf("float(%q)", s), p), ""
		}
		num := kept.String()
		if len(parts) > 1 {
			num = strings.Join(parts[:len(parts)-1], "") + "." + parts[len(parts)-1]
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return NewUnknown(fmt.Sprintf("float(%q) raises ValueError", s), p), "ValueError"
		}
		return derive(NewFloat(f, p), sv), ""
	case "list", "tuple":
		src := s
		kind := List
		if cast == "tuple" {
			src = strings.Trim(strings.Trim(s, "("), ")")
			kind = Tuple
		}
		var items []*Value
		for _, x := range strings.Split(src, ",") {
			if x != "" {
				items = append(items, derive(NewStr(x, p), sv))
			}
		}
		return derive(NewSeq(kind, items, p), sv), ""
	}
	return NewUnknown("cast "+cast, p), ""
}

// pyCast is Python's int(s), float(s) or str(s) of a string; a
// ValueError is raised for a try/except around it.
func (e *Evaluator) pyCast(sv *Value, cast string, p Pos) *Value {
	s := sv.S
	switch cast {
	case "str":
		return sv
	case "int":
		if n, ok := pyInt(s); ok {
			return derive(NewInt(n, p), sv)
		}
	case "float":
		t := strings.TrimSpace(s)
		if !strings.Contains(t, "__") && !strings.HasPrefix(t, "_") && !strings.HasSuffix(t, "_") {
			low := strings.ToLower(strings.TrimLeft(t, "+-"))
			if !strings.HasPrefix(low, "0x") && low != "infinite" {
				if f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64); err == nil || errors.Is(err, strconv.ErrRange) {
					return derive(NewFloat(f, p), sv)
				}
			}
		}
	default:
		return NewUnknown("cast "+cast, p)
	}
	e.raise("ValueError", fmt.Sprintf("%s(%q)", cast, s))
	return NewUnknown(fmt.Sprintf("%s(%q) raises ValueError", cast, s), p)
}

// decouple implements python-decouple's config(): the environment, else
// the default (UndefinedValueError without one), then the cast, which
// applies to the default too. bool accepts y/yes/t/true/on/1 and
// n/no/f/false/off/0 in any case, and "" (False).
func (e *Evaluator) decouple(a args, p Pos) *Value {
	kv, _ := a.get(0, "option")
	k, ok := kv.Str()
	if !ok {
		return NewUnknown("config() with a computed name", p)
	}
	def, hasDef := a.get(1, "default")
	castV, _ := a.get(2, "cast")
	var v *Value
	if sv, set := e.env(k, p); set {
		v = sv
	} else if hasDef {
		v = envDefault(k, def, p)
	} else {
		e.raise("UndefinedValueError", k+" not found")
		return required(k, "python-decouple", p)
	}
	if !v.Known() {
		return v
	}
	cast := castName(castV)
	switch cast {
	case "":
		return v
	case "bool":
		s, ok := pyStr(v)
		if !ok {
			return unknownFrom(p, v)
		}
		switch strings.ToLower(s) {
		case "y", "yes", "t", "true", "on", "1":
			return derive(NewBool(true, p), v)
		case "n", "no", "f", "false", "off", "0", "":
			return derive(NewBool(false, p), v)
		}
		e.raise("ValueError", "Invalid truth value: "+s)
		return NewUnknown(fmt.Sprintf("decouple cannot cast %q to bool (ValueError)", s), p)
	case "csv":
		s, ok := v.Str()
		if !ok {
			return unknownFrom(p, v)
		}
		return e.decoupleCsv(castV, s, v, p)
	case "int", "float", "str":
		if v.Kind == Str {
			return e.pyCast(v, cast, p)
		}
		if cast == "str" {
			if s, ok := pyStr(v); ok {
				return derive(NewStr(s, p), v)
			}
		}
		if (cast == "int" && v.Kind == Int) || (cast == "float" && v.Kind == Float) {
			return v
		}
		if cast == "int" && v.Kind == Bool || cast == "int" && v.Kind == Float {
			return e.builtin("int", args{pos: []*Value{v}}, p)
		}
	}
	return NewUnknown("config() cast "+cast, p)
}

// decoupleCsv is decouple's Csv(cast=str, delimiter=",", strip=
// string.whitespace, post_process=list): shlex (posix, whitespace_split,
// whitespace = the delimiter characters) splits the value, so quotes
// group, \ escapes and # starts a comment; each token is then stripped.
// Adjacent delimiters give no token, but "a, ,b" gives an empty one.
func (e *Evaluator) decoupleCsv(csv *Value, s string, v *Value, p Pos) *Value {
	delim, strip := ",", " \t\n\r\x0b\x0c"
	if d := csv.Attrs["delimiter"]; d != nil {
		if delim, _ = d.Str(); delim == "" {
			return NewUnknown("Csv() with a computed delimiter", p)
		}
	}
	if st := csv.Attrs["strip"]; st != nil {
		var ok bool
		if strip, ok = st.Str(); !ok {
			return NewUnknown("Csv() with a computed strip", p)
		}
	}
	itemCast := "str"
	if c := csv.Attrs["cast"]; c != nil {
		itemCast = castName(c)
	}
	kind := List
	if pp := csv.Attrs["post_process"]; pp != nil {
		switch castName(pp) {
		case "list":
		case "tuple":
			kind = Tuple
		case "set":
			kind = Set
		default:
			return NewUnknown("Csv() with a post_process the audit does not model", p)
		}
	}
	tokens, ok := shlexSplit(s, delim)
	if !ok {
		e.raise("ValueError", "No closing quotation")
		return NewUnknown("Csv(): shlex raises ValueError on "+pyQuote(s), p)
	}
	items := make([]*Value, 0, len(tokens))
	for _, tok := range tokens {
		it := derive(NewStr(strings.Trim(tok, strip), p), v)
		switch itemCast {
		case "str":
		case "int", "float":
			it = e.pyCast(it, itemCast, p)
		default:
			return NewUnknown("Csv(cast="+itemCast+")", p)
		}
		if kind == Set && slices.ContainsFunc(items, func(x *Value) bool { return Equal(x, it) }) {
			continue
		}
		items = append(items, it)
	}
	return derive(NewSeq(kind, items, p), v)
}

// shlexSplit is list(shlex(s, posix=True)) with whitespace_split=True and
// whitespace=ws: quotes ' and ", the escape \ (inside "" only before " or
// \), # comments to the end of the line. ok is false when Python raises
// (an unclosed quote, a trailing \).
func shlexSplit(s, ws string) (tokens []string, ok bool) {
	const (
		stSpace = iota
		stWord
		stQuote
		stEscape
	)
	state, escapedState := stSpace, stSpace
	var quote rune
	var tok strings.Builder
	quoted := false
	emit := func() {
		tokens = append(tokens, tok.String())
		tok.Reset()
		quoted = false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch state {
		case stSpace, stWord:
			switch {
			case strings.ContainsRune(ws, c):
				if state == stWord || tok.Len() > 0 || quoted {
					emit()
				}
				state = stSpace
			case c == '#':
				for i < len(rs) && rs[i] != '\n' {
					i++
				}
				if state == stWord && (tok.Len() > 0 || quoted) {
					emit()
				}
				state = stSpace
			case c == '\'' || c == '"':
				quote, state = c, stQuote
			case c == '\\':
				escapedState, state = stWord, stEscape
			default:
				tok.WriteRune(c)
				state = stWord
			}
		case stQuote:
			quoted = true
			switch {
			case c == quote:
				state = stWord
			case c == '\\' && quote == '"':
				escapedState, state = stQuote, stEscape
			default:
				tok.WriteRune(c)
			}
		case stEscape:
			if escapedState == stQuote && c != quote && c != '\\' {
				tok.WriteRune('\\')
			}
			tok.WriteRune(c)
			state = escapedState
		}
	}
	switch state {
	case stQuote, stEscape:
		return nil, false
	case stWord:
		if tok.Len() > 0 || quoted {
			emit()
		}
	}
	return tokens, true
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
	e.charge(a.pos...)
	if tooLong(totalLen(strs)) {
		return NewUnknown("a path longer than the audit evaluates", p)
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
			return e.pyCast(x, "int", p)
		}
	case "float":
		if x != nil && x.Kind == Str {
			return e.pyCast(x, "float", p)
		}
		if f, ok := number(x); ok {
			return derive(NewFloat(f, p), x)
		}
	case "list", "tuple", "set", "sorted", "reversed":
		kind := map[string]Kind{"list": List, "tuple": Tuple, "set": Set, "sorted": List, "reversed": List}[fn]
		if x == nil {
			return NewSeq(kind, nil, p)
		}
		items, ok := iterItems(x)
		if !ok || len(a.kw) > 0 {
			break
		}
		out := derive(NewSeq(kind, nil, p), x)
		for _, it := range items {
			if kind == Set && slices.ContainsFunc(out.Items, func(y *Value) bool { return Equal(y, it) }) {
				continue
			}
			out.Items = append(out.Items, it)
		}
		switch fn {
		case "reversed":
			slices.Reverse(out.Items)
		case "sorted":
			var less func(a, b *Value) (bool, bool)
			less = func(a, b *Value) (bool, bool) { return compare(py.Lt, a, b) }
			bad := false
			slices.SortStableFunc(out.Items, func(a, b *Value) int {
				if lt, ok := less(a, b); !ok {
					bad = true
				} else if lt {
					return -1
				} else if gt, _ := less(b, a); gt {
					return 1
				}
				return 0
			})
			if bad {
				return NewUnknown("sorted() of values the audit cannot order", p)
			}
		}
		return out
	case "filter":
		// filter(None, xs) and filter(bool, xs) keep the truthy items.
		if len(a.pos) != 2 || !(a.pos[0].Kind == None || a.pos[0].Kind == Object && a.pos[0].S == "builtins.bool") {
			return NewUnknown("filter() with a function the audit does not model", p)
		}
		items, ok := iterItems(a.pos[1])
		if !ok {
			return unknownFrom(p, a.pos[1])
		}
		out := derive(obj("generator", p), a.pos[1])
		for _, it := range items {
			t, ok := it.Truth()
			if !ok {
				return unknownFrom(p, it)
			}
			if t {
				out.Items = append(out.Items, it)
			}
		}
		return out
	case "any", "all":
		items, ok := iterItems(x)
		if !ok || len(a.pos) != 1 {
			break
		}
		for _, it := range items {
			t, ok := it.Truth()
			if !ok {
				return unknownFrom(p, it)
			}
			if t == (fn == "any") {
				return derive(NewBool(t, p), x, it)
			}
		}
		return derive(NewBool(fn == "all", p), x)
	case "sum":
		items, ok := iterItems(x)
		if !ok || len(a.pos) > 1 || len(a.kw) > 0 {
			break
		}
		total := NewInt(0, p)
		for _, it := range items {
			total = e.binop(nil, py.Add, total, it, p)
			if !total.Known() {
				return total
			}
		}
		return derive(total, x)
	case "min", "max":
		items := a.pos
		if len(a.pos) == 1 {
			var ok bool
			if items, ok = iterItems(x); !ok {
				break
			}
		}
		if len(items) == 0 || len(a.kw) > 0 {
			break
		}
		best := items[0]
		for _, it := range items[1:] {
			op := py.Lt
			if fn == "max" {
				op = py.Gt
			}
			better, ok := compare(op, it, best)
			if !ok {
				return unknownFrom(p, it, best)
			}
			if better {
				best = it
			}
		}
		return best
	case "getattr":
		if len(a.pos) < 2 || len(a.pos) > 3 {
			break
		}
		name, ok := a.pos[1].Str()
		if ok && x.Kind == None && len(a.pos) == 3 && !strings.HasPrefix(name, "__") {
			return a.pos[2] // None has no such attribute
		}
		if !ok || x.Kind != Object || x.Attrs == nil || !strings.HasPrefix(x.S, "module ") {
			return unknownFrom(p, x, a.pos[1])
		}
		if v, ok := x.Attrs[name]; ok {
			return v
		}
		if len(a.pos) == 3 {
			return a.pos[2]
		}
		e.raise("AttributeError", name)
		return NewUnknown("AttributeError: "+name, p)
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
	for _, v := range a.pos {
		if !v.Known() {
			return unknownFrom(p, v)
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
	e.charge(self)
	e.charge(a.pos...)
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
		case "split", "rsplit":
			var parts []string
			sep, _ := a.get(0, "sep")
			limit := -1
			if m, ok := a.get(1, "maxsplit"); ok {
				if m.Kind != Int {
					return unknownFrom(p, m)
				}
				limit = int(m.I)
			}
			switch {
			case limit >= 0 && name == "rsplit" && limit < len(s):
				return NewUnknown("str.rsplit with maxsplit", p)
			case sep == nil || sep.Kind == None:
				parts = strings.Fields(s)
				if limit >= 0 && len(parts) > limit {
					// The rest keeps its inner whitespace.
					rest := strings.TrimLeftFunc(s, unicode.IsSpace)
					for range limit {
						rest = strings.TrimLeftFunc(rest[strings.IndexFunc(rest, unicode.IsSpace):], unicode.IsSpace)
					}
					parts = append(parts[:limit:limit], strings.TrimRightFunc(rest, unicode.IsSpace))
				}
			case sep.Kind == Str && sep.S != "":
				n := -1
				if limit >= 0 {
					n = limit + 1
				}
				parts = strings.SplitN(s, sep.S, n) // "".split(",") == [""]
			default:
				return unknownFrom(p, sep)
			}
			items := make([]*Value, len(parts))
			for i, x := range parts {
				items[i] = derive(NewStr(x, p), self)
			}
			return derive(NewSeq(List, items, p), self)
		case "startswith", "endswith":
			x := arg(0)
			if x == nil || len(a.pos) > 1 {
				break
			}
			cands := []*Value{x}
			if x.Kind == Tuple {
				cands = x.Items // any of the tuple's strings
			}
			found := false
			for _, c := range cands {
				if c.Kind != Str {
					return unknownFrom(p, c)
				}
				if name == "startswith" && strings.HasPrefix(s, c.S) || name == "endswith" && strings.HasSuffix(s, c.S) {
					found = true
				}
			}
			return derive(NewBool(found, p), self, x)
		case "capitalize":
			r := []rune(strings.ToLower(s))
			if len(r) > 0 {
				r[0] = unicode.ToTitle(r[0])
			}
			return derive(NewStr(string(r), p), self)
		case "title":
			var b strings.Builder
			prevCased := false
			for _, r := range s {
				if prevCased {
					b.WriteRune(unicode.ToLower(r))
				} else {
					b.WriteRune(unicode.ToTitle(r))
				}
				prevCased = unicode.IsLetter(r)
			}
			return derive(NewStr(b.String(), p), self)
		case "casefold":
			return derive(NewStr(strings.ToLower(s), p), self)
		case "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower", "isupper":
			ok := s != ""
			for _, r := range s {
				switch name {
				case "isdigit", "isdecimal", "isnumeric":
					ok = ok && unicode.IsDigit(r)
				case "isalpha":
					ok = ok && unicode.IsLetter(r)
				case "isalnum":
					ok = ok && (unicode.IsLetter(r) || unicode.IsDigit(r))
				case "isspace":
					ok = ok && unicode.IsSpace(r)
				}
			}
			switch name {
			case "islower":
				ok = strings.ToLower(s) == s && strings.ToUpper(s) != s
			case "isupper":
				ok = strings.ToUpper(s) == s && strings.ToLower(s) != s
			}
			return derive(NewBool(ok, p), self)
		case "removeprefix", "removesuffix":
			if x := arg(0); x != nil && x.Kind == Str {
				if name == "removeprefix" {
					return derive(NewStr(strings.TrimPrefix(s, x.S), p), self, x)
				}
				return derive(NewStr(strings.TrimSuffix(s, x.S), p), self, x)
			}
		case "splitlines":
			lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
			if len(lines) > 0 && lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1] // no empty line after a final newline
			}
			items := make([]*Value, len(lines))
			for i, l := range lines {
				items[i] = derive(NewStr(l, p), self)
			}
			return derive(NewSeq(List, items, p), self)
		case "count", "find":
			if x := arg(0); x != nil && x.Kind == Str && len(a.pos) == 1 {
				if name == "count" {
					return derive(NewInt(int64(strings.Count(s, x.S)), p), self, x)
				}
				i := strings.Index(s, x.S)
				if i > 0 {
					i = len([]rune(s[:i]))
				}
				return derive(NewInt(int64(i), p), self, x)
			}
		case "replace":
			if x, y := arg(0), arg(1); x != nil && y != nil && x.Kind == Str && y.Kind == Str && !tooLong(len(s)+(strings.Count(s, x.S)*len(y.S))) {
				return derive(NewStr(strings.ReplaceAll(s, x.S, y.S), p), self, x, y)
			}
		case "join":
			if x := arg(0); x != nil {
				items, _ := iterItems(x)
				strs, ok := NewSeq(List, items, p).Strings()
				if ok && !tooLong(len(s)*len(strs)+totalLen(strs)) {
					return derive(NewStr(strings.Join(strs, s), p), append([]*Value{self, x}, items...)...)
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
					if x.Kind != Str || tooLong(len(out)+len(x.S)) {
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
			if x := arg(0); x != nil {
				if items, ok := iterItems(x); ok && !tooLong(len(self.Items)+len(items)) {
					self.Items = append(self.Items, items...)
					self.addEnv(x.Env...)
					return NewNone(p)
				}
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
						self.Items = append(self.Items[:i:i], self.Items[i+1:]...)
						return NewNone(p)
					}
				}
				e.raise("ValueError", "list.remove(x): x not in list")
			}
			return NewNone(p)
		case "pop":
			i := len(self.Items) - 1
			if x := arg(0); x != nil {
				if x.Kind != Int {
					return unknownFrom(p, x)
				}
				i = int(x.I)
				if i < 0 {
					i += len(self.Items)
				}
			}
			if i < 0 || i >= len(self.Items) {
				e.raise("IndexError", "pop index out of range")
				return NewUnknown("IndexError: pop index out of range", p)
			}
			it := self.Items[i]
			self.Items = append(self.Items[:i:i], self.Items[i+1:]...)
			return it
		case "clear":
			self.Items = nil
			return NewNone(p)
		case "copy":
			return self.Clone()
		case "index", "count":
			x := arg(0)
			if x == nil || len(a.pos) > 1 || !x.Known() {
				break
			}
			n := 0
			for i, it := range self.Items {
				if !it.Known() {
					return unknownFrom(p, it)
				}
				if Equal(it, x) {
					if name == "index" {
						return derive(NewInt(int64(i), p), self, x)
					}
					n++
				}
			}
			if name == "index" {
				e.raise("ValueError", x.Repr()+" is not in list")
				return NewUnknown(fmt.Sprintf("ValueError: %s is not in list", x.Repr()), p)
			}
			return derive(NewInt(int64(n), p), self, x)
		}
	case Dict:
		switch name {
		case "pop":
			if k := arg(0); k != nil {
				for i := len(self.Keys) - 1; i >= 0; i-- {
					if Equal(self.Keys[i], k) {
						v := self.Vals[i]
						self.Keys = append(self.Keys[:i:i], self.Keys[i+1:]...)
						self.Vals = append(self.Vals[:i:i], self.Vals[i+1:]...)
						return v
					}
				}
				if d := arg(1); d != nil {
					return d
				}
				e.raise("KeyError", k.Repr())
				return NewUnknown("KeyError: "+k.Repr(), p)
			}
		case "items":
			items := make([]*Value, len(self.Keys))
			for i := range self.Keys {
				items[i] = NewSeq(Tuple, []*Value{self.Keys[i], self.Vals[i]}, p)
			}
			return NewSeq(List, items, p)
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
		if tooLong(b.Len()) {
			return "", false
		}
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
