package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

// The corpus: settings layouts of public projects (testdata/corpus/NAME/),
// each a minimal rewrite of the project's settings that keeps its layout
// (how the files import each other, how values are read from the
// environment), with case.json naming the source (repo, path, commit) and
// the hand-checked values of the cells below. TestCorpus asserts them;
// TestCorpusDjango loads each case that loads under Debian's Django 3.2
// (testdata/corpus_values.py) and compares every cell ctl knows.

// corpusCells are the settings compared: DEBUG, SECRET_KEY's kind,
// ALLOWED_HOSTS, the HTTPS settings, STATIC_ROOT and the default
// database's ENGINE.
var corpusCells = []string{"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
	"CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "STATIC_ROOT", "ENGINE"}

type corpusCase struct {
	Source string            `json:"source"` // repo, path, commit
	Layout string            `json:"layout"` // what the case covers
	Module string            `json:"module"` // the settings module
	Env    map[string]string `json:"env"`
	// Django: false when the project cannot load under the test's Django
	// (a required variable it reads is computed by code needing a service).
	Django    *bool             `json:"django"`
	DjangoWhy string            `json:"django_why"`
	Expect    map[string]string `json:"expect"`
	// Findings: check IDs that must be reported (and NotFindings: not).
	Findings    []string `json:"findings"`
	NotFindings []string `json:"not_findings"`

	name, dir string
}

func loadCorpus(t testing.TB) []*corpusCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*", "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []*corpusCase
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := &corpusCase{}
		if err := json.Unmarshal(b, c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c.dir, _ = filepath.Abs(filepath.Dir(f))
		c.name = filepath.Base(c.dir)
		if c.Source == "" || c.Module == "" {
			t.Fatalf("%s: source and module are required", f)
		}
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// corpusRun audits a case the way `ctl audit MODULE --root DIR` does.
func corpusRun(t *testing.T, c *corpusCase) *Result {
	t.Helper()
	from := map[string]string{}
	for k := range c.Env {
		from[k] = "case.json"
	}
	res, err := Run(context.Background(), Options{Target: c.Module, Root: c.dir, Cwd: c.dir, Env: c.Env, EnvFrom: from, Version: Version{3, 2}})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return res
}

// ctlCell renders a cell as the corpus records it: the Python repr, the
// project directory as $ROOT, "<unknown>"; SECRET_KEY as its kind.
func ctlCell(res *Result, c *corpusCase, name string) string {
	if name == "ENGINE" {
		dbs := res.settings.lookup("DATABASES")
		if !dbs.Known() {
			return "<unknown>"
		}
		def := dbs.Get("default")
		if def == nil {
			return "None"
		}
		if !def.Known() {
			return "<unknown>"
		}
		e := def.Get("ENGINE")
		if e == nil {
			return "None"
		}
		if !e.Known() {
			return "<unknown>"
		}
		return e.Repr()
	}
	v := res.settings.lookup(name)
	if name == "SECRET_KEY" {
		switch {
		case v.Src.Kind == SrcGenerated:
			return "generated"
		case !v.Known():
			return "unknown"
		case v.Src.Kind == SrcDefault:
			return "default"
		case v.Src.Kind == SrcEnv:
			return "env"
		case v.Src.Kind == SrcEnvDefault:
			return "env-default"
		}
		return "literal"
	}
	if !v.Known() {
		return "<unknown>"
	}
	return strings.ReplaceAll(v.Repr(), c.dir, "$ROOT")
}

func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 40 {
		t.Errorf("the corpus holds %d layouts, want at least 40", len(cases))
	}
	cells, agree := 0, 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := corpusRun(t, c)
			for _, name := range corpusCells {
				want, ok := c.Expect[name]
				if !ok {
					t.Errorf("case.json has no expected %s", name)
					continue
				}
				cells++
				if got := ctlCell(res, c, name); got != want {
					t.Errorf("%s = %s, want %s (hand-checked)", name, got, want)
				} else {
					agree++
				}
			}
			for _, id := range c.Findings {
				if findID(res, id).ID == "" {
					t.Errorf("missing %s; findings: %s", id, ids(res))
				}
			}
			for _, id := range c.NotFindings {
				if findID(res, id).ID != "" {
					t.Errorf("unexpected %s", id)
				}
			}
		})
	}
	t.Logf("corpus: %d layouts, %d/%d cells as hand-checked", len(cases), agree, cells)
}

type corpusDjango struct {
	Cells map[string]string `json:"cells"`
	Error string            `json:"error"`
}

func TestCorpusDjango(t *testing.T) {
	testenv.RequireDjango(t)
	var cases []*corpusCase
	for _, c := range loadCorpus(t) {
		if c.Django == nil || *c.Django {
			cases = append(cases, c)
		}
	}
	type in struct {
		Dir    string            `json:"dir"`
		Module string            `json:"module"`
		Env    map[string]string `json:"env"`
	}
	var batch []in
	for _, c := range cases {
		batch = append(batch, in{c.dir, c.Module, c.Env})
	}
	b, _ := json.Marshal(batch)
	script, _ := filepath.Abs(filepath.Join("testdata", "corpus_values.py"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.SystemPython, "-B", script)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("corpus_values.py: %v\n%s", err, stderr.String())
	}
	var results []corpusDjango
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("corpus_values.py output: %v (%d results for %d cases)", err, len(results), len(cases))
	}
	loaded, compared, agree, unknown := 0, 0, 0, 0
	for i, c := range cases {
		r := results[i]
		if r.Error != "" {
			t.Errorf("%s does not load under Django 3.2: %s (mark it \"django\": false with the reason)", c.name, r.Error)
			continue
		}
		loaded++
		res := corpusRun(t, c)
		for _, name := range corpusCells {
			dj := strings.ReplaceAll(r.Cells[name], c.dir, "$ROOT")
			if strings.Contains(dj, "<stub>") {
				continue // computed by a library the machine does not have
			}
			compared++
			got := ctlCell(res, c, name)
			if name == "ENGINE" {
				// Debian's dj-database-url and django-environ are older and
				// name the PostgreSQL backend by its former alias.
				dj = strings.ReplaceAll(dj, "postgresql_psycopg2", "postgresql")
				got = strings.ReplaceAll(got, "postgresql_psycopg2", "postgresql")
			}
			if name == "SECRET_KEY" {
				got = secretCell(res)
				if v := res.settings.lookup("SECRET_KEY"); v.Src.Kind == SrcGenerated {
					// Random in both: compare the length.
					got, dj = strconv.Itoa(len([]rune(v.S))), r.Cells["SECRET_KEY_LEN"]
				}
			}
			switch {
			case got == "<unknown>":
				unknown++
			case got == dj:
				agree++
			default:
				t.Errorf("%s: %s: ctl %s, Django %s", c.name, name, got, dj)
			}
		}
	}
	t.Logf("Django 3.2: %d/%d layouts load; %d cells compared: %d equal, %d unknown to ctl, %d different",
		loaded, len(cases), compared, agree, unknown, compared-agree-unknown)
}

// secretCell is SECRET_KEY as Django's side prints it, so that the two
// compare without the key appearing in a message: the repr for a known
// key, a generated key by its length only.
func secretCell(res *Result) string {
	v := res.settings.lookup("SECRET_KEY")
	if !v.Known() {
		return "<unknown>"
	}
	return v.Repr()
}
