package audit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif" // the schema's source
	"github.com/xeipuuv/gojsonschema"
)

// TestSARIFValidAgainstSchema validates every SARIF document the golden
// tests pin (they are byte-for-byte what `ctl audit --format sarif`
// prints) against the OASIS SARIF 2.1.0 JSON schema, as GitHub code
// scanning does before it ingests an upload (the schema forbids
// properties it does not define almost everywhere).
func TestSARIFValidAgainstSchema(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.sarif.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no SARIF goldens: %v", err)
	}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(t, doc); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// The validation is not vacuous: a property outside the schema, a wrong
// type and a missing required member are all refused.
func TestSARIFValidationBites(t *testing.T) {
	doc, err := os.ReadFile("testdata/golden/basic.sarif.golden")
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(m map[string]any){
		"unknown property": func(m map[string]any) { run0(m)["ctlExtra"] = true },
		"wrong type":       func(m map[string]any) { m["version"] = 2.1 },
		"missing required": func(m map[string]any) { delete(run0(m), "tool") },
		"bad level": func(m map[string]any) {
			run0(m)["results"].([]any)[0].(map[string]any)["level"] = "fatal"
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
		bad, _ := json.Marshal(m)
		if validateSARIF(t, bad) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func run0(m map[string]any) map[string]any { return m["runs"].([]any)[0].(map[string]any) }

// sarifSchema is the OASIS SARIF 2.1.0 schema (errata 01), as go-sarif
// ships it: a string constant in its sources, read from the module cache
// (the blank import keeps the module in go.mod).
func sarifSchema(t *testing.T) string {
	t.Helper()
	schemaOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
		if err != nil {
			schemaErr = err
			return
		}
		file := filepath.Join(strings.TrimSpace(string(out)), "pkg", "report", "v210", "sarif", "schema.go")
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			schemaErr = err
			return
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "schema" {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
					schemaText, schemaErr = strconv.Unquote(lit.Value)
				}
			}
			return true
		})
		if schemaText == "" && schemaErr == nil {
			schemaErr = fmt.Errorf("no schema constant in %s", file)
		}
	})
	if schemaErr != nil {
		t.Fatalf("loading the SARIF 2.1.0 schema: %v", schemaErr)
	}
	if !strings.Contains(schemaText, "sarif-schema-2.1.0.json") {
		t.Fatal("go-sarif's schema is not SARIF 2.1.0")
	}
	return schemaText
}

var (
	schemaOnce sync.Once
	schemaText string
	schemaErr  error
)

func validateSARIF(t *testing.T, doc []byte) error {
	res, err := gojsonschema.Validate(gojsonschema.NewStringLoader(sarifSchema(t)), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return err
	}
	if !res.Valid() {
		var msgs []string
		for _, e := range res.Errors() {
			msgs = append(msgs, e.String())
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}
