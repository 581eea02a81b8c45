package python

import (
	"testing"
)

// TestTestdataSettings parses the realistic settings files in testdata/,
// which must produce no diagnostics and well-formed positions.
func TestTestdataSettings(t *testing.T) {
	files := testdataFiles(t)
	if len(files) < 5 {
		t.Fatalf("only %d testdata files", len(files))
	}
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			m := Parse(name, src)
			for _, d := range m.Diagnostics {
				t.Errorf("%s:%s", name, d)
			}
			if len(m.Body) == 0 {
				t.Fatal("empty body")
			}
			for _, s := range m.Body {
				if _, bad := s.(*BadStmt); bad {
					t.Errorf("bad statement at %v", s.Pos())
				}
			}
			checkPositions(t, m, string(src))
		})
	}
}

// TestTestdataAssignments spot-checks that the settings evaluator will
// find the expected module-level assignments.
func TestTestdataAssignments(t *testing.T) {
	files := testdataFiles(t)
	want := map[string][]string{
		"testdata/environ_settings.py":  {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "INSTALLED_APPS", "DATABASES", "LOGGING", "INTERNAL_IPS"},
		"testdata/decouple_settings.py": {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PASSWORD_HASHERS", "FILE_UPLOAD_PERMISSIONS"},
		"testdata/split/base.py":        {"SECRET_KEY", "DEBUG", "INSTALLED_APPS", "DATABASES"},
		"testdata/split/production.py":  {"DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"},
		"testdata/cookiecutter_base.py": {"DEBUG", "DATABASES", "INSTALLED_APPS", "CELERY_TIMEZONE", "SPECTACULAR_SETTINGS"},
		"testdata/modern_settings.py":   {"ENVIRONMENT", "DEBUG", "SECRET_KEY", "DATABASES", "BANNER", "CSRF_TRUSTED_ORIGINS"},
	}
	for name, names := range want {
		src, ok := files[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		m := Parse(name, src)
		containsAll(t, assignedNames(m.Body), names...)
	}
	// The split settings star-import their base and optional local file.
	m := Parse("production.py", files["testdata/split/production.py"])
	var imports []string
	Inspect(m, func(n Node) bool {
		if imp, ok := n.(*ImportFrom); ok {
			imports = append(imports, Dump(imp))
		}
		return true
	})
	if len(imports) < 2 || imports[0] != "(from .base *)" || imports[len(imports)-1] != "(from .local *)" {
		t.Errorf("imports = %v", imports)
	}
}
