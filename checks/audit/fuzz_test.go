package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ctlops/ctl/checks/audit/pyeval"
)

// Fuzz targets for the whole audit (FuzzAudit: a settings file on disk
// through Run) and for the evaluator and rules alone (FuzzEval: in
// memory, every supported Django version). Both check the invariants the
// renderers rely on, and that no input makes the audit crash, hang or
// take more than a few seconds. Seeds: the committed corpus under
// testdata/fuzz/<Target>/ plus the settings files of the repository.

// fuzzEnvs are the deployment environments every input is audited under:
// unset (the default), and a set of common variables with awkward values.
var fuzzEnvs = []map[string]string{
	nil,
	{
		"DEBUG": "True", "DJANGO_DEBUG": "off", "SECRET_KEY": "x", "DJANGO_SECRET_KEY": strings.Repeat("k", 60),
		"DATABASE_URL": "postgres://u:p%40ss@db:5432/app?sslmode=require", "ALLOWED_HOSTS": "a.example,,*",
		"DJANGO_ALLOWED_HOSTS": "", "CACHE_URL": "rediss://:pw@cache:6380/1", "EMAIL_URL": "smtp+tls://u:p@mail:587",
		"DJANGO_ALLOW_ASYNC_UNSAFE": "1", "PORT": "not-a-number", "REDIS_URL": "::::",
	},
}

var fuzzCheckIDRE = regexp.MustCompile(`^(security\.[WE]\d{3}|async\.E001|caches\.W002|ctl\.[A-Z]+\d{3})$`)

// fuzzStepLimit replaces the evaluator's step limit while fuzzing: an
// input that reaches the limit (a loop, exponential recursion) then costs
// a tenth of a second instead of seconds, and the fuzzing engine, which
// kills a worker after 10 s on one input, sees only real hangs. The code
// paths are the same.
const fuzzStepLimit = 100_000

// fuzzWatchdog panics when one input takes far too long, with a message
// naming the input. The slow threshold leaves room for the race detector
// and a loaded machine.
func fuzzWatchdog(src []byte) (stop func()) {
	start := time.Now()
	hang := 60 * time.Second
	if d, err := time.ParseDuration(os.Getenv("CTL_FUZZ_HANG")); err == nil {
		hang = d // a shorter watchdog to catch a slow input while investigating
	}
	timer := time.AfterFunc(hang, func() {
		panic(fmt.Sprintf("audit hung: no result after %v for a %d-byte input %q", hang, len(src), fuzzTrim(src)))
	})
	return func() {
		timer.Stop()
		if d := time.Since(start); d > 8*time.Second {
			panic(fmt.Sprintf("slow input: %v for %d bytes: %q", d, len(src), fuzzTrim(src)))
		}
	}
}

func fuzzTrim(b []byte) []byte {
	if len(b) > 2000 {
		return b[:2000]
	}
	return b
}

func fuzzSeedFiles(f *testing.F) {
	for _, pattern := range []string{
		"../../examples/mysite/mysite/settings.py",
		"testdata/golden/*/*/settings.py",
		"testdata/golden/split/config/settings/*.py",
		"testdata/robust/*.py",
		"python/testdata/*.py",
		"python/testdata/bad/*.py",
	} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		"", "DEBUG = True\n", "import os\nDEBUG = os.getenv('DEBUG', False)\n",
		"from .base import *\n", "X = [\nDEBUG = True\n", "{% if x %}\nDEBUG = True\n{% endif %}\n",
		"SECRET_KEY = 'é' * 200\n", "X = 'a' * 999\nX = X * 999\n",
		"def f(x):\n    return f(x) + f(x)\nX = f(1)\n",
		"MIDDLEWARE = []\nMIDDLEWARE += ['django.middleware.security.SecurityMiddleware']\nSECURE_HSTS_SECONDS = 1\n",
		"CACHES = {'default': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', 'LOCATION': '/m/c'}}\nMEDIA_ROOT = '/m'\n",
		"import environ\nenv = environ.Env(DEBUG=(bool, True))\nDEBUG = env('DEBUG')\nDATABASES = {'default': env.db()}\n",
		"from decouple import config, Csv\nALLOWED_HOSTS = config('ALLOWED_HOSTS', cast=Csv())\n",
		"import environ\nR = environ.Path(__file__) - 3\nA = R.path('app')\nSTATIC_ROOT = R('static')\nMEDIA_ROOT = str(~A + 'm')\nX = A - 'pp'\n",
		"import os\nif 'K' in os.environ:\n    SECRET_KEY = os.environ['K']\nelse:\n    SECRET_KEY = 'dev'\n    DATABASES = {'default': {'PASSWORD': 'p'}}\n",
		"SECURE_REFERRER_POLICY = ['same-origin', 1]\nSECURE_CROSS_ORIGIN_OPENER_POLICY = None\n",
	} {
		f.Add([]byte(s))
	}
}

