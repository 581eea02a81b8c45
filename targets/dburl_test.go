package targets

import (
	"strings"
	"testing"
)

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		in   string
		want DB
	}{
		{"postgres://u:p%40ss@db.example:6543/app?sslmode=require",
			DB{Engine: "postgres", Host: "db.example", Port: 6543, User: "u", Password: "p@ss", Name: "app"}},
		{"postgresql://u@127.0.0.1/app", DB{Engine: "postgres", Host: "127.0.0.1", Port: 5432, User: "u", Name: "app"}},
		{"pgsql://%2Fvar%2Frun%2Fpostgresql/app", DB{Engine: "postgres", Host: "/var/run/postgresql", Port: 5432, Name: "app"}},
		{"sqlite:///db.sqlite3", DB{Engine: "sqlite", Name: "/proj/db.sqlite3"}},
		{"sqlite:////abs/db.sqlite3", DB{Engine: "sqlite", Name: "/abs/db.sqlite3"}},
	}
	for _, tt := range tests {
		got, err := ParseDatabaseURL(tt.in, "/proj")
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got.Engine != tt.want.Engine || got.Host != tt.want.Host || got.Port != tt.want.Port ||
			got.User != tt.want.User || got.Password != tt.want.Password || got.Name != tt.want.Name {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.in, *got, tt.want)
		}
	}
	db, _ := ParseDatabaseURL("postgres://u:p@h/app?sslmode=require", "")
	if db.Options["sslmode"] != "require" {
		t.Errorf("options = %v", db.Options)
	}
}

func TestParseDatabaseURLErrorsHideSecrets(t *testing.T) {
	for _, in := range []string{
		"mysql://u:hunter2@h/db",
		"postgres://u:hunter2@h:99999/db",
		"postgres://u:hunter2@h",
		"postgres://u:hunter2@h:%zz/db",
		"hunter2",
		"sqlite://:memory:",
	} {
		_, err := ParseDatabaseURL(in, "")
		if err == nil {
			t.Errorf("%s: no error", in)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}
