package pyeval

// django-split-settings: include("base.py", optional("local.py"),
// "components/*.py") runs each file, in order, in the including module's
// namespace, as the library does (glob patterns relative to the including
// file, sorted; a pattern that matches nothing raises IOError unless
// optional). exec(open(path).read()) of a file is the same, for one file.

import (
	"path/filepath"
	"sort"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

func (e *Evaluator) include(sc *scope, a args, p Pos) *Value {
	dir := filepath.Dir(sc.file)
	for _, pat := range a.pos {
		s, ok := pat.Str()
		if !ok {
			e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: "include() of a path the audit cannot compute: the names it binds are unknown", Kind: DiagInclude})
			if sc.opaque == "" {
				sc.opaque = "include() of a computed path"
			}
			continue
		}
		optional := pat.Attrs["__optional__"] != nil
		full := s
		if !filepath.IsAbs(full) {
			full = filepath.Join(dir, filepath.FromSlash(s))
		}
		files := e.glob(full)
		if len(files) == 0 {
			if optional {
				continue
			}
			if e.tryDepth > 0 {
				e.raise("OSError", "No such file or directory: "+s)
				return NewUnknown("include("+pyQuote(s)+") raises OSError", p)
			}
			why := "include(" + pyQuote(s) + ") matches no file"
			e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
			if sc.opaque == "" {
				sc.opaque = why
			}
			continue
		}
		for _, f := range files {
			e.runIn(sc, f, p)
		}
	}
	return NewNone(p)
}

// glob expands a pattern as Python's glob.glob (sorted, as
// split-settings sorts it); a plain path is itself when it exists.
func (e *Evaluator) glob(pattern string) []string {
	if !strings.ContainsAny(pattern, "*?[") {
		if isFile, _ := e.statKind(pattern); isFile {
			return []string{pattern}
		}
		return nil
	}
	matches, err := e.fs().Glob(pattern)
	if err != nil {
		return nil
	}
	sort.Strings(matches)
	return matches
}

// runIn evaluates the file at abs in sc's namespace (split-settings'
// include, exec of a file's source); positions point into abs.
func (e *Evaluator) runIn(sc *scope, abs string, p Pos) {
	if e.loading[abs] || e.over() {
		return
	}
	src, err := e.read(abs)
	if err != nil {
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: "cannot read " + e.display(abs) + ": " + err.Error(), Kind: DiagInclude})
		return
	}
	e.loading[abs] = true
	defer delete(e.loading, abs)
	disp := e.display(abs)
	mod := py.Parse(disp, src)
	for _, d := range mod.Diagnostics {
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: Pos{File: disp, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg})
	}
	e.Files = append(e.Files, abs)
	sub := &scope{file: abs, disp: disp, vars: sc.vars, opaque: sc.opaque}
	e.block(sub, mod.Body)
	sc.vars, sc.opaque = sub.vars, sub.opaque
}

