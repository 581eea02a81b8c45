package live

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/checks/audit"
)

// site is an httptest double of a Django site: hardened or not.
func site(hardened bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if hardened {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; object-src 'none'")
			h.Set("Server", "nginx")
			if !strings.HasPrefix(r.Host, "127.0.0.1") {
				http.Error(w, "Bad Request (400)", http.StatusBadRequest)
				return
			}
		} else {
			h.Set("Server", "nginx/1.22.1")
			h.Set("X-Powered-By", "PHP/8.1")
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'")
			h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		switch r.URL.Path {
		case "/":
			h.Set("Content-Type", "text/html; charset=utf-8")
			if hardened {
				_, _ = w.Write([]byte(`<script src="/static/app.js"></script><script src="https://cdn.example.com/x.js" integrity="sha384-abc" crossorigin="anonymous"></script>home`))
			} else {
				_, _ = w.Write([]byte(`<script src="http://cdn.example.com/x.js"></script>home`))
			}
		case "/admin/login/":
			http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "x", Secure: hardened, SameSite: http.SameSiteLaxMode})
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "y", Secure: hardened, HttpOnly: hardened, SameSite: http.SameSiteLaxMode})
			_, _ = w.Write([]byte(`<title>Log in | Django site admin</title><div id="login-form">`))
		default:
			w.WriteHeader(http.StatusNotFound)
			if !hardened {
				_, _ = w.Write([]byte("<p>You're seeing this error because you have <code>DEBUG = True</code> in your settings</p>"))
			}
		}
	})
}

