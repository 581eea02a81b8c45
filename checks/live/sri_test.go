package live

import (
	"net/http"
	"testing"
)

// The outcomes of the Observatory's subresource_integrity for the page's
// scripts, worst kept.
func TestCheckSRI(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	for _, tt := range []struct {
		name, url, body string
		header          http.Header
		want            string
		status          Status
		mod             int
	}{
		{"not html", "https://example.com/", `{"a": 1}`, http.Header{"Content-Type": {"application/json"}}, "sri-not-implemented-response-not-html", Pass, 0},
		{"no scripts", "https://example.com/", `<p>hi</p>`, html, "sri-not-implemented-but-no-scripts-loaded", Pass, 0},
		{"inline and relative", "https://example.com/", `<script>var a = 1</script><SCRIPT src=/static/a.js></SCRIPT>`, html,
			"sri-not-implemented-but-all-scripts-loaded-from-secure-origin", Pass, 0},
		{"same registrable domain", "https://www.example.co.uk/", `<script src="https://static.example.co.uk/a.js"></script>`, html,
			"sri-not-implemented-but-all-scripts-loaded-from-secure-origin", Pass, 0},
		{"same origin with integrity", "https://example.com/", `<script src="/a.js" integrity="sha384-x"></script>`, html,
			"sri-implemented-and-all-scripts-loaded-securely", Pass, 5},
		{"external with integrity", "https://example.com/", `<script src='https://cdn.other.net/a.js' integrity='sha384-x' crossorigin></script>`, html,
			"sri-implemented-and-external-scripts-loaded-securely", Pass, 5},
		{"external without integrity", "https://example.com/", `<script src="https://cdn.other.net/a.js"></script>`, html,
			"sri-not-implemented-but-external-scripts-loaded-securely", Fail, -5},
		{"empty integrity is none", "https://example.com/", `<script src="https://cdn.other.net/a.js" integrity=""></script>`, html,
			"sri-not-implemented-but-external-scripts-loaded-securely", Fail, -5},
		{"protocol-relative, same site", "https://example.com/", `<script src="//example.com/a.js"></script>`, html,
			"sri-not-implemented-and-external-scripts-not-loaded-securely", Fail, -50},
		{"http with integrity", "https://example.com/", `<script src="http://cdn.other.net/a.js" integrity="sha384-x"></script>`, html,
			"sri-implemented-but-external-scripts-not-loaded-securely", Fail, -20},
		{"worst kept", "https://example.com/", `<script src="http://cdn.other.net/a.js"></script><script src="https://cdn.other.net/b.js" integrity="sha384-x"></script>`, html,
			"sri-not-implemented-and-external-scripts-not-loaded-securely", Fail, -50},
		{"commented out and inside a script", "https://example.com/", `<!-- <script src="http://evil.net/a.js"></script> --><script>document.write('<script src="http://evil.net/b.js"></scr' + 'ipt>')</script>`, html,
			"sri-not-implemented-but-all-scripts-loaded-from-secure-origin", Pass, 0},
		{"not a script tag", "https://example.com/", `<scripts src="http://evil.net/a.js"></scripts>`, html,
			"sri-not-implemented-but-no-scripts-loaded", Pass, 0},
		{"IP address site", "https://127.0.0.1:8443/", `<script src="https://127.0.0.1:8443/a.js"></script><script src="https://127.0.0.2/b.js"></script>`, html,
			"sri-not-implemented-but-external-scripts-loaded-securely", Fail, -5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := checkSRI(fetched{status: 200, header: tt.header, body: tt.body, url: tt.url}, tt.url)
			if c.Observatory != tt.want || c.Status != tt.status || c.Modifier != tt.mod {
				t.Fatalf("got %s %s %d (%s), want %s %s %d", c.Observatory, c.Status, c.Modifier, c.Message, tt.want, tt.status, tt.mod)
			}
		})
	}
}

func TestScriptTagsAttributes(t *testing.T) {
	got := scriptTags(`<script  SRC = "a.js" defer integrity=sha384-x src=b.js></script><script/src='c.js'>`)
	if len(got) != 2 || got[0]["src"] != "a.js" || got[0]["integrity"] != "sha384-x" || got[1]["src"] != "c.js" {
		t.Fatalf("%v", got)
	}
	if _, ok := got[0]["defer"]; !ok {
		t.Fatalf("defer missing: %v", got[0])
	}
}

// A page cut at the body limit: a failure seen stands, a pass is unknown.
func TestCheckSRITruncated(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html"}}
	c := checkSRI(fetched{header: html, body: `<script src="/a.js"></script>`, truncated: true}, "https://example.com/")
	if c.Status != Unknown || c.Observatory != "" {
		t.Fatalf("truncated clean page: %+v", c)
	}
	c = checkSRI(fetched{header: html, body: `<script src="http://cdn.other.net/a.js"></script>`, truncated: true}, "https://example.com/")
	if c.Status != Fail || c.Modifier != -50 {
		t.Fatalf("truncated page with an insecure script: %+v", c)
	}
}
