package doctor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ctlops/ctl/checks/doctor"
	"github.com/ctlops/ctl/internal/testenv"
)

// validate checks doc against the subset of JSON Schema that
// docs/doctor.schema.json uses: type, const, enum, required, properties,
// additionalProperties: false, items, minimum. An unknown keyword fails,
// so the schema cannot outgrow the validator unnoticed.
func schemaCheck(schema map[string]any, doc any, path string) []string {
	var errs []string
	for k := range schema {
		switch k {
		case "$schema", "$id", "title", "description", "type", "const", "enum", "required", "properties", "additionalProperties", "items", "minimum":
		default:
			return []string{fmt.Sprintf("%s: schema keyword %q is not supported by the test's validator", path, k)}
		}
	}
	if c, ok := schema["const"]; ok && !reflect.DeepEqual(c, doc) {
		errs = append(errs, fmt.Sprintf("%s: %v is not %v", path, doc, c))
	}
	if e, ok := schema["enum"].([]any); ok {
		found := false
		for _, v := range e {
			if reflect.DeepEqual(v, doc) {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", path, doc, e))
		}
	}
	switch schema["type"] {
	case "object":
		m, ok := doc.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: not an object", path))
		}
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asList(schema["required"]) {
			if _, ok := m[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %q is required", path, r))
			}
		}
		for k, v := range m {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					errs = append(errs, fmt.Sprintf("%s: property %q is not in the schema", path, k))
				}
				continue
			}
			errs = append(errs, schemaCheck(ps, v, path+"."+k)...)
		}
	case "array":
		l, ok := doc.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: not an array", path))
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, v := range l {
				errs = append(errs, schemaCheck(items, v, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	case "string":
		if _, ok := doc.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: not a string", path))
		}
	case "boolean":
		if _, ok := doc.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: not a boolean", path))
		}
	case "integer":
		f, ok := doc.(float64)
		if !ok || f != float64(int64(f)) {
			errs = append(errs, fmt.Sprintf("%s: not an integer", path))
		} else if min, ok := schema["minimum"].(float64); ok && f < min {
			errs = append(errs, fmt.Sprintf("%s: %v < %v", path, f, min))
		}
	}
	return errs
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func loadSchema(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "doctor.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// validateJSON fails the test when out does not follow the schema.
func validateJSON(t testing.TB, out []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if errs := schemaCheck(loadSchema(t), doc, "$"); len(errs) > 0 {
		t.Fatalf("the output breaks docs/doctor.schema.json:\n  %s\n%s", strings.Join(errs, "\n  "), out)
	}
	return doc
}

// The validator must be able to fail.
func TestValidatorRejects(t *testing.T) {
	s := loadSchema(t)
	good := `{"schemaVersion":1,"ok":true,"checks":[],"summary":{"pass":0,"warn":0,"fail":0,"skip":0,"total":0}}`
	var doc any
	_ = json.Unmarshal([]byte(good), &doc)
	if errs := schemaCheck(s, doc, "$"); len(errs) > 0 {
		t.Fatalf("good doc rejected: %v", errs)
	}
	for _, bad := range []string{
		`{"schemaVersion":2,"ok":true,"checks":[],"summary":{"pass":0,"warn":0,"fail":0,"skip":0,"total":0}}`,
		`{"schemaVersion":1,"ok":true,"checks":[{"id":"nope"}],"summary":{"pass":0,"warn":0,"fail":0,"skip":0,"total":0}}`,
		`{"schemaVersion":1,"ok":true,"checks":[],"summary":{"pass":-1,"warn":0,"fail":0,"skip":0,"total":0}}`,
		`{"schemaVersion":1,"ok":"yes","checks":[],"summary":{"pass":0,"warn":0,"fail":0,"skip":0,"total":0}}`,
		`{"schemaVersion":1,"ok":true,"checks":[],"summary":{"pass":0,"warn":0,"fail":0,"skip":0,"total":0},"extra":1}`,
	} {
		_ = json.Unmarshal([]byte(bad), &doc)
		if errs := schemaCheck(s, doc, "$"); len(errs) == 0 {
			t.Errorf("accepted %s", bad)
		}
	}
}

// The schema's ID enum, the catalog and docs/doctor.md agree.
func TestCatalogSchemaAndDocsAgree(t *testing.T) {
	s := loadSchema(t)
	items := s["properties"].(map[string]any)["checks"].(map[string]any)["items"].(map[string]any)
	var enum []string
	for _, v := range items["properties"].(map[string]any)["id"].(map[string]any)["enum"].([]any) {
		enum = append(enum, v.(string))
	}
	ids := doctor.IDs()
	sort.Strings(enum)
	sort.Strings(ids)
	if !reflect.DeepEqual(enum, ids) {
		t.Errorf("schema IDs %v\ncatalog IDs %v", enum, ids)
	}
	md, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "doctor.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range doctor.Catalog {
		if !strings.Contains(string(md), "`"+spec.ID+"`") {
			t.Errorf("docs/doctor.md does not document %s", spec.ID)
		}
	}
}
