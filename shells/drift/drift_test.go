package drift

import (
	"strings"
	"testing"

	"github.com/ctlops/ctl/targets"
)

func environ(vars ...targets.EnvVar) *targets.Environ {
	return &targets.Environ{Vars: targets.SortVars(vars)}
}

func v(name, value string) targets.EnvVar {
	return targets.EnvVar{Name: name, Value: value, Known: true, Source: targets.EnvSource{Kind: targets.SourceFile, Name: ".env"}}
}

func TestCompareEnv(t *testing.T) {
	a := environ(v("SITE_URL", "https://qa.example.com"), v("DEBUG", "0"), v("SECRET_KEY", "qa-secret-qa-secret"), v("ONLY_QA", "1"), v("SENTRY_DSN", "x"))
	b := environ(v("SITE_URL", "https://myapp-staging.example.com"), v("DEBUG", "1"), v("SECRET_KEY", "st-secret"), v("SENTRY_DSN", "y"))
	items := Compare(KindEnv, EnvValues(a, []string{"qa"}, false), EnvValues(b, []string{"staging", "myapp-staging"}, false))
	Classify(items, []string{"SENTRY_*"})
	got := map[string]Item{}
	for _, it := range items {
		got[it.Key] = it
		for _, side := range []*Value{it.A, it.B} {
			if side != nil && strings.Contains(side.Show, "secret") {
				t.Errorf("%s: a value shown: %q", it.Key, side.Show)
			}
		}
	}
	check := func(key, status string, surprising bool) {
		t.Helper()
		it := got[key]
		if it.Status != status || it.Surprising() != surprising {
			t.Errorf("%s: status %s surprising %v (%s), want %s %v", key, it.Status, it.Surprising(), it.Why, status, surprising)
		}
	}
	check("SITE_URL", Same, false)        // the environment's names normalised
	check("DEBUG", Different, true)       // real drift
	check("SECRET_KEY", Different, false) // differs by design
	check("ONLY_QA", OnlyA, true)
	check("SENTRY_DSN", Different, false) // drift.ignore
	if !strings.Contains(got["SITE_URL"].A.Show, "normalised") {
		t.Errorf("normalisation not said: %q", got["SITE_URL"].A.Show)
	}
	// Revealed: values shown.
	items = Compare(KindEnv, EnvValues(a, nil, true), EnvValues(b, nil, true))
	for _, it := range items {
		if it.Key == "DEBUG" && (it.A.Show != "0" || it.B.Show != "1") {
			t.Errorf("reveal: %+v %+v", it.A, it.B)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pat  string
		it   Item
		want bool
	}{
		{"DEBUG", Item{Kind: KindEnv, Key: "DEBUG"}, true},
		{"DEBUG", Item{Kind: KindSetting, Key: "DEBUG"}, true},
		{"DEBUG", Item{Kind: KindMigration, Key: "DEBUG"}, false},
		{"env/DEB*", Item{Kind: KindSetting, Key: "DEBUG"}, false},
		{"image/*", Item{Kind: KindImage, Key: "deployment/web/web"}, true},
		{"migration/myapp/*", Item{Kind: KindMigration, Key: "myapp/0003_x"}, true},
		{"migration/other/*", Item{Kind: KindMigration, Key: "myapp/0003_x"}, false},
	}
	for _, tt := range tests {
		if got := Match(tt.pat, tt.it); got != tt.want {
			t.Errorf("Match(%q, %s) = %v", tt.pat, tt.it.ID(), got)
		}
	}
}

func TestShowMigrations(t *testing.T) {
	out := "admin\n [X] 0001_initial\n [ ] 0002_logentry\nauth\n (no migrations)\npolls\n [X] 0001_initial\n"
	m := ParseShowMigrations(out)
	if len(m) != 3 || !m["admin/0001_initial"] || m["admin/0002_logentry"] || !m["polls/0001_initial"] {
		t.Fatalf("%v", m)
	}
	other := map[string]bool{"admin/0001_initial": true, "admin/0002_logentry": true, "polls/0001_initial": true}
	items := Compare(KindMigration, MigrationValues(m), MigrationValues(other))
	Classify(items, nil)
	var diff []string
	for _, it := range items {
		if it.Surprising() {
			diff = append(diff, it.Key+" "+it.A.Show+"/"+it.B.Show)
		}
	}
	if strings.Join(diff, ",") != "admin/0002_logentry pending/applied" {
		t.Errorf("%v", diff)
	}
}

func TestNormalise(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://qa.example.com", "https://{env}.example.com"},
		{"myapp-qa", "myapp-{env}"},
		{"aqua-qa2", "aqua-qa2"},
		{"myapp-qa-ns/qa", "{env}/{env}"},
	} {
		if got := Normalise(tt.in, []string{"qa", "myapp-qa-ns"}); got != tt.want {
			t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
