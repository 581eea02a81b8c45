package pyeval

import (
	"path/filepath"
	"slices"
	"strings"

	py "github.com/ctlops/ctl/checks/audit/python"
)

// resolveModule finds the file of a module: relative to the importing
// file for level > 0, else under the project root (or the importing
// file's ancestors, for settings packages outside the root).
func (e *Evaluator) resolveModule(from string, level int, module string) (string, bool) {
	key := filepath.Dir(from) + "\x00" + strings.Repeat(".", level) + module
	if r, ok := e.resolved[key]; ok {
		return r, r != ""
	}
	r, ok := e.resolveModuleUncached(from, level, module)
	if e.resolved == nil {
		e.resolved = map[string]string{}
	}
	e.resolved[key] = r
	return r, ok
}

// isFile and isDir stat through a cache: a settings file imports os,
// pathlib, environ... from every module, and each probe walks ancestors.
func (e *Evaluator) statKind(p string) (file, dir bool) {
	if k, ok := e.stats[p]; ok {
		return k == 1, k == 2
	}
	var k int8
	if st, err := e.fs().Stat(p); err == nil {
		if st.IsDir() {
			k = 2
		} else {
			k = 1
		}
	}
	if e.stats == nil {
		e.stats = map[string]int8{}
	}
	e.stats[p] = k
	return k == 1, k == 2
}

func (e *Evaluator) resolveModuleUncached(from string, level int, module string) (string, bool) {
	var bases []string
	if level > 0 {
		base := filepath.Dir(from)
		for i := 1; i < level; i++ {
			base = filepath.Dir(base)
		}
		bases = []string{base}
	} else {
		bases = e.importRoots(from)
	}
	rel := filepath.FromSlash(strings.ReplaceAll(module, ".", "/"))
	for _, b := range bases {
		for _, cand := range []string{filepath.Join(b, rel+".py"), filepath.Join(b, rel, "__init__.py")} {
			if module == "" {
				cand = filepath.Join(b, "__init__.py")
			}
			if isFile, _ := e.statKind(cand); isFile {
				return cand, true
			}
		}
	}
	return "", false
}

// importRoots is sys.path as Python has it when Django runs the
// project: the project root (where manage.py is, the working directory),
// its src/ in a src layout, the roots manage.py or pyproject.toml declare
// (Paths), and the directory above the settings' top package, which
// DJANGO_SETTINGS_MODULE needs importable. A folder named like a library
// next to the settings (config/django/) is not on it, so it shadows
// nothing.
func (e *Evaluator) importRoots(from string) []string {
	if e.sysPath == nil {
		add := func(d string) {
			if d != "" && !slices.Contains(e.sysPath, d) {
				e.sysPath = append(e.sysPath, d)
			}
		}
		add(e.Root)
		if e.Root != "" {
			if _, dir := e.statKind(filepath.Join(e.Root, "src")); dir {
				add(filepath.Join(e.Root, "src"))
			}
		}
		for _, p := range e.Paths {
			add(p)
		}
		if e.top != nil {
			add(e.packageRoot(e.top.file))
		} else {
			add(e.packageRoot(from))
		}
	}
	roots := e.sysPath
	if pr := e.packageRoot(from); !slices.Contains(roots, pr) {
		roots = append(slices.Clip(roots), pr)
	}
	return roots
}

// packageRoot is the directory above the top package holding file: up
// from the file's directory while it holds __init__.py.
func (e *Evaluator) packageRoot(file string) string {
	d := filepath.Dir(file)
	for i := 0; i < 16; i++ {
		if isFile, _ := e.statKind(filepath.Join(d, "__init__.py")); !isFile || d == filepath.Dir(d) {
			return d
		}
		d = filepath.Dir(d)
	}
	return d
}

// moduleName is a relative import's absolute name where it can be
// told (for messages).
func (e *Evaluator) moduleName(from string, level int, module string) string {
	if level == 0 {
		return module
	}
	base := filepath.Dir(from)
	for i := 1; i < level; i++ {
		base = filepath.Dir(base)
	}
	root := e.packageRoot(from)
	rel, err := filepath.Rel(root, base)
	if err != nil || strings.HasPrefix(rel, "..") {
		return strings.Repeat(".", level) + module
	}
	pkg := ""
	if rel != "." {
		pkg = strings.ReplaceAll(filepath.ToSlash(rel), "/", ".")
	}
	return joinMod(pkg, module)
}

// knownLibraries are modules settings import that are never project
// code and bind no settings by a star import.
var knownLibraries = map[string]bool{
	"os": true, "sys": true, "pathlib": true, "json": true, "django": true, "environ": true, "environs": true,
	"decouple": true, "dj_database_url": true, "split_settings": true, "configurations": true, "dotenv": true,
	"logging": true, "datetime": true, "socket": true, "typing": true, "re": true, "warnings": true,
	"celery": true, "kombu": true, "sentry_sdk": true, "corsheaders": true, "rest_framework": true,
}

func knownLibrary(module string) bool { return knownLibraries[strings.Split(module, ".")[0]] }

// inProject reports whether a module's top package lives in the project,
// so that a missing submodule is an ImportError (local settings files).
// A folder without __init__.py named like a known library is not a
// package that shadows it.
func (e *Evaluator) inProject(from string, level int, module string) bool {
	if level > 0 {
		return true
	}
	top := strings.Split(module, ".")[0]
	for _, b := range e.importRoots(from) {
		if _, isDir := e.statKind(filepath.Join(b, top)); isDir {
			if isInit, _ := e.statKind(filepath.Join(b, top, "__init__.py")); isInit || !knownLibrary(top) {
				return true
			}
		}
		if isFile, _ := e.statKind(filepath.Join(b, top+".py")); isFile {
			return true
		}
	}
	return false
}

