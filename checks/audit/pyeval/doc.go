// Package pyeval evaluates a Django settings module's module-level code
// statically, without Python: assignments, if/else, try/except, loops,
// imports of project modules, small helper functions, and models of the
// libraries settings use to read their environment.
//
// Layout: eval.go (statements), eval_expr.go (expressions), eval_func.go
// (helper functions), modules.go (imports), call.go (the dispatch from a
// callee's Ident to its model), one file per library model (lib_os.go,
// lib_environ.go, lib_decouple.go, lib_dburl.go, lib_json.go), builtins.go,
// and the methods of plain values (methods_str.go, methods_list.go,
// methods_dict.go). Each library file declares a table of its functions by
// qualified name; objects carry a typed Ident, never a name to parse.
//
// The checks (package audit) read the Values it returns.
package pyeval
