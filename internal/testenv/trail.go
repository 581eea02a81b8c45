package testenv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadTrail reads the session trail that ctl wrote for a test whose
// XDG_STATE_HOME is HOME/state, one record per line, in file order, each
// decoded into T (the fields the test checks).
func ReadTrail[T any](t testing.TB, home string) []T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(home, "state", "ctl", "sessions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r T
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("trail line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}
