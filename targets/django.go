package targets

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DjangoProbe is Python for `manage.py shell -c`: it prints Django's
// DATABASES['default'] as one JSON line, so the project's own settings
// logic decides (the way `manage.py dbshell` does).
const DjangoProbe = `import json
from django.conf import settings
d = settings.DATABASES["default"]
print("CTL-DB:" + json.dumps({k: str(d.get(k) or "") for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")}))`

// ParseDjangoProbe reads DjangoProbe's output. abs makes a relative SQLite
// path absolute; source is recorded as the credentials' origin.
func ParseDjangoProbe(out string, abs func(string) string, source string) (*DB, error) {
	var m map[string]string
	for _, line := range strings.Split(out, "\n") {
		if j, ok := strings.CutPrefix(line, "CTL-DB:"); ok {
			if err := json.Unmarshal([]byte(j), &m); err != nil {
				return nil, err
			}
		}
	}
	if m == nil {
		return nil, errors.New("manage.py shell printed no database settings")
	}
	switch engine := m["ENGINE"]; {
	case strings.Contains(engine, "sqlite"):
		return &DB{Engine: "sqlite", Name: abs(m["NAME"]), Source: source}, nil
	case strings.Contains(engine, "postgres") || strings.Contains(engine, "postgis"):
		db := &DB{Engine: "postgres", Host: m["HOST"], Port: 5432, User: m["USER"], Password: m["PASSWORD"], Name: m["NAME"], Source: source, Options: map[string]string{}}
		if db.Host == "" {
			db.Host = "localhost"
		}
		if p, err := strconv.Atoi(m["PORT"]); err == nil {
			db.Port = p
		}
		return db, nil
	default:
		return nil, fmt.Errorf("database engine %s is not supported by dbshell (postgres and sqlite are)", engine)
	}
}

// LastLine is the last non-empty line of s (the message of a traceback).
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