func (e *Evaluator) importName(sc *scope, a *py.Alias, st py.Node) *flow {
	p := e.pos(sc, st)
	if file, ok := e.resolveModule(sc.file, 0, a.Name); ok {
		msc, err := e.evalModule(file)
		if err == nil {
			m := moduleValue(msc, p)
			top := e.importParents(sc.file, a.Name, m, p)
			if a.AsName != "" {
				sc.vars[a.AsName] = m
			} else {
				// import a.b.c binds a, whose attribute b is the package
				// a.b, whose attribute c is the module.
				sc.vars[strings.Split(a.Name, ".")[0]] = top
			}
			return nil
		}
	} else if e.inProject(sc.file, 0, a.Name) {
		bound := a.AsName
		if bound == "" {
			bound = strings.Split(a.Name, ".")[0]
		}
		return e.importFailed(sc, st.(py.Stmt), "ModuleNotFoundError", "No module named "+pyQuote(a.Name), []string{bound}, false)
	}
	if a.AsName != "" {
		sc.vars[a.AsName] = libObj(a.Name, p)
	} else {
		top := strings.Split(a.Name, ".")[0]
		sc.vars[top] = libObj(top, p)
	}
	return nil
}

// importParents evaluates the packages above a dotted module (import
// a.b.c runs a/__init__.py and a/b/__init__.py first), makes each one an
// attribute of its parent, and returns the top package (an opaque object
// when it is not a project file).
func (e *Evaluator) importParents(from, name string, m *Value, p Pos) *Value {
	parts := strings.Split(name, ".")
	child := m
	for i := len(parts) - 1; i > 0; i-- {
		var parent *Value
		if file, ok := e.resolveModule(from, 0, strings.Join(parts[:i], ".")); ok {
			if psc, err := e.evalModule(file); err == nil {
				parent = moduleValue(psc, p)
			}
		}
		if parent == nil {
			parent = libObj(strings.Join(parts[:i], "."), p)
			parent.Attrs = map[string]*Value{}
		}
		parent.Attrs[parts[i]] = child
		child = parent
	}
	return child
}

// moduleValue exposes a project module's names as an object's attributes.
func moduleValue(msc *scope, p Pos) *Value {
	v := newObj(IdentModule, msc.disp, p)
	v.Attrs = msc.vars
	return v
}

func (e *Evaluator) importFrom(sc *scope, s *py.ImportFrom) *flow {
	p := e.pos(sc, s)
	file, ok := e.resolveModule(sc.file, s.Level, s.Module)
	if !ok {
		if s.Level > 0 || e.inProject(sc.file, s.Level, s.Module) {
			// A relative or project module that is not there: ImportError
			// (the optional local-settings pattern).
			var missing []string
			star := false
			for _, a := range s.Names {
				if a.Name == "*" {
					star = true
					continue
				}
				name := a.Name
				if a.AsName != "" {
					name = a.AsName
				}
				if file2, ok2 := e.resolveModule(sc.file, s.Level, joinMod(s.Module, a.Name)); ok2 {
					if msc, err := e.evalModule(file2); err == nil {
						sc.vars[name] = moduleValue(msc, p)
						continue
					}
				}
				missing = append(missing, name)
			}
			if len(missing) > 0 || star {
				return e.importFailed(sc, s, "ModuleNotFoundError", "No module named "+pyQuote(e.moduleName(sc.file, s.Level, s.Module)), missing, star)
			}
			return nil
		}
		// A library: bind qualified objects the call evaluator knows.
		for _, a := range s.Names {
			if a.Name == "*" {
				if !knownLibrary(s.Module) {
					// Its names are not known: settings the module does
					// not bind may come from it.
					if sc.opaque == "" {
						sc.opaque = importText(s) + ": a module the audit cannot read"
					}
					e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: importText(s) + ": the module is not in the project; the names it binds are unknown", Kind: DiagImport})
				}
				continue
			}
			name := a.Name
			if a.AsName != "" {
				name = a.AsName
			}
			sc.vars[name] = libObj(joinMod(s.Module, a.Name), p)
		}
		return nil
	}
	msc, err := e.evalModule(file)
	if err != nil {
		e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: p, Msg: err.Error()})
		return nil
	}
	for _, a := range s.Names {
		if a.Name == "*" {
			if msc.opaque != "" && sc.opaque == "" {
				sc.opaque = msc.opaque
			}
			// The names in __all__ when the module defines it, else
			// every name not starting with an underscore.
			if names, ok := msc.vars["__all__"].Strings(); ok {
				for _, k := range names {
					if v, ok := msc.vars[k]; ok {
						sc.vars[k] = v
					}
				}
				continue
			}
			for k, v := range msc.vars {
				if !strings.HasPrefix(k, "_") {
					sc.vars[k] = v
				}
			}
			continue
		}
		name := a.Name
		if a.AsName != "" {
			name = a.AsName
		}
		if v, ok := msc.vars[a.Name]; ok {
			sc.vars[name] = v
		} else if sub, ok := e.resolveModule(sc.file, s.Level, joinMod(s.Module, a.Name)); ok {
			if ssc, err := e.evalModule(sub); err == nil {
				sc.vars[name] = moduleValue(ssc, p)
			}
		} else if msc.opaque != "" {
			sc.vars[name] = NewUnknown(a.Name+" may come from "+msc.opaque, p)
		} else {
			if f := e.importFailed(sc, s, "ImportError", "cannot import name "+pyQuote(a.Name), []string{name}, false); f != nil {
				return f
			}
		}
	}
	return nil
}

func joinMod(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}
