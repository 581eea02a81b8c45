package audit_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctlops/ctl/checks/live"
	"github.com/ctlops/ctl/checks/live/livetest"
	"github.com/ctlops/ctl/internal/testenv"
)

type liveDoc struct {
	Layers   []live.LayerState `json:"layers"`
	Findings []struct {
		ID       string   `json:"id"`
		Status   string   `json:"status"`
		Severity string   `json:"severity"`
		Layers   []string `json:"layers"`
		Also     []string `json:"also"`
		Setting  string   `json:"setting"`
		File     string   `json:"file"`
		Line     int      `json:"line"`
		Edge     string   `json:"edge"`
		Message  string   `json:"message"`
	} `json:"findings"`
	Score      *live.Score    `json:"score"`
	Passed     []any          `json:"passed"`
	Summary    map[string]int `json:"summary"`
	Incomplete bool           `json:"incomplete"`
}

func runCtl(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir = dir
	cmd.Env = testenv.CleanEnv(append([]string{"HOME=" + t.TempDir()}, env...)...)
	return testenv.Run(t, cmd, "")
}

// TestLiveAuditLocal runs `ctl audit local` on the example project served
// by gunicorn with the insecure settings behind a proxy adding HSTS: the
// three layers run, W004 is satisfied at the edge, DEBUG is seen by all
// three, and an HTTP-only finding points at its setting's line.
func TestLiveAuditLocal(t *testing.T) {
	cert := livetest.NewCert(t)
	proj := livetest.Project(t)
	site := livetest.Serve(t, proj, "insecure", cert)
	proxy := site.WithHSTSProxy(t)
	secret := "s3cr3t-" + strings.Repeat("k9Q", 20)
	writeTest(t, filepath.Join(proj, ".env"), "SECRET_KEY="+secret+"\nDEBUG=True\n")
	writeTest(t, filepath.Join(proj, "ctl.yaml"), "environments:\n  local:\n    settings: mysite.settings_insecure\n    url: "+proxy+"\n")
	env := []string{"SSL_CERT_FILE=" + cert.CertFile}
	out, errOut, code := runCtl(t, proj, env, "audit", "local", "--json", "--http-url", site.HTTPURL,
		"--page", "/admin/login/", "--page", "/visit/")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings)\nstderr: %s\nstdout: %s", code, errOut, out)
	}
	var doc liveDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, l := range doc.Layers {
		if l.State != "ran" {
			t.Errorf("layer %s: %s (%s)", l.Name, l.State, l.Detail)
		}
		if l.Name == "http" && (l.Requests == 0 || l.Requests > live.MaxRequests) {
			t.Errorf("the http layer made %d requests (budget %d)", l.Requests, live.MaxRequests)
		}
	}
	find := func(id string) int {
		for i, f := range doc.Findings {
			if f.ID == id {
				return i
			}
		}
		t.Fatalf("no finding %s in:\n%s", id, out)
		return -1
	}
	w004 := doc.Findings[find("security.W004")]
	if w004.Status != "edge" || !slices.Equal(w004.Layers, []string{"static", "django", "http"}) || !strings.Contains(w004.Edge, "max-age=31536000") {
		t.Errorf("W004 behind the HSTS proxy: %+v", w004)
	}
	w018 := doc.Findings[find("security.W018")]
	if w018.Status != "fail" || !slices.Equal(w018.Layers, []string{"static", "django", "http"}) || !slices.Contains(w018.Also, "http.debug-404") {
		t.Errorf("W018: %+v", w018)
	}
	// nosniff is off in the settings: Django and the static audit say
	// W006, the site confirms it.
	w006 := doc.Findings[find("security.W006")]
	if w006.Status != "fail" || !slices.Contains(w006.Layers, "http") || w006.File == "" {
		t.Errorf("W006: %+v", w006)
	}
	// Referrer-Policy unsafe-url is valid for Django (no check fires):
	// only the site shows it, and the finding points at the line that
	// sets it.
	ref := doc.Findings[find("http.referrer")]
	if !slices.Equal(ref.Layers, []string{"http"}) || ref.Setting != "SECURE_REFERRER_POLICY" || ref.File != filepath.Join("mysite", "settings_insecure.py") || ref.Line != 12 {
		t.Errorf("http.referrer: %+v", ref)
	}
	// COOP: Django 3.2 sends none and has no setting: nothing to point at.
	if coop := doc.Findings[find("http.coop")]; coop.Setting != "" || coop.File != "" {
		t.Errorf("http.coop points at a default: %+v", coop)
	}
	if doc.Score == nil || doc.Incomplete {
		t.Errorf("score %v, incomplete %v", doc.Score, doc.Incomplete)
	}
	// The text report says the same, and neither carries the secret.
	text, errText, code := runCtl(t, proj, env, "audit", "local", "--http-url", site.HTTPURL)
	if code != 1 || !strings.Contains(text, "Satisfied at the edge") || !strings.Contains(text, "Observatory-comparable score") {
		t.Errorf("text report (exit %d):\n%s\n%s", code, text, errText)
	}
	dir := t.TempDir()
	writeTest(t, filepath.Join(dir, "json.out"), out+errOut)
	writeTest(t, filepath.Join(dir, "text.out"), text+errText)
	sarif, errSarif, code := runCtl(t, proj, env, "audit", "local", "--format", "sarif", "--http-url", site.HTTPURL)
	if code != 1 {
		t.Errorf("sarif: exit %d: %s", code, errSarif)
	}
	if err := validateSARIF(t, []byte(sarif)); err != nil {
		t.Errorf("the live SARIF is not valid SARIF 2.1.0: %v", err)
	}
	if !strings.Contains(sarif, `"kind": "pass"`) || !strings.Contains(sarif, `"observatoryScore"`) {
		t.Errorf("the live SARIF lacks the edge result or the score:\n%s", sarif)
	}
	writeTest(t, filepath.Join(dir, "sarif.out"), sarif+errSarif)

	// The admin login answers at /admin/: noted. An environment whose
	// admin: block allows it passes the probe; --admin-allowed=false
	// overrides the file.
	if f := doc.Findings[find("http.admin")]; f.Status != "info" {
		t.Errorf("http.admin without an allow-list: %+v", f)
	}
	writeTest(t, filepath.Join(proj, "ctl.yaml"), "environments:\n  local:\n    settings: mysite.settings_insecure\n    url: "+proxy+"\n    admin:\n      path: /admin/\n      allowed: true\n")
	adminStatus := func(args ...string) string {
		out, errOut, _ := runCtl(t, proj, env, append([]string{"audit", "local", "--json", "--django=false", "--http-url", site.HTTPURL}, args...)...)
		writeTest(t, filepath.Join(dir, "admin"+strings.Join(args, "")+".out"), out+errOut)
		var d liveDoc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%v\n%s%s", err, out, errOut)
		}
		for _, f := range d.Findings {
			if f.ID == "http.admin" {
				return f.Status
			}
		}
		if strings.Contains(fmt.Sprint(d.Passed), "http.admin") {
			return "passed"
		}
		return "absent"
	}
	if st := adminStatus(); st != "passed" {
		t.Errorf("admin.allowed: true: http.admin is %s, want passed", st)
	}
	if st := adminStatus("--admin-allowed=false"); st != "info" {
		t.Errorf("--admin-allowed=false over admin.allowed: true: http.admin is %s, want info", st)
	}
	testenv.AssertSecretNotInFiles(t, secret, []string{dir})
}

