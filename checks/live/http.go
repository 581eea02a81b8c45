// Package live is the live audit (`ctl audit ENV`): the HTTP probes of a
// deployed site, the parser of Django's own `check --deploy` output, and
// the reconciliation of those layers with the static audit evaluated with
// the environment's real values, into one report with a score comparable
// to the Mozilla HTTP Observatory's.
package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/internal/textutil"
)

// MaxRequests is the most requests the HTTP layer ever makes.
const MaxRequests = 20

// Status is a check's outcome.
type Status string

const (
	// Fail: the check saw the problem.
	Fail Status = "fail"
	// Pass: the check saw it done right.
	Pass Status = "pass"
	// Edge: a setting-level finding the site satisfies in front of Django
	// (a proxy sets the header): shown, not counted as a failure.
	Edge Status = "edge"
	// Note: worth knowing, never a failure (the admin's URL).
	Note Status = "info"
	// Unknown: the check could not tell (no such cookie was set, the
	// request failed); never a pass.
	Unknown Status = "unknown"
)

// Check is one HTTP probe's outcome.
type Check struct {
	// ID is the probe's ID (http.hsts, http.debug-404, ...).
	ID       string
	Status   Status
	Severity audit.Severity
	Message  string
	// Evidence is what was seen: the header's value, the status code.
	Evidence string
	// Observatory is the Mozilla HTTP Observatory's test result this
	// outcome corresponds to ("" when it has none), and Modifier its
	// score modifier.
	Observatory string
	Modifier    int
	// Test is the Observatory test it belongs to (one modifier per test).
	Test string
}

// ProbeOptions configure the HTTP layer.
type ProbeOptions struct {
	// URL is the site's HTTPS (or HTTP) address.
	URL string
	// HTTPURL is the plain-HTTP address the redirect probe asks (default:
	// URL with scheme http and the default port).
	HTTPURL string
	// Pages are paths fetched for their cookies (default the admin login
	// page, AdminPath + "login/").
	Pages []string
	// AdminPath is where the admin is expected (default /admin/).
	AdminPath string
	// AdminAllowed says the admin at AdminPath is known and accepted (the
	// allow-list): its probe passes instead of noting it.
	AdminAllowed bool
	// SessionCookie and CSRFCookie are the cookies' names (Django's
	// defaults sessionid and csrftoken).
	SessionCookie, CSRFCookie string
	// Interval is the least time between two requests (rate limit;
	// default 50ms).
	Interval time.Duration
	// Timeout bounds each request (default 5s).
	Timeout time.Duration
	// Transport replaces the HTTP transport (tests: a transport trusting
	// the test's certificate). Default: Go's, with system roots
	// (SSL_CERT_FILE honoured).
	Transport http.RoundTripper
}

// HTTPResult is the HTTP layer's outcome.
type HTTPResult struct {
	URL      string
	Checks   []Check
	Requests int
}

// Lookup returns the check with that ID.
func (r *HTTPResult) Lookup(id string) (Check, bool) {
	if r == nil {
		return Check{}, false
	}
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// limiter counts and spaces requests.
type limiter struct {
	next     http.RoundTripper
	interval time.Duration
	mu       sync.Mutex
	last     time.Time
	n        int
}

var errBudget = errors.New("request budget exhausted")

func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, fmt.Errorf("live audit: refusing %s", req.Method)
	}
	l.mu.Lock()
	if l.n >= MaxRequests {
		l.mu.Unlock()
		return nil, errBudget
	}
	l.n++
	if wait := time.Until(l.last.Add(l.interval)); !l.last.IsZero() && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			l.mu.Unlock()
			return nil, req.Context().Err()
		}
	}
	l.last = time.Now()
	l.mu.Unlock()
	return l.next.RoundTrip(req)
}

// fetched is one response, its body read (bounded).
type fetched struct {
	status int
	header http.Header
	body   string
	err    error
	url    string
	// truncated: the body was longer than bodyLimit; body holds its start.
	truncated bool
}

const bodyLimit = 256 << 10

type prober struct {
	o      ProbeOptions
	base   *url.URL
	client *http.Client
	lim    *limiter
	ctx    context.Context
}

