package audit

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepros: the cases of issue 14 (testdata/repros, copied from
// ../shared/audit-repros with their README), each on which the audit gave
// a wrong or silent answer, with the right one.
func TestRepros(t *testing.T) {
	tests := []struct {
		name, target string
		want, not    []string // finding IDs present / absent
		check        func(t *testing.T, res *Result)
	}{
		{
			name: "unresolved-relative-import", target: "mysite/settings.py",
			want: []string{"ctl.I001", "security.W018", "ctl.H001"},
			check: func(t *testing.T, res *Result) {
				f := findID(res, "ctl.I001")
				if f.Pos.Line != 1 || !strings.Contains(f.Message, "from .local import *") {
					t.Errorf("ctl.I001 must name the import and its line: %+v", f)
				}
				// Settings not set after the failed star import are unknown,
				// not Django defaults.
				if s := setting(res, "SECURE_HSTS_SECONDS"); s.Known {
					t.Errorf("SECURE_HSTS_SECONDS after a failed star import: %+v, want unknown", s)
				}
			},
		},
		{
			name: "shadowed-library-import", target: "config/settings.py",
			want: []string{"security.W018"}, not: []string{"ctl.I001", "ctl.E001"},
		},
		{
			name: "or-fallback-provenance", target: "settings.py",
			want: []string{"ctl.S002", "ctl.D001", "security.W018"}, not: []string{"ctl.S001"},
		},
		{
			name: "unknown-call-skips-check", target: "settings.py",
			check: func(t *testing.T, res *Result) {
				for _, name := range []string{"DATABASES", "STATIC_ROOT"} {
					if !hasX001(res, name) {
						t.Errorf("no ctl.X001 for %s", name)
					}
				}
			},
		},
		{
			name: "unknown-iterable-as-empty", target: "settings.py",
			not: []string{"security.W009", "security.W020"},
			check: func(t *testing.T, res *Result) {
				for _, name := range []string{"SECRET_KEY", "ALLOWED_HOSTS"} {
					if !hasX001(res, name) {
						t.Errorf("no ctl.X001 for %s", name)
					}
				}
			},
		},
		{
			name: "split-settings-include", target: "settings.py",
			want: []string{"security.W018", "ctl.H001"}, not: []string{"ctl.I001"},
			check: func(t *testing.T, res *Result) {
				if f := findID(res, "security.W018"); filepath.Base(f.Pos.File) != "base.py" || f.Pos.Line != 1 {
					t.Errorf("W018 should point into base.py:1: %v", f.Pos)
				}
			},
		},
		{
			name: "empty-host-among-real-ones", target: "settings.py",
			want: []string{"ctl.H002"},
			check: func(t *testing.T, res *Result) {
				if m := findID(res, "ctl.H002").Message; strings.Contains(m, "matches no host.") || !strings.Contains(m, "other entries still work") {
					t.Errorf("message does not fit an empty entry among real hosts: %q", m)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "repros", tt.name)
			abs, _ := filepath.Abs(dir)
			res, err := Run(context.Background(), Options{Target: tt.target, Cwd: abs, Version: Version{3, 2}})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.want {
				if findID(res, id).ID == "" {
					t.Errorf("missing %s; findings: %s", id, ids(res))
				}
			}
			for _, id := range tt.not {
				if findID(res, id).ID != "" {
					t.Errorf("unexpected %s: %+v", id, findID(res, id))
				}
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func findID(res *Result, id string) Finding {
	for _, f := range res.Findings {
		if f.ID == id {
			return f
		}
	}
	return Finding{}
}

func hasX001(res *Result, setting string) bool {
	for _, f := range res.Findings {
		if f.ID == "ctl.X001" && f.Setting == setting {
			return true
		}
	}
	return false
}

func setting(res *Result, name string) Setting {
	for _, s := range res.Settings {
		if s.Name == name {
			return s
		}
	}
	return Setting{}
}

func ids(res *Result) string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.ID+"@"+f.Pos.String())
	}
	return strings.Join(out, " ")
}
