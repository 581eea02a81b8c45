package pyeval

// Class-based settings (django-configurations and plain classes): a class
// body runs in its own namespace, its bases' attributes are inherited
// (the first base wins), and django-configurations' values.*Value
// attributes read the environment (DJANGO_<NAME> by default) when the
// class is chosen (ClassSettings).

import (
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// classDef evaluates a class statement: its attributes are the names its
// body binds, over those of its bases.
func (e *Evaluator) classDef(sc *scope, s *py.ClassDef) *Value {
	cls := &Value{Kind: Object, Ident: IdentClass, S: s.Name.ID, Pos: e.pos(sc, s), Attrs: map[string]*Value{}}
	for i := len(s.Bases) - 1; i >= 0; i-- { // the first base wins
		b := e.expr(sc, s.Bases[i])
		switch {
		case b.Kind == Object && b.Ident == IdentClass:
			for k, v := range b.Attrs {
				cls.Attrs[k] = v
			}
		case b.Kind == Object && b.Ident == IdentLib && (b.S == "configurations.Configuration" || b.S == "configurations.base.Configuration"):
			cls.Attrs["__configuration__"] = NewBool(true, cls.Pos)
		case !b.Known() || b.Kind == Object && b.Ident == IdentLib:
			// A base the audit cannot read: attributes it defines are unknown.
			cls.Attrs["__opaque__"] = NewStr("class "+s.Name.ID+" inherits from "+ExprText(s.Bases[i])+", which the audit cannot read", cls.Pos)
		}
	}
	body := &scope{file: sc.file, disp: sc.disp, vars: make(map[string]*Value, len(sc.vars)), opaque: sc.opaque}
	for k, v := range sc.vars {
		body.vars[k] = v
	}
	e.block(body, s.Body)
	for k, v := range body.vars {
		if old, ok := sc.vars[k]; !ok || old != v {
			cls.Attrs[k] = v
		}
	}
	return cls
}

// confValueKinds are the django-configurations values the audit reads,
// by class name, with the cast each applies to the environment string.
var confValueKinds = map[string]string{
	"Value": "str", "BooleanValue": "bool", "IntegerValue": "int", "PositiveIntegerValue": "int",
	"FloatValue": "float", "ListValue": "list", "TupleValue": "tuple", "SecretValue": "secret",
	"DatabaseURLValue": "db", "PathValue": "str", "EmailValue": "str", "URLValue": "str",
}

// configurationsCalls construct values.*Value objects.
var configurationsCalls = func() map[string]callModel {
	out := map[string]callModel{}
	for name := range confValueKinds {
		out["configurations.values."+name] = newConfValue(name)
	}
	return out
}()

func newConfValue(name string) callModel {
	return func(_ *Evaluator, _ *Value, a args, p Pos) *Value {
		v := newObj(IdentConfValue, name, p)
		v.Attrs = map[string]*Value{}
		if d, ok := a.get(0, "default"); ok {
			v.Attrs["default"] = d
		}
		for _, k := range []string{"environ", "environ_name", "environ_prefix", "environ_required"} {
			if x, ok := a.kw[k]; ok {
				v.Attrs[k] = x
			}
		}
		return v
	}
}

// IsConfiguration reports whether v is a django-configurations class.
func IsConfiguration(v *Value) bool {
	return v != nil && v.Kind == Object && v.Ident == IdentClass && v.Attrs["__configuration__"] != nil
}

// ClassSettings are the settings a chosen class defines: its upper-case
// attributes, values.*Value attributes resolved against the environment
// as django-configurations does (DJANGO_<NAME>, cast; the default when
// unset; SecretValue required). opaque is set when a base could not be
// read.
func (e *Evaluator) ClassSettings(cls *Value) (settings map[string]*Value, opaque string) {
	settings = map[string]*Value{}
	for k, v := range cls.Attrs {
		if k != strings.ToUpper(k) || strings.HasPrefix(k, "_") {
			continue
		}
		settings[k] = e.resolveConfValue(k, v)
	}
	if o := cls.Attrs["__opaque__"]; o != nil {
		opaque = o.S
	}
	return settings, opaque
}

func (e *Evaluator) resolveConfValue(name string, v *Value) *Value {
	if v.Kind != Object || v.Ident != IdentConfValue {
		if v.Kind == Object && v.Ident == IdentFunction {
			return NewUnknown(name+" is a method or property of the configuration class", v.Pos)
		}
		return v
	}
	if env, ok := v.Attrs["environ"]; ok {
		if t, known := env.Truth(); known && !t {
			if d := v.Attrs["default"]; d != nil {
				return d
			}
			return NewNone(v.Pos)
		}
	}
	prefix := "DJANGO"
	if x, ok := v.Attrs["environ_prefix"]; ok {
		if s, ok := x.Str(); ok {
			prefix = s
		} else if x.Kind == None {
			prefix = ""
		}
	}
	key := name
	if x, ok := v.Attrs["environ_name"]; ok {
		if s, ok := x.Str(); ok {
			key = s
		}
	}
	if prefix != "" {
		key = prefix + "_" + key
	}
	kind := confValueKinds[v.S]
	if sv, set := e.env(key, v.Pos); set {
		s, ok := sv.Str()
		if !ok {
			return sv
		}
		switch kind {
		case "bool":
			switch strings.ToLower(s) {
			case "yes", "y", "true", "1":
				return derive(NewBool(true, sv.Pos), sv)
			case "no", "n", "false", "0", "":
				return derive(NewBool(false, sv.Pos), sv)
			}
			return NewUnknown("configurations.values.BooleanValue raises ValueError for "+pyQuote(s), sv.Pos)
		case "int", "float":
			return e.pyCast(sv, kind, sv.Pos)
		case "list", "tuple":
			var items []*Value
			for _, part := range strings.Split(s, ",") {
				if part = strings.TrimSpace(part); part != "" {
					items = append(items, derive(NewStr(part, sv.Pos), sv))
				}
			}
			k := List
			if kind == "tuple" {
				k = Tuple
			}
			return derive(NewSeq(k, items, sv.Pos), sv)
		case "db":
			d := NewDict(sv.Pos)
			d.Set(NewStr("default", sv.Pos), e.parseDBURL(sv, nil, sv.Pos))
			return derive(d, sv)
		}
		return sv
	}
	if kind == "secret" {
		return required(key, "django-configurations' SecretValue", v.Pos)
	}
	def := v.Attrs["default"]
	if kind == "db" {
		if def == nil {
			return NewUnknown(key+" is unset and "+name+" has no default", v.Pos)
		}
		d := NewDict(v.Pos)
		d.Set(NewStr("default", v.Pos), e.parseDBURL(envDefault(key, def, v.Pos), nil, v.Pos))
		return d
	}
	return envDefault(key, def, v.Pos)
}
