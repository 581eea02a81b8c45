package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctlops/ctl/checks/live"
	"github.com/ctlops/ctl/checks/live/livetest"
)

// TestProbeRealDjango probes the example project served by Debian's
// gunicorn over TLS, hardened and insecure, and asserts every probe on
// both; then the insecure one behind a proxy adding HSTS.
func TestProbeRealDjango(t *testing.T) {
	cert := livetest.NewCert(t)
	want := map[string]map[string]live.Status{
		"hardened": {"http.hsts": live.Pass, "http.hsts-subdomains": live.Pass, "http.hsts-preload": live.Pass, "http.frame": live.Pass,
			"http.nosniff": live.Pass, "http.referrer": live.Pass, "http.coop": live.Pass, "http.csp": live.Pass, "http.server": live.Pass,
			"http.cors": live.Pass, "http.sri": live.Pass, "http.redirect": live.Pass, "http.cookie-session": live.Pass, "http.cookie-csrf": live.Pass,
			"http.cookies": live.Pass, "http.admin": live.Note, "http.debug-404": live.Pass, "http.bogus-host": live.Pass},
		"insecure": {"http.hsts": live.Fail, "http.hsts-subdomains": live.Unknown, "http.hsts-preload": live.Unknown, "http.frame": live.Fail,
			"http.nosniff": live.Fail, "http.referrer": live.Fail, "http.coop": live.Fail, "http.csp": live.Fail, "http.server": live.Fail,
			"http.cors": live.Fail, "http.sri": live.Pass, "http.redirect": live.Fail, "http.cookie-session": live.Fail, "http.cookie-csrf": live.Fail,
			"http.cookies": live.Fail, "http.admin": live.Note, "http.debug-404": live.Fail, "http.bogus-host": live.Fail},
	}
	for _, config := range []string{"hardened", "insecure"} {
		t.Run(config, func(t *testing.T) {
			site := livetest.Serve(t, livetest.Project(t), config, cert)
			res, err := live.Probe(context.Background(), live.ProbeOptions{URL: site.URL, HTTPURL: site.HTTPURL, Pages: livetest.Pages,
				Interval: time.Millisecond, Transport: cert.Transport()})
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests > live.MaxRequests {
				t.Errorf("%d requests, budget %d", res.Requests, live.MaxRequests)
			}
			for id, st := range want[config] {
				c, ok := res.Lookup(id)
				if !ok {
					t.Errorf("no check %s", id)
					continue
				}
				if c.Status != st {
					t.Errorf("%s = %s (%s; seen %q), want %s", id, c.Status, c.Message, c.Evidence, st)
				}
			}
			if len(res.Checks) != len(want[config]) {
				t.Errorf("%d checks, want %d: %+v", len(res.Checks), len(want[config]), res.Checks)
			}
			score := live.ObservatoryScore(res)
			t.Logf("%s: %d requests, score %d (%s)", config, res.Requests, score.Score, score.Grade)
			if config == "hardened" && score.Score < 100 || config == "insecure" && score.Grade != "F" {
				t.Errorf("score %+v", score)
			}
			if config != "insecure" {
				return
			}
			proxy := site.WithHSTSProxy(t)
			res, err = live.Probe(context.Background(), live.ProbeOptions{URL: proxy, HTTPURL: site.HTTPURL, Pages: livetest.Pages,
				Interval: time.Millisecond, Transport: cert.Transport()})
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := res.Lookup("http.hsts"); c.Status != live.Pass {
				t.Errorf("behind the HSTS proxy: %+v", c)
			}
			// HSTS now protects the insecure cookies: the Observatory's
			// lighter penalty for the session cookie.
			if c, _ := res.Lookup("http.cookies"); c.Observatory != "cookies-session-without-httponly-flag" {
				t.Errorf("cookies behind the HSTS proxy: %+v", c)
			}
		})
	}
}
