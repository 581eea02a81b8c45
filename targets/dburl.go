package targets

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseDatabaseURL parses a database URL in the dj-database-url dialect:
// postgres://, postgresql://, pgsql://, postgis:// and sqlite:///rel or
// sqlite:////abs. Relative sqlite paths are resolved against dir. The
// error never repeats the URL (it may hold a password).
func ParseDatabaseURL(raw, dir string) (*DB, error) {
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("not a database URL (expected scheme://...)")
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "spatialite":
		path := strings.TrimPrefix(raw[len(scheme)+3:], "/")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		switch {
		case path == "" || path == ":memory:":
			return nil, fmt.Errorf("sqlite URL names an in-memory database; there is nothing to open")
		case strings.HasPrefix(path, "/"): // sqlite:////abs
		default:
			path = filepath.Join(dir, path)
		}
		return &DB{Engine: "sqlite", Name: path}, nil
	case "postgres", "postgresql", "pgsql", "postgis":
	default:
		return nil, fmt.Errorf("database engine %q is not supported by dbshell (postgres and sqlite are)", scheme)
	}
	// A socket directory in the host position (%2Fvar%2Frun%2Fpostgresql)
	// is legal for libpq and dj-database-url but not for net/url.
	socket := ""
	rest := raw[len(scheme)+3:]
	hostStart := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@') + 1
	if strings.HasPrefix(strings.ToUpper(rest[hostStart:]), "%2F") {
		end := strings.IndexAny(rest[hostStart:], "/:?")
		if end < 0 {
			end = len(rest) - hostStart
		}
		socket, _ = url.PathUnescape(rest[hostStart : hostStart+end])
		raw = raw[:len(scheme)+3] + rest[:hostStart] + "localhost" + rest[hostStart+end:]
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse errors quote the input: never show it.
		return nil, fmt.Errorf("malformed postgres URL")
	}
	db := &DB{Engine: "postgres", Port: 5432, Options: map[string]string{}}
	if u.User != nil {
		db.User = u.User.Username()
		db.Password, _ = u.User.Password()
	}
	db.Host = u.Hostname()
	if socket != "" {
		db.Host = socket
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("invalid port %q in database URL", p)
		}
		db.Port = n
	}
	db.Name = strings.TrimPrefix(u.Path, "/")
	for k, vs := range u.Query() {
		if len(vs) > 0 {
			db.Options[k] = vs[len(vs)-1]
		}
	}
	if h := db.Options["host"]; h != "" && db.Host == "" {
		db.Host = h
	}
	if db.Host == "" {
		db.Host = "localhost"
	}
	if db.Name == "" {
		return nil, fmt.Errorf("database URL names no database (postgres://user@host:port/NAME)")
	}
	return db, nil
}
