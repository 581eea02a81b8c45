package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
)

// configurationDoc is the configuration reference, relative to this package.
var configurationDoc = filepath.Join("..", "..", "docs", "configuration.md")

// topLevelKeys are documented in the same tables as the schema's keys.
var topLevelKeys = []string{"version", "app", "check_updates", "defaults", "environments", "drift", "drift.ignore"}

// TestSchemaDocumented fails when a key of the schema is missing from
// docs/configuration.md, where every key must appear as `key`.
func TestSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile(configurationDoc)
	if err != nil {
		t.Fatalf("reading the configuration reference: %v", err)
	}
	var missing []string
	for _, f := range config.Fields() {
		if !strings.Contains(string(doc), "`"+f.Key+"`") {
			missing = append(missing, f.Key)
		}
	}
	if len(missing) > 0 {
		t.Errorf("docs/configuration.md does not document %d schema key(s): %s\n(add a row for each to the key tables, written as `key`)",
			len(missing), strings.Join(missing, ", "))
	}
}

// keyRow matches the first cell of a row of a key table: | `key` | ...
// Lower-case names only, so tables of environment variables do not match.
var keyRow = regexp.MustCompile("(?m)^\\| `([a-z_][a-z0-9_.]*)` \\|")

// TestDocumentedKeysExist fails when a key table of docs/configuration.md
// lists a key the schema no longer has.
func TestDocumentedKeysExist(t *testing.T) {
	doc, err := os.ReadFile(configurationDoc)
	if err != nil {
		t.Fatalf("reading the configuration reference: %v", err)
	}
	known := map[string]bool{}
	for _, k := range topLevelKeys {
		known[k] = true
	}
	for _, f := range config.Fields() {
		known[f.Key] = true
	}
	var stale []string
	for _, m := range keyRow.FindAllStringSubmatch(string(doc), -1) {
		if !known[m[1]] {
			stale = append(stale, m[1])
		}
	}
	if len(stale) > 0 {
		t.Errorf("docs/configuration.md documents key(s) the schema does not have: %s", strings.Join(stale, ", "))
	}
}