// TestLiveAuditArguments: a path keeps working, a mistyped environment
// gets a "did you mean", and an unreachable site is unknown, not a pass.
func TestLiveAuditArguments(t *testing.T) {
	testenv.RequireDjango(t)
	proj := testenv.ExampleProject(t)
	writeTest(t, filepath.Join(proj, "ctl.yaml"), "environments:\n  local: {}\n  staging:\n    target: local\n    url: https://127.0.0.1:1/\n")
	if _, errOut, code := runCtl(t, proj, nil, "audit", "stagin"); code != 2 || !strings.Contains(errOut, `did you mean "staging"`) {
		t.Errorf("mistyped env: exit %d: %s", code, errOut)
	}
	if out, errOut, code := runCtl(t, proj, nil, "audit", "mysite/settings.py"); code != 1 || !strings.Contains(out, "security.W018") {
		t.Errorf("path: exit %d: %s %s", code, out, errOut)
	}
	// A bare module name that is a file under --root is still a module.
	if out, errOut, code := runCtl(t, proj, nil, "audit", "settings", "--root", filepath.Join(proj, "mysite")); code != 1 || !strings.Contains(out, "security.W018") {
		t.Errorf("bare module: exit %d: %s %s", code, out, errOut)
	}
	// A directory named like the environment: the environment wins, with a note.
	if err := os.Mkdir(filepath.Join(proj, "staging"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCtl(t, proj, nil, "audit", "staging", "--django=false", "--json")
	if code != 1 || !strings.Contains(errOut, "both an environment and a path") {
		t.Errorf("ambiguous: exit %d: %s", code, errOut)
	}
	var doc liveDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The site does not answer: the http layer failed, its checks are
	// unknown (none passed), and there is no score.
	if doc.Layers[2].State != "failed" || !doc.Incomplete || doc.Score != nil || len(doc.Passed) != 0 {
		t.Errorf("unreachable site: layer %+v, incomplete %v, score %v, passed %v", doc.Layers[2], doc.Incomplete, doc.Score, doc.Passed)
	}
	unknown := 0
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.ID, "http.") {
			if f.Status != "unknown" {
				t.Errorf("unreachable site: %s is %s", f.ID, f.Status)
			}
			unknown++
		}
	}
	if unknown < 10 {
		t.Errorf("unreachable site: only %d unknown http checks:\n%s", unknown, out)
	}
	if _, errOut, code := runCtl(t, proj, nil, "audit", "mysite/settings.py", "--url", "https://127.0.0.1:1/"); code != 2 || !strings.Contains(errOut, "apply to an environment") {
		t.Errorf("--url with a path: exit %d: %s", code, errOut)
	}
}

func writeTest(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
