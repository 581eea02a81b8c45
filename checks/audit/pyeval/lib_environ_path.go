package pyeval

// django-environ's Path (environ.Path), as 0.4 to 0.11 define it: an
// object holding an absolute root; calling it joins paths and returns a
// string; .path() joins and returns a Path; `- n` goes n levels up (it
// joins '../' n times), `- 'suffix'` strips the suffix's characters from
// the right (str.rstrip, as django-environ does) when the root ends with
// it; `+ x` joins; ~p is the parent; str() and f-strings give the root.

import (
	"path/filepath"
	"strings"
)

// environPathJoin is Path._absolute_join: os.path.abspath(os.path.join(base,
// *paths)). A relative result depends on the working directory: not
// known.
func environPathJoin(base *Value, paths []*Value) (string, bool) {
	out, ok := base.Str()
	if !ok {
		return "", false
	}
	for _, x := range paths {
		s, ok := x.Str()
		if !ok {
			return "", false
		}
		if filepath.IsAbs(s) || out == "" {
			out = s
		} else {
			out = out + "/" + s
		}
	}
	if !filepath.IsAbs(out) {
		return "", false
	}
	return filepath.Clean(out), true
}

// newEnvironPath is a Path whose root is root.
func newEnvironPath(root string, p Pos, from ...*Value) *Value {
	v := derive(newObj(IdentEnvironPath, root, p), from...)
	r := derive(NewStr(root, p), from...)
	v.Attrs = map[string]*Value{"root": r}
	return v
}

// environPathRoot is p.root, a str.
func environPathRoot(v *Value) *Value { return derive(NewStr(v.S, v.Pos), v) }

// environPathArgs are the positional paths of a call and whether its
// keyword arguments are ones the audit can honour (required=True checks
// the build machine's disk).
func environPathArgs(a args) ([]*Value, string) {
	for k, v := range a.kw {
		switch k {
		case "required":
			if t, ok := v.Truth(); !ok || t {
				return nil, "environ.Path(..., required=True) checks the build machine's disk"
			}
		case "is_file":
		default:
			return nil, "environ.Path with keyword " + k
		}
	}
	return a.pos, ""
}

// newEnvironPathCall is environ.Path(start=”, *paths, is_file=False, required=False).
func newEnvironPathCall(_ *Evaluator, _ *Value, a args, p Pos) *Value {
	paths, why := environPathArgs(a)
	if why != "" {
		return NewUnknown(why, p)
	}
	start := NewStr("", p)
	if len(paths) > 0 {
		start, paths = paths[0], paths[1:]
	}
	if f, ok := a.kw["is_file"]; ok {
		t, known := f.Truth()
		if !known {
			return unknownFrom(p, f)
		}
		if t {
			s, ok := start.Str()
			if !ok {
				return unknownFrom(p, start)
			}
			start = derive(NewStr(filepath.Dir(s), p), start)
		}
	}
	root, ok := environPathJoin(start, paths)
	if !ok {
		return NewUnknown("environ.Path of a relative or computed path", p)
	}
	return newEnvironPath(root, p, append([]*Value{start}, paths...)...)
}

// environPathCall is calling a Path (p('static')): the joined path, a str.
func environPathCall(self *Value, a args, p Pos) *Value {
	paths, why := environPathArgs(a)
	if why != "" {
		return NewUnknown(why, p)
	}
	root := environPathRoot(self)
	s, ok := environPathJoin(root, paths)
	if !ok {
		return NewUnknown("environ.Path() of a computed path", p)
	}
	return derive(NewStr(s, p), append([]*Value{self}, paths...)...)
}

// environPathMethod is a Path's methods: path() and the str methods it
// delegates (find, rfind); file() opens a file the audit does not read.
func (e *Evaluator) environPathMethod(self *Value, name string, a args, p Pos) *Value {
	switch name {
	case "path":
		paths, why := environPathArgs(a)
		if why != "" {
			return NewUnknown(why, p)
		}
		root, ok := environPathJoin(environPathRoot(self), paths)
		if !ok {
			return NewUnknown("environ.Path.path() of a computed path", p)
		}
		return newEnvironPath(root, p, append([]*Value{self}, paths...)...)
	case "find", "rfind":
		return e.method(name, environPathRoot(self), a, p)
	}
	return NewUnknown("call to environ.Path."+name, p)
}

// environPathBinop is Path - int, Path - str, Path + str, Path + Path.
func environPathBinop(op string, a, b *Value, p Pos) *Value {
	root := environPathRoot(a)
	switch op {
	case "-":
		if b.Kind == Int {
			if b.I < 0 || b.I > 64 {
				return NewUnknown("environ.Path - a large or negative number", p)
			}
			up := NewStr(strings.Repeat("../", int(b.I)), p)
			s, ok := environPathJoin(root, []*Value{up})
			if !ok {
				return unknownFrom(p, a, b)
			}
			return newEnvironPath(s, p, a, b)
		}
		if x, ok := b.Str(); ok && strings.HasSuffix(root.S, x) {
			// Path(self.__root__.rstrip(other)): characters, not a suffix.
			s, ok := environPathJoin(NewStr(strings.TrimRight(root.S, x), p), nil)
			if !ok {
				return NewUnknown("environ.Path - a string leaving a relative path", p)
			}
			return newEnvironPath(s, p, a, b)
		}
		return NewUnknown("environ.Path - "+b.Kind.String()+" raises TypeError", p)
	case "+":
		other := b
		if b.Kind == Object && b.Ident == IdentEnvironPath {
			other = environPathRoot(b)
		}
		s, ok := environPathJoin(root, []*Value{other})
		if !ok {
			return unknownFrom(p, a, b)
		}
		return newEnvironPath(s, p, a, b)
	case "~":
		s, _ := environPathJoin(root, []*Value{NewStr("..", p)})
		return newEnvironPath(s, p, a)
	}
	return NewUnknown("environ.Path "+op+" "+b.Kind.String(), p)
}

var environPathCalls = map[string]callModel{
	"environ.Path":         newEnvironPathCall,
	"environ.environ.Path": newEnvironPathCall,
}