func probe(t *testing.T, hardened bool) *HTTPResult {
	t.Helper()
	srv := httptest.NewTLSServer(site(hardened))
	t.Cleanup(srv.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hardened {
			http.Redirect(w, r, srv.URL+r.URL.Path, http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write([]byte("plain"))
	}))
	t.Cleanup(plain.Close)
	res, err := Probe(context.Background(), ProbeOptions{URL: srv.URL + "/", HTTPURL: plain.URL + "/", Interval: time.Millisecond, Transport: srv.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestProbeHardenedAndInsecure(t *testing.T) {
	want := map[bool]map[string]Status{
		true: {"http.hsts": Pass, "http.hsts-subdomains": Pass, "http.hsts-preload": Pass, "http.frame": Pass, "http.nosniff": Pass,
			"http.referrer": Pass, "http.coop": Pass, "http.csp": Pass, "http.server": Pass, "http.cors": Pass, "http.sri": Pass, "http.redirect": Pass,
			"http.cookie-session": Pass, "http.cookie-csrf": Pass, "http.cookies": Pass, "http.admin": Note, "http.debug-404": Pass, "http.bogus-host": Pass},
		false: {"http.hsts": Fail, "http.hsts-subdomains": Unknown, "http.hsts-preload": Unknown, "http.frame": Fail, "http.nosniff": Fail,
			"http.referrer": Fail, "http.coop": Fail, "http.csp": Fail, "http.server": Fail, "http.cors": Fail, "http.sri": Fail, "http.redirect": Fail,
			"http.cookie-session": Fail, "http.cookie-csrf": Fail, "http.cookies": Fail, "http.admin": Note, "http.debug-404": Fail, "http.bogus-host": Fail},
	}
	for _, hardened := range []bool{true, false} {
		res := probe(t, hardened)
		if res.Requests > MaxRequests || res.Requests == 0 {
			t.Errorf("hardened=%v: %d requests", hardened, res.Requests)
		}
		for id, st := range want[hardened] {
			c, ok := res.Lookup(id)
			if !ok {
				t.Errorf("hardened=%v: no check %s", hardened, id)
				continue
			}
			if c.Status != st {
				t.Errorf("hardened=%v: %s = %s (%s), want %s", hardened, id, c.Status, c.Message, st)
			}
		}
		if len(res.Checks) != len(want[hardened]) {
			t.Errorf("hardened=%v: %d checks, want %d", hardened, len(res.Checks), len(want[hardened]))
		}
		s := ObservatoryScore(res)
		if hardened && (s.Score != 125 || s.Grade != "A+") {
			// 100, no penalty, then the bonuses: CSP default-src none +10, referrer +5, cookies +5, SRI +5 (XFO 0: no frame-ancestors).
			t.Errorf("hardened score %+v", s)
		}
		if !hardened && s.Grade != "F" {
			t.Errorf("insecure score %+v", s)
		}
	}
}

func TestProbeNoHTTPListenerAndDeadSite(t *testing.T) {
	srv := httptest.NewTLSServer(site(true))
	url := srv.URL
	tr := srv.Client().Transport
	// Nothing on plain HTTP while the site answers: no redirect needed.
	res, err := Probe(context.Background(), ProbeOptions{URL: url, HTTPURL: "http://127.0.0.1:1/", Interval: time.Millisecond, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := res.Lookup("http.redirect"); c.Status != Pass || c.Observatory != "redirection-not-needed-no-http" {
		t.Errorf("redirect with nothing on HTTP: %+v", c)
	}
	srv.Close()
	// A dead site: an error, and every check unknown, none passed.
	res, err = Probe(context.Background(), ProbeOptions{URL: url, HTTPURL: "http://127.0.0.1:1/", Interval: time.Millisecond, Transport: tr})
	if err == nil || res == nil {
		t.Fatalf("a dead site: err %v, result %v", err, res)
	}
	for _, c := range res.Checks {
		if c.Status != Unknown {
			t.Errorf("a dead site: %s is %s (%s)", c.ID, c.Status, c.Message)
		}
	}
	if rep := Reconcile(Inputs{HTTP: res, HTTPErr: err}); rep.Layers[2].State != "failed" || rep.Score != nil || !rep.Incomplete() {
		t.Errorf("a dead site's layer: %+v, score %v", rep.Layers[2], rep.Score)
	}
}

func TestProbeRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "127.0.0.1:8000", "https://"} {
		if _, err := Probe(context.Background(), ProbeOptions{URL: u}); err == nil {
			t.Errorf("%q: no error", u)
		}
	}
}

func TestParseCheck(t *testing.T) {
	out := `System check identified some issues:

WARNINGS:
?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.
?: (security.W018) You should not have DEBUG set to True in deployment.
	HINT: Turn it off.
inventory.Item: (models.E001) bad model

System check identified 3 issues (0 silenced).
`
	msgs, none, ok := ParseCheck(out)
	if !ok || none || len(msgs) != 3 {
		t.Fatalf("ok=%v none=%v %+v", ok, none, msgs)
	}
	if msgs[1].ID != "security.W018" || msgs[1].Hint != "Turn it off." || msgs[1].Severity != audit.Warning {
		t.Errorf("%+v", msgs[1])
	}
	if msgs[2].Severity != audit.Error || msgs[2].Object != "inventory.Item" {
		t.Errorf("%+v", msgs[2])
	}
	if _, none, ok := ParseCheck("System check identified no issues (0 silenced).\n"); !ok || !none {
		t.Error("no issues not recognised")
	}
	if _, _, ok := ParseCheck("Traceback (most recent call last):\nImportError: x\n"); ok {
		t.Error("a traceback parsed as a report")
	}
}

func TestReconcileEdgeAndExplained(t *testing.T) {
	httpRes := &HTTPResult{URL: "https://x/", Checks: []Check{
		{ID: "http.hsts", Status: Pass, Evidence: "max-age=31536000", Message: "HSTS ok.", Test: "strict-transport-security", Observatory: "hsts-implemented-max-age-at-least-six-months"},
		{ID: "http.debug-404", Status: Fail, Severity: audit.Error, Message: "debug page"},
		{ID: "http.nosniff", Status: Fail, Severity: audit.Warning, Message: "no nosniff"},
	}}
	dj := &DjangoResult{Messages: []DjangoMessage{{ID: "security.W004", Severity: audit.Warning, Message: "no HSTS"}, {ID: "security.W018", Severity: audit.Warning, Message: "DEBUG"}}}
	rep := Reconcile(Inputs{Django: dj, HTTP: httpRes, StaticErr: errString("no settings")})
	get := func(id string) Finding {
		for _, f := range rep.Findings {
			if f.ID == id {
				return f
			}
		}
		t.Fatalf("no finding %s in %+v", id, rep.Findings)
		return Finding{}
	}
	if f := get("security.W004"); f.Status != Edge || strings.Join(f.Layers, ",") != "django,http" || f.Counts(audit.Info) {
		t.Errorf("W004: %+v", f)
	}
	if f := get("security.W018"); f.Status != Fail || strings.Join(f.Layers, ",") != "django,http" || !f.Counts(audit.Warning) {
		t.Errorf("W018: %+v", f)
	}
	if f := get("http.nosniff"); f.Status != Fail || strings.Join(f.Layers, ",") != "http" {
		t.Errorf("nosniff: %+v", f)
	}
	if !rep.Incomplete() || rep.Layers[0].State != "failed" {
		t.Errorf("a failed static layer is not reported: %+v", rep.Layers)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestGrade(t *testing.T) {
	for s, g := range map[int]string{135: "A+", 100: "A+", 99: "A", 85: "A-", 64: "C+", 24: "F", 0: "F"} {
		if Grade(s) != g {
			t.Errorf("Grade(%d) = %s, want %s", s, Grade(s), g)
		}
	}
}

// TestLimiter: at most MaxRequests requests, GET and HEAD only.
func TestLimiter(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n++ }))
	defer srv.Close()
	lim := &limiter{next: http.DefaultTransport, interval: 0}
	c := &http.Client{Transport: lim}
	for i := 0; i < MaxRequests+5; i++ {
		resp, err := c.Get(srv.URL)
		if i < MaxRequests && err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if i >= MaxRequests && err == nil {
			t.Fatalf("request %d went through", i)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	if n != MaxRequests {
		t.Errorf("the server saw %d requests", n)
	}
	lim = &limiter{next: http.DefaultTransport}
	if _, err := (&http.Client{Transport: lim}).Post(srv.URL, "text/plain", strings.NewReader("x")); err == nil || n != MaxRequests {
		t.Errorf("a POST went through (%v)", err)
	}
}

// TestReconcileFramePartial: SAMEORIGIN at the edge meets W002 (a header
// is sent) but not W019 (Django asks for DENY).
func TestReconcileFramePartial(t *testing.T) {
	httpRes := &HTTPResult{URL: "https://x/", Checks: []Check{{ID: "http.frame", Status: Pass, Evidence: "SAMEORIGIN", Message: "X-Frame-Options: SAMEORIGIN."}}}
	dj := &DjangoResult{Messages: []DjangoMessage{{ID: "security.W002", Severity: audit.Warning}, {ID: "security.W019", Severity: audit.Warning}}}
	rep := Reconcile(Inputs{Django: dj, HTTP: httpRes})
	st := map[string]Status{}
	for _, f := range rep.Findings {
		st[f.ID] = f.Status
	}
	if st["security.W002"] != Edge || st["security.W019"] != Fail {
		t.Errorf("%v", st)
	}
}

// TestReconcileDisagreement: when the static audit and Django's own check
// disagree, each finding says so.
func TestReconcileDisagreement(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"manage.py": "", "app/__init__.py": "",
		"app/settings.py": "DEBUG = True\nSECRET_KEY = 'x' * 3 + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\nALLOWED_HOSTS = ['a']\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	static, err := audit.Run(context.Background(), audit.Options{Target: filepath.Join(dir, "app", "settings.py"), Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	dj := &DjangoResult{Messages: []DjangoMessage{{ID: "security.W009", Severity: audit.Warning, Message: "weak key."}}}
	rep := Reconcile(Inputs{Static: static, Django: dj})
	msg := map[string]Finding{}
	for _, f := range rep.Findings {
		msg[f.ID] = f
	}
	if f := msg["security.W018"]; !strings.Contains(f.Message, "Django's own check did not report it") || strings.Join(f.Layers, ",") != "static" {
		t.Errorf("W018: %+v", f)
	}
	if f := msg["security.W009"]; !strings.Contains(f.Message, "The static audit did not find it") || strings.Join(f.Layers, ",") != "django" || f.Setting != "SECRET_KEY" || f.Line != 2 {
		t.Errorf("W009: %+v", f)
	}
}
