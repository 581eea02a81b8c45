// Package livetest serves the example Django project with Debian's
// gunicorn over TLS on 127.0.0.1, for the live audit's tests: a
// throw-away certificate made here, two configurations (hardened, and
// DEBUG on with no HSTS, insecure cookies and any host), a plain-HTTP
// front that forwards with X-Forwarded-Proto: http (so the redirect probe
// meets Django's own SECURE_SSL_REDIRECT), and a TLS reverse proxy that
// adds HSTS (for reconciliation). Nothing listens beyond loopback.
package livetest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/testenv"
)

// Gunicorn is Debian's gunicorn, run as a module of Debian's python.
const Gunicorn = "/usr/lib/python3/dist-packages/gunicorn"

// Cert is a throw-away certificate for 127.0.0.1 and localhost.
type Cert struct {
	CertFile, KeyFile string
	Pool              *x509.CertPool
	TLS               tls.Certificate
}

// NewCert makes a self-signed certificate valid for an hour.
func NewCert(t testing.TB) *Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "ctl live audit test"},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := &Cert{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"), Pool: x509.NewCertPool()}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	if err := os.WriteFile(c.CertFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.KeyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	c.Pool.AppendCertsFromPEM(certPEM)
	if c.TLS, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	return c
}

// Transport trusts the certificate.
func (c *Cert) Transport() *http.Transport {
	return &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.Pool, MinVersion: tls.VersionTLS12}}
}

// settingsFiles are the test settings modules and the URL module with a
// page that starts a session (signed-cookie sessions: no database).
var settingsFiles = map[string]string{
	"mysite/live_common.py": `from django.http import HttpResponse
from django.urls import path

from mysite.urls import urlpatterns as _base


def visit(request):
    request.session["visited"] = True
    return HttpResponse("visited")


urlpatterns = _base + [path("visit/", visit)]


class Hardened:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; object-src 'none'; style-src 'self'; frame-ancestors 'none'"
        response["Cross-Origin-Opener-Policy"] = "same-origin"
        return response


class Insecure:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
        response["X-Powered-By"] = "Django/3.2"
        if "HTTP_ORIGIN" in request.META:
            response["Access-Control-Allow-Origin"] = request.META["HTTP_ORIGIN"]
            response["Access-Control-Allow-Credentials"] = "true"
        return response
`,
	"mysite/settings_hardened.py": `from .settings import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "mysite.live_common"
MIDDLEWARE = MIDDLEWARE + ["mysite.live_common.Hardened"]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
`,
	"mysite/settings_insecure.py": `from .settings import *  # noqa: F401,F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "mysite.live_common"
MIDDLEWARE = [m for m in MIDDLEWARE if m != "django.middleware.clickjacking.XFrameOptionsMiddleware"] + ["mysite.live_common.Insecure"]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "None"
CSRF_COOKIE_SAMESITE = None
SECURE_CONTENT_TYPE_NOSNIFF = False
SECURE_REFERRER_POLICY = "unsafe-url"
`,
}

// Pages are the paths that set the session and CSRF cookies.
var Pages = []string{"/admin/login/", "/visit/"}

// Project copies the example project and adds the test settings modules.
func Project(t testing.TB) string {
	t.Helper()
	dir := testenv.ExampleProject(t)
	for name, body := range settingsFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Site is a running gunicorn with its fronts.
type Site struct {
	// URL is gunicorn's TLS address; HTTPURL the plain-HTTP front.
	URL, HTTPURL string
	// ProxyURL is the TLS reverse proxy adding HSTS (when asked).
	ProxyURL string
	Cert     *Cert
	Project  string
}

var listening = regexp.MustCompile(`Listening at: https://(127\.0\.0\.1:\d+)`)

// Serve runs gunicorn for the project with DJANGO_SETTINGS_MODULE set to
// mysite.settings_<config> (hardened or insecure), plus env.
func Serve(t testing.TB, project, config string, cert *Cert, env ...string) *Site {
	t.Helper()
	if _, err := os.Stat(Gunicorn); err != nil {
		testenv.Missing(t, "Debian's python3-gunicorn is not installed (scripts/test-deps.sh)")
	}
	cmd := exec.Command(testenv.SystemPython, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
		"--certfile", cert.CertFile, "--keyfile", cert.KeyFile, "--chdir", project, "--access-logfile", "-",
		"mysite.wsgi:application")
	cmd.Env = append(testenv.CleanEnv("DJANGO_SETTINGS_MODULE=mysite.settings_"+config, "PYTHONDONTWRITEBYTECODE=1"), env...)
	cmd.Dir = project
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	addr := make(chan string, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if !sent {
				log.WriteString(sc.Text() + "\n")
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		if !sent {
			close(addr)
		}
	}()
	var hostport string
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("gunicorn exited:\n%s", log.String())
		}
		hostport = a
	case <-time.After(60 * time.Second):
		t.Fatal("gunicorn did not start listening in 60s")
	}
	s := &Site{URL: "https://" + hostport + "/", Cert: cert, Project: project}
	// Wait until the worker answers (the master listens before it boots).
	client := &http.Client{Transport: cert.Transport(), Timeout: 10 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(s.URL + "admin/login/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gunicorn at %s never answered: %v", s.URL, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.HTTPURL = plainFront(t, s.URL, cert)
	return s
}

func serve(t testing.TB, h http.Handler, cert *Cert) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if cert != nil {
		scheme = "https"
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert.TLS}, MinVersion: tls.VersionTLS12}
		go func() { _ = srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { _ = srv.Serve(ln) }()
	}
	t.Cleanup(func() { _ = srv.Close() })
	return scheme + "://" + ln.Addr().String() + "/"
}

func proxyTo(target string, cert *Cert, change func(*http.Request), resp func(*http.Response) error) *httputil.ReverseProxy {
	u, _ := url.Parse(target)
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
			if change != nil {
				change(r.Out)
			}
		},
		Transport:      cert.Transport(),
		ModifyResponse: resp,
	}
}

// plainFront serves plain HTTP on loopback and forwards to gunicorn with
// X-Forwarded-Proto: http, as a TLS-terminating proxy's port 80 would.
func plainFront(t testing.TB, target string, cert *Cert) string {
	return serve(t, proxyTo(target, cert, func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "http") }, nil), nil)
}

// WithHSTSProxy puts a TLS reverse proxy in front of the site that adds
// Strict-Transport-Security (a year, includeSubDomains, preload), as an
// ingress would, and sets ProxyURL.
func (s *Site) WithHSTSProxy(t testing.TB) string {
	t.Helper()
	s.ProxyURL = serve(t, proxyTo(s.URL, s.Cert, nil, func(r *http.Response) error {
		r.Header.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
		return nil
	}), s.Cert)
	return s.ProxyURL
}