// execOpen recognises exec(open(PATH).read()) and
// exec(Path(PATH).read_text()): the file runs in sc. ok is false for any
// other exec.
func (e *Evaluator) execOpen(sc *scope, c *py.Call) (f *flow, ok bool) {
	if fn, isName := c.Func.(*py.Name); !isName || fn.ID != "exec" || len(c.Args) < 1 {
		return nil, false
	}
	rd, isCall := c.Args[0].(*py.Call)
	if !isCall {
		return nil, false
	}
	attr, isAttr := rd.Func.(*py.Attribute)
	if !isAttr || (attr.Attr.ID != "read" && attr.Attr.ID != "read_text") {
		return nil, false
	}
	if name, isName := attr.X.(*py.Name); isName && attr.Attr.ID == "read" {
		// with open(path) as f: exec(f.read())
		if fv := sc.vars[name.ID]; fv != nil && fv.Kind == Object && fv.Ident == IdentFile && e.Supplied[fv.S].From == "" {
			e.runIn(sc, fv.S, e.pos(sc, c))
			return nil, true
		}
		return nil, false
	}
	opener, isCall := attr.X.(*py.Call)
	if !isCall || len(opener.Args) < 1 {
		return nil, false
	}
	name := ExprText(opener.Func)
	if name != "open" && name != "Path" && name != "pathlib.Path" && name != "io.open" {
		return nil, false
	}
	p := e.pos(sc, c)
	pv := e.expr(sc, opener.Args[0])
	path, known := pv.Str()
	if !known {
		why := "exec() of a file the audit cannot locate (" + ExprText(opener.Args[0]) + ")"
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
		if sc.opaque == "" {
			sc.opaque = why
		}
		return nil, true
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(e.Root, path) // open() is relative to the working directory: the project root
	}
	if !e.inRoot(path) {
		why := "exec() of " + path + ", outside the project (the deployment provides it)"
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
		if sc.opaque == "" {
			sc.opaque = why
		}
		return nil, true
	}
	if isFile, _ := e.statKind(path); !isFile {
		if e.tryDepth > 0 {
			return raiseFlow("FileNotFoundError", path), true
		}
		why := "exec(open(" + pyQuote(e.display(path)) + ").read()): no such file"
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: why, Kind: DiagInclude})
		if sc.opaque == "" {
			sc.opaque = why
		}
		return nil, true
	}
	e.runIn(sc, path, p)
	return nil, true
}

// withOpen evaluates a with item. `with open(path) as f` of a file that
// is not there raises FileNotFoundError (handled by an enclosing try, as
// in Python; outside one the audit goes on, with a diagnostic); of a file
// that is there, f is the file (exec(f.read()) runs it; its content is
// otherwise unknown: a secrets file is read at start-up).
func (e *Evaluator) withOpen(sc *scope, it *py.WithItem) (*Value, *flow) {
	p := e.pos(sc, it)
	unknown := NewUnknown("a with statement's target", p)
	c, ok := it.Context.(*py.Call)
	if !ok {
		e.expr(sc, it.Context)
		return unknown, e.takeExc()
	}
	var pathExpr py.Expr
	switch fn := c.Func.(type) {
	case *py.Name:
		if fn.ID == "open" && len(c.Args) > 0 {
			pathExpr = c.Args[0]
		}
	case *py.Attribute:
		if ExprText(fn) == "io.open" && len(c.Args) > 0 {
			pathExpr = c.Args[0]
		} else if fn.Attr.ID == "open" {
			pathExpr = fn.X // Path(...).open()
		}
	}
	if pathExpr == nil {
		e.expr(sc, it.Context)
		return unknown, e.takeExc()
	}
	path, known := e.expr(sc, pathExpr).Str()
	if !known {
		return NewUnknown("a file the audit cannot locate ("+ExprText(pathExpr)+")", p), nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(e.Root, path)
	}
	if _, ok := e.Supplied[filepath.Clean(path)]; ok {
		// The deployment's copy is given (--file): what this machine
		// holds, or lacks, does not matter.
		return newObj(IdentFile, filepath.Clean(path), p), nil
	}
	if !e.inRoot(path) {
		// A file outside the project (/etc/app/secrets.json, ../conf/):
		// the deployment provides it, whatever this machine holds.
		return NewUnknown("read from "+path+" at start-up (outside the project: the deployment provides it)", p), nil
	}
	if isFile, _ := e.statKind(path); !isFile {
		if e.tryDepth > 0 {
			return nil, raiseFlow("FileNotFoundError", path)
		}
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: "open(" + pyQuote(e.display(path)) + "): no such file", Kind: DiagInclude})
		return NewUnknown("open() of a missing file", p), nil
	}
	return newObj(IdentFile, path, p), nil
}

// inRoot reports whether path is inside the project root (always true
// without a root).
func (e *Evaluator) inRoot(path string) bool {
	if e.Root == "" {
		return true
	}
	rel, err := filepath.Rel(e.Root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