// checkResult verifies what the renderers rely on.
func fuzzCheckResult(t *testing.T, res *Result, srcValidUTF8, render bool) {
	t.Helper()
	for i, f := range res.Findings {
		if !fuzzCheckIDRE.MatchString(f.ID) {
			t.Fatalf("finding %d: bad ID %q", i, f.ID)
		}
		if f.Severity < Info || f.Severity > Error {
			t.Fatalf("%s: severity %d out of range", f.ID, f.Severity)
		}
		if f.Message == "" {
			t.Fatalf("%s: empty message", f.ID)
		}
		if f.Pos.File == "" || f.Pos.Line < 1 || f.Pos.Col < 1 {
			t.Fatalf("%s: invalid position %+v", f.ID, f.Pos)
		}
		if len(f.Value) > 200 {
			t.Fatalf("%s: value not shortened (%d bytes)", f.ID, len(f.Value))
		}
		if srcValidUTF8 && (!utf8.ValidString(f.Value) || !utf8.ValidString(f.Message)) {
			t.Fatalf("%s: invalid UTF-8 from valid input: value %q message %q", f.ID, f.Value, f.Message)
		}
		if i > 0 {
			p := res.Findings[i-1]
			if p.Pos.File > f.Pos.File || p.Pos.File == f.Pos.File && (p.Pos.Line > f.Pos.Line || p.Pos.Line == f.Pos.Line && p.Pos.Col > f.Pos.Col) {
				t.Fatalf("findings out of order: %s %s before %s %s", p.ID, p.Pos, f.ID, f.Pos)
			}
		}
	}
	if !render {
		return
	}
	if _, err := json.Marshal(res.Doc(func(s string) string { return s })); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var buf bytes.Buffer
	if err := res.WriteSARIF(&buf, "fuzz", func(s string) string { return s }); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("SARIF is not valid JSON")
	}
}

// FuzzAudit runs the whole audit (Run: discovery, version detection,
// evaluation, checks, the settings report) on a project held in memory
// (pyeval.MapFS): no temporary directory, file or process per input.
func FuzzAudit(f *testing.F) {
	fuzzSeedFiles(f)
	const dir = "/fuzz-project"
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzWatchdog(src)()
		// manage.py pins the project root to dir: imports never leave it.
		fsys := pyeval.MapFS{dir + "/manage.py": nil, dir + "/app/settings.py": src}
		envs := fuzzEnvs
		if len(src) > 16<<10 {
			envs = envs[:1] // large inputs cost most: one environment (TestRobustness covers them)
		}
		for i, env := range envs {
			from := map[string]string{}
			for k := range env {
				from[k] = ".env.fuzz"
			}
			res, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Env: env, EnvFrom: from, FS: fsys, stepLimit: fuzzStepLimit})
			if err != nil {
				var ue *UsageError
				if !errors.As(err, &ue) {
					t.Fatalf("error is not a usage error: %T %v", err, err)
				}
				continue
			}
			// The renderings (JSON, SARIF) once per input: they do not
			// depend on the environment's code paths.
			fuzzCheckResult(t, res, utf8.Valid(src), i == 0)
			for _, s := range res.Settings {
				if s.Name == "" || s.Known != (s.Source.Kind != SrcUnknown) {
					t.Fatalf("bad setting in the report: %+v", s)
				}
			}
		}
	})
}

// FuzzEval runs the evaluator on an in-memory file and the checks on its
// settings under every supported Django version, then exercises the value
// helpers the rules use.
func FuzzEval(f *testing.F) {
	fuzzSeedFiles(f)
	const path = "/fuzz-root/app/settings.py"
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzWatchdog(src)()
		for _, env := range fuzzEnvs {
			ev := &Evaluator{Root: "/fuzz-root", Env: env, EnvFrom: map[string]string{}, StepLimit: fuzzStepLimit,
				ReadFile: func(p string) ([]byte, error) {
					if p == path {
						return src, nil
					}
					return nil, fs.ErrNotExist
				}}
			vars, err := ev.EvalFile(path)
			if err != nil {
				t.Fatalf("EvalFile: %v", err)
			}
			values := map[string]*Value{}
			for k, v := range vars {
				if v == nil {
					t.Fatalf("%s is nil", k)
				}
				_ = v.Repr()
				_, _ = v.Truth()
				_, _ = v.Strings()
				_, _ = v.Contains("django.contrib.sessions")
				_ = v.Get("default")
				if scalar := v.Kind == Str || v.Kind == Int || v.Kind == Bool || v.Kind == None; scalar && !Equal(v, v) {
					t.Fatalf("%s = %s is not equal to itself", k, v.Repr())
				}
				if k == strings.ToUpper(k) {
					values[k] = v
				}
			}
			for _, ver := range SupportedVersions {
				s := &Settings{File: "app/settings.py", Values: values, Version: ver, Environ: env}
				for _, fd := range Check(s, nil, nil) {
					if !fuzzCheckIDRE.MatchString(fd.ID) || fd.Pos.Line < 1 || fd.Pos.Col < 1 {
						t.Fatalf("Django %s: bad finding %+v", ver, fd)
					}
				}
			}
		}
	})
}
