// Package python is a tolerant tokenizer and recursive-descent parser for
// Python 3 (up to 3.12 syntax), written for static analysis of Django
// settings modules.
//
// [Parse] never panics and never gives up: syntax errors are recorded as
// [Diagnostic] values, the affected statement becomes a [*BadStmt] and
// parsing resumes at the next logical line, so the rest of the file is
// still available. The lexer closes brackets that were obviously left open
// (a later line starting at column 1 looks like a new statement), skips
// lines that hold only a Jinja template tag ("{% if ... %}", as in
// cookiecutter templates) and re-lexes after an unterminated triple-quoted
// string, so a single mistake cannot swallow the rest of a file.
//
// Every token and node carries positions: a 1-based line, a 1-based column
// counted in Unicode code points (as SARIF expects) and a byte offset.
//
// The syntax tree follows CPython's ast module closely (Assign, ImportFrom,
// Call with Args and Keywords, JoinedStr as [FString], and so on); [Dump]
// prints it as an S-expression and [Walk] / [Inspect] traverse it.
//
// Files:
//
//	token.go          positions, token kinds, tokens, diagnostics
//	lexer.go          tokenizer: indentation, brackets, names, numbers, operators
//	strlit.go         string literals and escape decoding
//	fstring.go        f-string scanning (lexer) and FString construction (parser)
//	ast.go            syntax tree nodes
//	parser.go         Parse and parser plumbing
//	parser_stmt.go    statements
//	parser_expr.go    expressions
//	parser_pattern.go match statement patterns
//	recover.go        error recovery
//	walk.go, dump.go  traversal and debug printing
package python
