package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// TestNoClientset: ctl talks to Kubernetes through kube.Connection's REST
// clients; the all-groups clientset and the informer factories would
// register every API group at start-up and double the binary.
func TestNoClientset(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/ctl")
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"k8s.io/client-go/kubernetes", "k8s.io/client-go/informers"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("ctl links %s", dep)
			}
		}
	}
}

// TestNoStartupRegexps: a package-level regexp.MustCompile in a package ctl
// links runs at every start-up, for every command; ctl's start-up budget
// (make bench) leaves no room for it. textutil.Regexp compiles on first use.
func TestNoStartupRegexps(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{end}}", "./cmd/ctl")
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root := testenv.RepoRoot(t)
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.HasPrefix(fields[0], root+string(filepath.Separator)) {
			continue // not ctl's own package
		}
		for _, name := range fields[1:] {
			path := filepath.Join(fields[0], name)
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				ast.Inspect(gd, func(n ast.Node) bool {
					if _, ok := n.(*ast.FuncLit); ok {
						return false // runs when called, not at start-up
					}
					if sel, ok := n.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "regexp" && (sel.Sel.Name == "MustCompile" || sel.Sel.Name == "MustCompilePOSIX") {
							rel, _ := filepath.Rel(root, path)
							t.Errorf("%s:%d: package-level regexp.%s runs at start-up; use textutil.Regexp", rel, fset.Position(sel.Pos()).Line, sel.Sel.Name)
						}
					}
					return true
				})
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: is go list's output what the test expects?", checked)
	}
}
