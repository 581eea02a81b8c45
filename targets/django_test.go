package targets

import (
	"strings"
	"testing"
)

func TestParseDjangoProbe(t *testing.T) {
	abs := func(p string) string { return "/proj/" + p }
	db, err := ParseDjangoProbe("noise\nCTL-DB:{\"ENGINE\": \"django.db.backends.postgresql\", \"NAME\": \"app\", \"USER\": \"u\", \"PASSWORD\": \"p\", \"HOST\": \"\", \"PORT\": \"6432\"}\n", abs, "src")
	if err != nil || db.Engine != "postgres" || db.Host != "localhost" || db.Port != 6432 || db.Password != "p" || db.Source != "src" {
		t.Fatalf("%+v %v", db, err)
	}
	db, err = ParseDjangoProbe("CTL-DB:{\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}", abs, "src")
	if err != nil || db.Engine != "sqlite" || db.Name != "/proj/db.sqlite3" {
		t.Fatalf("%+v %v", db, err)
	}
	if _, err := ParseDjangoProbe("CTL-DB:{\"ENGINE\": \"django.db.backends.mysql\"}", abs, ""); err == nil || !strings.Contains(err.Error(), "mysql") {
		t.Fatalf("mysql: %v", err)
	}
	if _, err := ParseDjangoProbe("Traceback...", abs, ""); err == nil {
		t.Fatal("no probe line accepted")
	}
}
