package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/testenv"
)

// Differential conformance: every settings fixture under
// testdata/conformance/NAME/ is loaded by the real Django (Debian's 3.2)
// with Django's own `check --deploy` (testdata/django_check.py), and
// audited by ctl with --django-version 3.2 and the same environment. The
// sets of Django check IDs must be equal.
//
// A fixture directory holds the settings module(s), optional env files,
// and case.json:
//
//	{
//	  "module": "settings",              // dotted module under the fixture dir
//	  "note": "what it covers",
//	  "variants": [
//	    {"name": "unset"},                 // no variables at all
//	    {"name": "debug-on", "env": {"DEBUG": "True"}},
//	    {"name": "prod", "env_file": "prod.env", "env": {"X": "overrides"}},
//	    {"name": "...", "xfail": "why ctl cannot conform (yet)"}
//	  ]
//	}
//
// The environment of a variant is exactly its env file's variables (read
// like --env-file) plus its env map (like --env); Django's side runs with
// PATH and those variables only.

type confManifest struct {
	Module   string        `json:"module"`
	Note     string        `json:"note"`
	Variants []confVariant `json:"variants"`
}

type confVariant struct {
	Name    string            `json:"name"`
	Env     map[string]string `json:"env"`
	EnvFile string            `json:"env_file"`
	XFail   string            `json:"xfail"`
}

type confCase struct {
	fixture string
	dir     string // the fixture's copy in a temp dir
	module  string
	variant confVariant
	env     map[string]string
	envFrom map[string]string
}

type djangoResult struct {
	IDs       []string `json:"ids"`
	Error     string   `json:"error"`
	Traceback string   `json:"traceback"`
}

// djangoCovered are the Django IDs ctl audit replicates; the script
// filters Django's output to the same set.
func djangoCovered(id string) bool {
	switch {
	case strings.HasPrefix(id, "security.W0"), id == "security.E023", id == "security.E024",
		id == "async.E001", id == "caches.W002":
		return true
	}
	return false
}

func loadConformanceCases(t *testing.T) ([]confCase, int) {
	t.Helper()
	manifests, err := filepath.Glob(filepath.Join("testdata", "conformance", "*", "case.json"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no fixtures under testdata/conformance: %v", err)
	}
	sort.Strings(manifests)
	tmp := t.TempDir()
	var cases []confCase
	for _, mf := range manifests {
		src := filepath.Dir(mf)
		name := filepath.Base(src)
		b, err := os.ReadFile(mf)
		if err != nil {
			t.Fatal(err)
		}
		var m confManifest
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		if m.Module == "" {
			t.Fatalf("%s: no module", mf)
		}
		// Work on a copy: Python must not see the repository's files (a
		// .env or settings.ini above the fixture would be read by
		// python-decouple), and nothing is written into testdata.
		dir := filepath.Join(tmp, name)
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatalf("copying %s: %v", src, err)
		}
		if dir, err = filepath.EvalSymlinks(dir); err != nil {
			t.Fatal(err)
		}
		variants := m.Variants
		if len(variants) == 0 {
			variants = []confVariant{{Name: "default"}}
		}
		seen := map[string]bool{}
		for _, v := range variants {
			if v.Name == "" || seen[v.Name] {
				t.Fatalf("%s: variant names must be unique and non-empty (%q)", mf, v.Name)
			}
			seen[v.Name] = true
			c := confCase{fixture: name, dir: dir, module: m.Module, variant: v,
				env: map[string]string{}, envFrom: map[string]string{}}
			if v.EnvFile != "" {
				vars, err := dotenv.ReadFile(filepath.Join(dir, v.EnvFile))
				if err != nil {
					t.Fatalf("%s: variant %s: %v", mf, v.Name, err)
				}
				for _, kv := range vars {
					c.env[kv.Key], c.envFrom[kv.Key] = kv.Value, v.EnvFile
				}
			}
			for k, val := range v.Env {
				c.env[k], c.envFrom[k] = val, "--env"
			}
			cases = append(cases, c)
		}
	}
	return cases, len(manifests)
}

// runDjango runs every case through Django in one Python process (each
// case in a forked child with exactly its environment).
func runDjango(t *testing.T, cases []confCase) []djangoResult {
	t.Helper()
	type pyCase struct {
		Dir    string            `json:"dir"`
		Module string            `json:"module"`
		Env    map[string]string `json:"env"`
	}
	in := make([]pyCase, len(cases))
	for i, c := range cases {
		in[i] = pyCase{Dir: c.dir, Module: c.module, Env: c.env}
	}
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "django_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.SystemPython, "-B", script, "--batch")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Dir = t.TempDir()
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	var out []djangoResult
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out) != len(cases) {
		t.Fatalf("%s: bad output (%v, %d results for %d cases):\n%s\nstderr:\n%s", script, err, len(out), len(cases), stdout.String(), stderr.String())
	}
	return out
}

func TestConformanceWithDjango(t *testing.T) {
	testenv.RequireDjango(t)
	cases, fixtures := loadConformanceCases(t)
	start := time.Now()
	results := runDjango(t, cases)
	t.Logf("Django ran %d cases in %s", len(cases), time.Since(start).Round(time.Millisecond))

	compared, xfailed := 0, 0
	for i, c := range cases {
		t.Run(c.fixture+"/"+c.variant.Name, func(t *testing.T) {
			dj := results[i]
			if dj.Error != "" {
				t.Fatalf("Django could not load %s (%s) with env %v: %s\n%s", c.fixture, c.module, c.env, dj.Error, dj.Traceback)
			}
			res, err := Run(context.Background(), Options{Target: c.module, Root: c.dir, Cwd: c.dir, Env: c.env, EnvFrom: c.envFrom, Version: Version{3, 2}})
			if err != nil {
				t.Fatalf("ctl audit: %v", err)
			}
			var ours []string
			for _, f := range res.Findings {
				if f.Django {
					if !djangoCovered(f.ID) {
						t.Errorf("ctl reports %s as a Django check the conformance script does not cover", f.ID)
					}
					ours = append(ours, f.ID)
				}
			}
			sort.Strings(ours)
			ours = slices.Compact(ours)
			theirs := append([]string{}, dj.IDs...)
			sort.Strings(theirs)
			compared++
			same := slices.Equal(ours, theirs)
			if c.variant.XFail != "" {
				if same {
					t.Errorf("variant marked xfail (%s) now conforms: remove the xfail from %s/case.json", c.variant.XFail, c.fixture)
				} else {
					xfailed++
					t.Logf("known divergence (%s): Django %v, ctl %v", c.variant.XFail, theirs, ours)
				}
				return
			}
			if !same {
				t.Errorf("fixture %s, variant %s, env %v\n  Django 3.2: %v\n  ctl audit:  %v\n  only Django: %v\n  only ctl:    %v\nctl findings:\n%s",
					c.fixture, c.variant.Name, c.env, theirs, ours, minus(theirs, ours), minus(ours, theirs), describeFindings(res.Findings))
			}
		})
	}
	t.Logf("compared %d fixture×variant cases from %d fixtures against Django 3.2 (%d known divergences)", compared, fixtures, xfailed)
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func describeFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %-14s %-32s %s = %s (%s)\n", f.ID, f.Pos, f.Setting, f.Value, f.Source)
		if f.ID == "ctl.X001" || f.ID == "ctl.E001" {
			fmt.Fprintf(&b, "  %14s %s\n", "", f.Message)
		}
	}
	return b.String()
}