func (p *prober) get(raw string, host string, header map[string]string) fetched {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, raw, nil)
	if err != nil {
		return fetched{err: err, url: raw}
	}
	req.Header.Set("User-Agent", "ctl-audit (live; GET only)")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fetched{err: err, url: raw}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, bodyLimit+1))
	truncated := len(b) > bodyLimit
	if truncated {
		b = b[:bodyLimit]
	}
	return fetched{status: resp.StatusCode, header: resp.Header, body: string(b), url: raw, truncated: truncated}
}

func (p *prober) resolve(path string) string {
	u := *p.base
	ref, err := url.Parse(path)
	if err != nil {
		return u.String()
	}
	return u.ResolveReference(ref).String()
}

func randomToken() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Probe runs the HTTP layer: GET only, at most MaxRequests requests,
// spaced by Interval. It fails without a result for a URL it cannot use;
// for a site that does not answer it returns both the result (its checks
// Unknown, never passed) and an error saying so.
func Probe(ctx context.Context, o ProbeOptions) (*HTTPResult, error) {
	base, err := url.Parse(o.URL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("--url %q: expected an http:// or https:// URL", o.URL)
	}
	if base.Path == "" {
		base.Path = "/"
	}
	if o.AdminPath == "" {
		o.AdminPath = "/admin/"
	}
	if !strings.HasSuffix(o.AdminPath, "/") {
		o.AdminPath += "/"
	}
	if len(o.Pages) == 0 {
		o.Pages = []string{o.AdminPath + "login/"}
	}
	if o.SessionCookie == "" {
		o.SessionCookie = "sessionid"
	}
	if o.CSRFCookie == "" {
		o.CSRFCookie = "csrftoken"
	}
	if o.Interval == 0 {
		o.Interval = 50 * time.Millisecond
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	tr := o.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	lim := &limiter{next: tr, interval: o.Interval}
	p := &prober{o: o, base: base, lim: lim, ctx: ctx, client: &http.Client{
		Transport:     lim,
		Timeout:       o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	res := &HTTPResult{URL: base.String()}
	add := func(c Check) { res.Checks = append(res.Checks, c) }

	// 1. The page itself (following up to two same-host redirects), with an
	// Origin to see what CORS answers.
	origin := "https://ctl-audit-" + randomToken() + ".invalid"
	page := p.get(base.String(), "", map[string]string{"Origin": origin})
	for hop := 0; hop < 2 && page.err == nil && page.status >= 300 && page.status < 400; hop++ {
		loc, err := base.Parse(page.header.Get("Location"))
		if err != nil || loc.Host != base.Host {
			break
		}
		page = p.get(loc.String(), "", map[string]string{"Origin": origin})
	}
	secure := base.Scheme == "https"
	if page.err != nil {
		// A site that does not answer: every check unknown, and no more
		// requests (each would wait for its own timeout).
		for _, id := range []string{"http.hsts", "http.frame", "http.nosniff", "http.referrer", "http.coop", "http.csp", "http.server", "http.cors", "http.sri",
			"http.redirect", "http.cookie-session", "http.cookie-csrf", "http.cookies", "http.admin", "http.debug-404", "http.bogus-host"} {
			add(Check{ID: id, Status: Unknown, Severity: audit.Warning, Message: "The site did not answer: " + describeErr(page.err) + "."})
		}
		res.Requests = lim.n
		return res, fmt.Errorf("%s did not answer: %s", base.String(), describeErr(page.err))
	}
	for _, c := range checkHSTS(page.header, secure) {
		add(c)
	}
	add(checkFrame(page.header))
	add(checkNosniff(page.header))
	add(checkReferrer(page.header))
	add(checkCOOP(page.header))
	add(checkCSP(page.header, secure))
	add(checkServer(page.header))
	add(checkCORS(page.header, origin))
	add(checkSRI(page, page.url))

	// 2. Plain HTTP must redirect to HTTPS on the same host (nothing on
	// plain HTTP passes, since the site itself answered).
	add(p.checkRedirect())

	// 3. The pages that set cookies (the admin login page by default).
	var cookies []*http.Cookie
	var admin fetched
	fetchedAny := false
	for _, f := range []fetched{page} {
		if f.err == nil {
			fetchedAny = true
			cookies = append(cookies, (&http.Response{Header: f.header}).Cookies()...)
		}
	}
	for _, path := range p.o.Pages {
		f := p.get(p.resolve(path), "", nil)
		if path == p.o.AdminPath+"login/" {
			admin = f
		}
		if f.err == nil {
			fetchedAny = true
			cookies = append(cookies, (&http.Response{Header: f.header}).Cookies()...)
		}
	}
	hstsOK := false
	if c, ok := res.Lookup("http.hsts"); ok && c.Status == Pass {
		hstsOK = true
	}
	for _, c := range p.checkCookies(cookies, hstsOK, secure, fetchedAny) {
		add(c)
	}
	if admin.url == "" {
		admin = p.get(p.resolve(p.o.AdminPath+"login/"), "", nil)
	}
	add(p.checkAdmin(admin))

	// 4. A random deep path must be a plain 404, not Django's debug page.
	deep := p.get(p.resolve("/ctl-audit-"+randomToken()+"/"+randomToken()+"/"+randomToken()), "", nil)
	add(checkDeep404(deep))

	// 5. A bogus Host must be refused (400): ALLOWED_HOSTS enforced.
	path := base.String()
	if admin.err == nil && admin.status == http.StatusOK {
		path = admin.url
	}
	bogus := p.get(path, "ctl-audit-"+randomToken()+".invalid", nil)
	add(checkBogusHost(bogus))

	res.Requests = lim.n
	return res, nil
}

func describeErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

var maxAgeRE = textutil.Regexp(`(?i)max-age\s*=\s*"?(\d+)"?`)

// SixMonths is the HSTS max-age the Observatory asks for (15768000 s).
const SixMonths = 15768000

func checkHSTS(h http.Header, secure bool) []Check {
	const test = "strict-transport-security"
	if !secure {
		return []Check{{ID: "http.hsts", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "hsts-not-implemented-no-https", Modifier: -20,
			Message: "The site was probed over plain HTTP: HSTS cannot be set (use an https:// URL)."}}
	}
	v := h.Get("Strict-Transport-Security")
	if v == "" {
		return []Check{
			{ID: "http.hsts", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "hsts-not-implemented", Modifier: -20,
				Message: "No Strict-Transport-Security header."},
			{ID: "http.hsts-subdomains", Status: Unknown, Severity: audit.Warning, Message: "No HSTS header, so no includeSubDomains."},
			{ID: "http.hsts-preload", Status: Unknown, Severity: audit.Info, Message: "No HSTS header, so no preload."},
		}
	}
	m := maxAgeRE().FindStringSubmatch(v)
	if m == nil {
		return []Check{{ID: "http.hsts", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "hsts-header-invalid", Modifier: -20, Evidence: v,
			Message: "The Strict-Transport-Security header has no max-age."}}
	}
	age, _ := strconv.Atoi(m[1])
	out := []Check{}
	if age >= SixMonths {
		out = append(out, Check{ID: "http.hsts", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v,
			Observatory: "hsts-implemented-max-age-at-least-six-months", Modifier: 0,
			Message: fmt.Sprintf("HSTS max-age=%d (at least six months).", age)})
	} else {
		out = append(out, Check{ID: "http.hsts", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v,
			Observatory: "hsts-implemented-max-age-less-than-six-months", Modifier: -10,
			Message: fmt.Sprintf("HSTS max-age=%d is under six months (%d).", age, SixMonths)})
	}
	lower := strings.ToLower(v)
	if strings.Contains(lower, "includesubdomains") {
		out = append(out, Check{ID: "http.hsts-subdomains", Status: Pass, Severity: audit.Warning, Evidence: v, Message: "HSTS covers subdomains."})
	} else {
		out = append(out, Check{ID: "http.hsts-subdomains", Status: Fail, Severity: audit.Warning, Evidence: v, Message: "HSTS lacks includeSubDomains: subdomains can be reached over HTTP."})
	}
	if strings.Contains(lower, "preload") {
		out = append(out, Check{ID: "http.hsts-preload", Status: Pass, Severity: audit.Info, Evidence: v, Message: "HSTS has the preload flag."})
	} else {
		out = append(out, Check{ID: "http.hsts-preload", Status: Fail, Severity: audit.Info, Evidence: v, Message: "HSTS lacks the preload flag."})
	}
	return out
}

// cspDirectives parses a CSP header into directive -> sources.
func cspDirectives(v string) map[string][]string {
	out := map[string][]string{}
	for _, part := range strings.Split(v, ";") {
		f := strings.Fields(strings.TrimSpace(part))
		if len(f) == 0 {
			continue
		}
		name := strings.ToLower(f[0])
		if _, dup := out[name]; !dup {
			out[name] = f[1:]
		}
	}
	return out
}

func checkFrame(h http.Header) Check {
	const test = "x-frame-options"
	if fa, ok := cspDirectives(h.Get("Content-Security-Policy"))["frame-ancestors"]; ok {
		return Check{ID: "http.frame", Status: Pass, Severity: audit.Warning, Test: test, Evidence: "frame-ancestors " + strings.Join(fa, " "),
			Observatory: "x-frame-options-implemented-via-csp", Modifier: 5, Message: "Framing is restricted by the CSP's frame-ancestors."}
	}
	v := strings.ToUpper(strings.TrimSpace(h.Get("X-Frame-Options")))
	switch {
	case v == "DENY" || v == "SAMEORIGIN":
		return Check{ID: "http.frame", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v,
			Observatory: "x-frame-options-sameorigin-or-deny", Modifier: 0, Message: "X-Frame-Options: " + v + "."}
	case v == "":
		return Check{ID: "http.frame", Status: Fail, Severity: audit.Warning, Test: test,
			Observatory: "x-frame-options-not-implemented", Modifier: -20, Message: "No X-Frame-Options header nor CSP frame-ancestors: the site can be framed (clickjacking)."}
	case strings.HasPrefix(v, "ALLOW-FROM"):
		return Check{ID: "http.frame", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v,
			Observatory: "x-frame-options-allow-from-origin", Modifier: 0, Message: "X-Frame-Options: " + v + " (obsolete; use frame-ancestors)."}
	}
	return Check{ID: "http.frame", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v,
		Observatory: "x-frame-options-header-invalid", Modifier: -20, Message: "X-Frame-Options has an invalid value."}
}

func checkNosniff(h http.Header) Check {
	const test = "x-content-type-options"
	v := strings.TrimSpace(h.Get("X-Content-Type-Options"))
	switch {
	case strings.EqualFold(v, "nosniff"):
		return Check{ID: "http.nosniff", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "x-content-type-options-nosniff", Message: "X-Content-Type-Options: nosniff."}
	case v == "":
		return Check{ID: "http.nosniff", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "x-content-type-options-not-implemented", Modifier: -5, Message: "No X-Content-Type-Options: nosniff."}
	}
	return Check{ID: "http.nosniff", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "x-content-type-options-header-invalid", Modifier: -5, Message: "X-Content-Type-Options has an invalid value."}
}

func checkReferrer(h http.Header) Check {
	const test = "referrer-policy"
	v := h.Get("Referrer-Policy")
	if v == "" {
		return Check{ID: "http.referrer", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "referrer-policy-not-implemented", Modifier: 0, Message: "No Referrer-Policy header: full URLs may leak to other sites."}
	}
	private := []string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
	unsafe := []string{"origin", "origin-when-cross-origin", "unsafe-url"}
	valid := append(append([]string{"no-referrer-when-downgrade"}, private...), unsafe...)
	// The last valid token wins (the browser's rule).
	last := ""
	for _, t := range strings.Split(v, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		if slices.Contains(valid, t) {
			last = t
		}
	}
	switch {
	case slices.Contains(private, last):
		return Check{ID: "http.referrer", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "referrer-policy-private", Modifier: 5, Message: "Referrer-Policy: " + v + "."}
	case slices.Contains(unsafe, last):
		return Check{ID: "http.referrer", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "referrer-policy-unsafe", Modifier: -5, Message: "Referrer-Policy " + v + " sends the origin or URL cross-site."}
	case last == "":
		return Check{ID: "http.referrer", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "referrer-policy-header-invalid", Modifier: -5, Message: "Referrer-Policy has no valid value."}
	}
	return Check{ID: "http.referrer", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "referrer-policy-no-referrer-when-downgrade", Modifier: 0, Message: "Referrer-Policy: " + v + "."}
}

func checkCOOP(h http.Header) Check {
	v := strings.ToLower(strings.TrimSpace(h.Get("Cross-Origin-Opener-Policy")))
	switch v {
	case "same-origin", "same-origin-allow-popups":
		return Check{ID: "http.coop", Status: Pass, Severity: audit.Info, Evidence: v, Message: "Cross-Origin-Opener-Policy: " + v + "."}
	case "":
		return Check{ID: "http.coop", Status: Fail, Severity: audit.Info, Message: "No Cross-Origin-Opener-Policy header (Django 4.0+ sends same-origin)."}
	}
	return Check{ID: "http.coop", Status: Fail, Severity: audit.Info, Evidence: v, Message: "Cross-Origin-Opener-Policy " + v + " isolates nothing."}
}

func checkCSP(h http.Header, secure bool) Check {
	const test = "content-security-policy"
	v := h.Get("Content-Security-Policy")
	if v == "" {
		if ro := h.Get("Content-Security-Policy-Report-Only"); ro != "" {
			return Check{ID: "http.csp", Status: Fail, Severity: audit.Info, Test: test, Evidence: ro, Observatory: "csp-not-implemented", Modifier: -25,
				Message: "Only a report-only CSP: nothing is enforced."}
		}
		return Check{ID: "http.csp", Status: Fail, Severity: audit.Info, Test: test, Observatory: "csp-not-implemented", Modifier: -25,
			Message: "No Content-Security-Policy header."}
	}
	d := cspDirectives(v)
	script, ok := d["script-src"]
	if !ok {
		script = d["default-src"]
	}
	object, ok := d["object-src"]
	if !ok {
		object = d["default-src"]
	}
	has := func(list []string, bad ...string) bool {
		for _, s := range list {
			if slices.Contains(bad, strings.ToLower(s)) {
				return true
			}
		}
		return false
	}
	switch {
	case len(script) == 0 || len(object) == 0 || has(script, "'unsafe-inline'", "data:", "https:", "http:", "*") || has(object, "https:", "http:", "*", "data:"):
		return Check{ID: "http.csp", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "csp-implemented-with-unsafe-inline", Modifier: -20,
			Message: "The CSP allows inline or broad script sources (or does not restrict script-src/object-src)."}
	case has(script, "'unsafe-eval'"):
		return Check{ID: "http.csp", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "csp-implemented-with-unsafe-eval", Modifier: -10,
			Message: "The CSP allows 'unsafe-eval'."}
	case secure && strings.Contains(strings.ToLower(v), "http:"):
		return Check{ID: "http.csp", Status: Fail, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "csp-implemented-with-insecure-scheme", Modifier: -20,
			Message: "The CSP allows resources over plain HTTP."}
	}
	if ds, ok := d["default-src"]; ok && len(ds) == 1 && strings.EqualFold(ds[0], "'none'") {
		return Check{ID: "http.csp", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "csp-implemented-with-no-unsafe-default-src-none", Modifier: 10,
			Message: "CSP with default-src 'none' and no unsafe sources."}
	}
	return Check{ID: "http.csp", Status: Pass, Severity: audit.Warning, Test: test, Evidence: v, Observatory: "csp-implemented-with-no-unsafe", Modifier: 5,
		Message: "CSP without unsafe sources."}
}

var versionRE = textutil.Regexp(`\d+\.\d+`)

func checkServer(h http.Header) Check {
	var leaks []string
	for _, name := range []string{"Server", "X-Powered-By"} {
		if v := h.Get(name); v != "" && versionRE().MatchString(v) {
			leaks = append(leaks, name+": "+v)
		}
	}
	if len(leaks) > 0 {
		return Check{ID: "http.server", Status: Fail, Severity: audit.Info, Evidence: strings.Join(leaks, "; "),
			Message: "Software versions are disclosed (" + strings.Join(leaks, "; ") + ")."}
	}
	ev := strings.TrimSpace(h.Get("Server") + " " + h.Get("X-Powered-By"))
	return Check{ID: "http.server", Status: Pass, Severity: audit.Info, Evidence: ev, Message: "No software version in Server or X-Powered-By."}
}

func checkCORS(h http.Header, origin string) Check {
	const test = "cross-origin-resource-sharing"
	acao := strings.TrimSpace(h.Get("Access-Control-Allow-Origin"))
	creds := strings.EqualFold(strings.TrimSpace(h.Get("Access-Control-Allow-Credentials")), "true")
	switch {
	case acao == "":
		return Check{ID: "http.cors", Status: Pass, Severity: audit.Error, Test: test, Observatory: "cross-origin-resource-sharing-not-implemented", Message: "No CORS header for a foreign origin."}
	case (acao == "*" || acao == origin) && creds:
		return Check{ID: "http.cors", Status: Fail, Severity: audit.Error, Test: test, Evidence: "Access-Control-Allow-Origin: " + acao + "; Access-Control-Allow-Credentials: true",
			Observatory: "cross-origin-resource-sharing-implemented-with-universal-access", Modifier: -50,
			Message: "CORS lets any origin read responses with the user's credentials."}
	case acao == "*" || acao == origin:
		return Check{ID: "http.cors", Status: Note, Severity: audit.Info, Test: test, Evidence: "Access-Control-Allow-Origin: " + acao,
			Observatory: "cross-origin-resource-sharing-implemented-with-public-access", Message: "CORS makes responses public (no credentials)."}
	}
	return Check{ID: "http.cors", Status: Pass, Severity: audit.Error, Test: test, Evidence: "Access-Control-Allow-Origin: " + acao,
		Observatory: "cross-origin-resource-sharing-implemented-with-restricted-access", Message: "CORS is restricted to " + acao + "."}
}

func (p *prober) checkRedirect() Check {
	const test = "redirection"
	u := *p.base
	if p.o.HTTPURL != "" {
		hu, err := url.Parse(p.o.HTTPURL)
		if err != nil || hu.Scheme != "http" {
			return Check{ID: "http.redirect", Status: Unknown, Severity: audit.Warning, Message: fmt.Sprintf("The plain-HTTP URL %q is not an http:// URL.", p.o.HTTPURL)}
		}
		u = *hu
	} else {
		u.Scheme, u.Host = "http", u.Hostname()
		if strings.Contains(u.Host, ":") {
			u.Host = "[" + u.Host + "]"
		}
	}
	f := p.get(u.String(), "", nil)
	if f.err != nil {
		var op *net.OpError
		if errors.As(f.err, &op) && op.Op == "dial" {
			return Check{ID: "http.redirect", Status: Pass, Severity: audit.Warning, Test: test, Observatory: "redirection-not-needed-no-http",
				Message: "Nothing answers plain HTTP at " + u.Host + ", so no redirect is needed.", Evidence: describeErr(f.err)}
		}
		return Check{ID: "http.redirect", Status: Unknown, Severity: audit.Warning, Message: "Plain HTTP at " + u.Host + " failed: " + describeErr(f.err) + "."}
	}
	if f.status < 300 || f.status >= 400 {
		return Check{ID: "http.redirect", Status: Fail, Severity: audit.Warning, Test: test, Observatory: "redirection-missing", Modifier: -20,
			Evidence: fmt.Sprintf("%s answered %d", u.String(), f.status), Message: "Plain HTTP is served without a redirect to HTTPS."}
	}
	loc, err := u.Parse(f.header.Get("Location"))
	ev := fmt.Sprintf("%d Location: %s", f.status, f.header.Get("Location"))
	switch {
	case err != nil || loc.Scheme != "https":
		return Check{ID: "http.redirect", Status: Fail, Severity: audit.Warning, Test: test, Evidence: ev, Observatory: "redirection-not-to-https-on-initial-redirection", Modifier: -10,
			Message: "Plain HTTP's first redirect is not to HTTPS."}
	case loc.Hostname() != u.Hostname():
		return Check{ID: "http.redirect", Status: Fail, Severity: audit.Warning, Test: test, Evidence: ev, Observatory: "redirection-off-host-from-http", Modifier: -5,
			Message: "Plain HTTP redirects to HTTPS on another host, so HSTS is never set for this one."}
	case f.status != http.StatusMovedPermanently && f.status != http.StatusPermanentRedirect:
		return Check{ID: "http.redirect", Status: Fail, Severity: audit.Info, Test: test, Evidence: ev, Observatory: "redirection-to-https", Modifier: 0,
			Message: fmt.Sprintf("Plain HTTP redirects to HTTPS with a temporary %d (use 301 or 308).", f.status)}
	}
	return Check{ID: "http.redirect", Status: Pass, Severity: audit.Warning, Test: test, Evidence: ev, Observatory: "redirection-to-https", Modifier: 0,
		Message: "Plain HTTP redirects permanently to HTTPS on the same host."}
}

func (p *prober) checkCookies(cookies []*http.Cookie, hsts, secure, fetched bool) []Check {
	const test = "cookies"
	byName := map[string]*http.Cookie{}
	for _, c := range cookies {
		byName[c.Name] = c
	}
	var out []Check
	for _, which := range []struct{ id, name, what string }{
		{"http.cookie-session", p.o.SessionCookie, "session"},
		{"http.cookie-csrf", p.o.CSRFCookie, "CSRF"},
	} {
		c, ok := byName[which.name]
		if !ok {
			out = append(out, Check{ID: which.id, Status: Unknown, Severity: audit.Warning,
				Message: fmt.Sprintf("No page fetched set the %s cookie %s (pages: %s).", which.what, which.name, strings.Join(p.o.Pages, ", "))})
			continue
		}
		var bad []string
		ev := []string{}
		if c.Secure {
			ev = append(ev, "Secure")
		} else {
			bad = append(bad, "not Secure")
		}
		if c.HttpOnly {
			ev = append(ev, "HttpOnly")
		} else if which.what == "session" {
			bad = append(bad, "not HttpOnly")
		}
		switch c.SameSite {
		case http.SameSiteLaxMode:
			ev = append(ev, "SameSite=Lax")
		case http.SameSiteStrictMode:
			ev = append(ev, "SameSite=Strict")
		case http.SameSiteNoneMode:
			ev = append(ev, "SameSite=None")
			if !c.Secure {
				bad = append(bad, "SameSite=None without Secure")
			}
		default:
			bad = append(bad, "no SameSite")
		}
		chk := Check{ID: which.id, Severity: audit.Warning, Evidence: which.name + ": " + strings.Join(append(ev, bad...), "; ")}
		if len(bad) == 0 {
			chk.Status, chk.Message = Pass, fmt.Sprintf("The %s cookie %s is %s.", which.what, which.name, strings.Join(ev, ", "))
		} else {
			chk.Status, chk.Message = Fail, fmt.Sprintf("The %s cookie %s is %s.", which.what, which.name, strings.Join(bad, ", "))
		}
		out = append(out, chk)
	}
	if !fetched {
		return append(out, Check{ID: "http.cookies", Status: Unknown, Severity: audit.Info, Message: "No page answered: the cookies are unknown."})
	}
	out = append(out, observatoryCookies(cookies, p.o.SessionCookie, p.o.CSRFCookie, hsts, secure, test))
	return out
}

// observatoryCookies scores every cookie seen as the Observatory does
// (the worst outcome wins).
func observatoryCookies(cookies []*http.Cookie, session, csrf string, hsts, secure bool, test string) Check {
	c := Check{ID: "http.cookies", Status: Pass, Severity: audit.Info, Test: test}
	if len(cookies) == 0 {
		c.Observatory, c.Message = "cookies-not-found", "No cookies were set."
		return c
	}
	worst, name := 5, "cookies-secure-with-httponly-sessions-and-samesite"
	set := func(mod int, n string) {
		if mod < worst {
			worst, name = mod, n
		}
	}
	for _, k := range cookies {
		isSession := k.Name == session || strings.Contains(strings.ToLower(k.Name), "session")
		if k.SameSite == 0 || k.SameSite == http.SameSiteDefaultMode {
			set(0, "cookies-secure-with-httponly-sessions")
			if k.Name == csrf {
				set(-20, "cookies-anticsrf-without-samesite-flag")
			}
		}
		if k.SameSite == http.SameSiteNoneMode {
			set(-20, "cookies-samesite-flag-invalid")
		}
		if isSession && !k.HttpOnly {
			set(-30, "cookies-session-without-httponly-flag")
		}
		if !k.Secure || !secure {
			switch {
			case isSession && hsts:
				set(-10, "cookies-session-without-secure-flag-but-protected-by-hsts")
			case isSession:
				set(-40, "cookies-session-without-secure-flag")
			case hsts:
				set(-5, "cookies-without-secure-flag-but-protected-by-hsts")
			default:
				set(-20, "cookies-without-secure-flag")
			}
		}
	}
	c.Observatory, c.Modifier = name, worst
	if worst < 0 {
		c.Status = Fail
	}
	names := []string{}
	for _, k := range cookies {
		names = append(names, k.Name)
	}
	c.Evidence = strings.Join(names, ", ")
	c.Message = "Cookies as the Observatory scores them: " + name + "."
	return c
}

func (p *prober) checkAdmin(f fetched) Check {
	at := p.o.AdminPath
	if f.err != nil {
		return Check{ID: "http.admin", Status: Unknown, Severity: audit.Info, Message: "The admin login page could not be fetched: " + describeErr(f.err) + "."}
	}
	isAdmin := f.status == http.StatusOK && (strings.Contains(f.body, "Django administration") || strings.Contains(f.body, `id="login-form"`))
	switch {
	case isAdmin && p.o.AdminAllowed:
		return Check{ID: "http.admin", Status: Pass, Severity: audit.Info, Evidence: fmt.Sprintf("%d at %slogin/", f.status, at), Message: "The admin login is at " + at + " (allowed)."}
	case isAdmin:
		return Check{ID: "http.admin", Status: Note, Severity: audit.Info, Evidence: fmt.Sprintf("%d at %slogin/", f.status, at),
			Message: "The Django admin login answers at " + at + "login/ (the first URL bots try)."}
	}
	return Check{ID: "http.admin", Status: Pass, Severity: audit.Info, Evidence: fmt.Sprintf("%d at %slogin/", f.status, at), Message: "No Django admin login at " + at + "login/."}
}

// DebugPage tells whether a body is Django's technical (DEBUG) page.
func DebugPage(body string) bool {
	return strings.Contains(body, "You're seeing this error because you have <code>DEBUG = True</code>") ||
		strings.Contains(body, "Using the URLconf defined in") ||
		strings.Contains(body, `<div id="traceback">`)
}

func checkDeep404(f fetched) Check {
	if f.err != nil {
		return Check{ID: "http.debug-404", Status: Unknown, Severity: audit.Error, Message: "The random deep path could not be fetched: " + describeErr(f.err) + "."}
	}
	ev := fmt.Sprintf("%d for a random path", f.status)
	switch {
	case DebugPage(f.body):
		return Check{ID: "http.debug-404", Status: Fail, Severity: audit.Error, Evidence: ev + ", Django's debug page",
			Message: "A random path shows Django's debug page: DEBUG is on (URL patterns, settings and tracebacks leak)."}
	case f.status == http.StatusNotFound:
		return Check{ID: "http.debug-404", Status: Pass, Severity: audit.Error, Evidence: ev, Message: "A random path is a plain 404."}
	case f.status >= 200 && f.status < 300:
		return Check{ID: "http.debug-404", Status: Fail, Severity: audit.Warning, Evidence: ev, Message: "A random path answers 2xx (a catch-all route?): a missing page is not a 404."}
	}
	return Check{ID: "http.debug-404", Status: Unknown, Severity: audit.Warning, Evidence: ev, Message: fmt.Sprintf("A random path answers %d, not 404.", f.status)}
}

func checkBogusHost(f fetched) Check {
	if f.err != nil {
		return Check{ID: "http.bogus-host", Status: Unknown, Severity: audit.Warning, Message: "The request with a bogus Host failed: " + describeErr(f.err) + "."}
	}
	ev := fmt.Sprintf("%d for a bogus Host", f.status)
	switch {
	case f.status == http.StatusBadRequest || f.status == http.StatusMisdirectedRequest:
		return Check{ID: "http.bogus-host", Status: Pass, Severity: audit.Warning, Evidence: ev, Message: "A bogus Host is refused: ALLOWED_HOSTS is enforced."}
	case f.status < 400:
		return Check{ID: "http.bogus-host", Status: Fail, Severity: audit.Warning, Evidence: ev,
			Message: "A bogus Host is served: any Host header is accepted (ALLOWED_HOSTS '*' or a catch-all proxy)."}
	}
	return Check{ID: "http.bogus-host", Status: Unknown, Severity: audit.Warning, Evidence: ev, Message: fmt.Sprintf("A bogus Host gets %d, not 400: cannot tell whether ALLOWED_HOSTS is enforced.", f.status)}
}
