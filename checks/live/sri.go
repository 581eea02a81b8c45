package live

import (
	"fmt"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/ctlops/ctl/checks/audit"
)

// The Observatory's subresource-integrity test (httpobs'
// subresource_integrity): the page's <script src> elements from another
// site (not relative, not on the page's registrable domain, or
// protocol-relative) must carry an integrity attribute and load over
// HTTPS. Outcomes from best to worst; a page keeps its worst.
var sriGoodness = []string{
	"sri-implemented-and-all-scripts-loaded-securely",
	"sri-implemented-and-external-scripts-loaded-securely",
	"sri-implemented-but-external-scripts-not-loaded-securely",
	"sri-not-implemented-but-external-scripts-loaded-securely",
	"sri-not-implemented-and-external-scripts-not-loaded-securely",
	"sri-not-implemented-response-not-html",
}

var sriModifier = map[string]int{
	"sri-implemented-and-all-scripts-loaded-securely":               5,
	"sri-implemented-and-external-scripts-loaded-securely":          5,
	"sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
	"sri-not-implemented-but-no-scripts-loaded":                     0,
	"sri-not-implemented-response-not-html":                         0,
	"sri-not-implemented-but-external-scripts-loaded-securely":      -5,
	"sri-implemented-but-external-scripts-not-loaded-securely":      -20,
	"sri-not-implemented-and-external-scripts-not-loaded-securely":  -50,
}

func sriWorse(next, cur string) string {
	if cur == "" {
		return next
	}
	ni, ci := -1, -1
	for i, g := range sriGoodness {
		if g == next {
			ni = i
		}
		if g == cur {
			ci = i
		}
	}
	if ni > ci {
		return next
	}
	return cur
}

// checkSRI scores the scripts of the probed page (its final URL pageURL).
func checkSRI(f fetched, pageURL string) Check {
	const test = "subresource-integrity"
	ct, _, _ := mime.ParseMediaType(f.header.Get("Content-Type"))
	if ct != "text/html" && ct != "application/xhtml+xml" {
		return Check{ID: "http.sri", Status: Pass, Severity: audit.Info, Test: test, Observatory: "sri-not-implemented-response-not-html",
			Evidence: f.header.Get("Content-Type"), Message: "The page is not HTML: no scripts to check."}
	}
	page, _ := url.Parse(pageURL)
	if page == nil {
		page = &url.URL{}
	}
	site := registrable(page.Hostname())
	scripts := scriptTags(f.body)
	result, foreign := "", false
	var external, insecure []string
	for _, attrs := range scripts {
		src, ok := attrs["src"]
		if !ok {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(src))
		if err != nil {
			u = &url.URL{Path: src}
		}
		relOrigin := u.Scheme == "" && u.Host == ""
		relProtocol := u.Scheme == "" && u.Host != ""
		sameSite := !relOrigin && registrable(u.Hostname()) == site
		secureScheme := u.Scheme == "https" || (relOrigin && page.Scheme == "https")
		integrity := attrs["integrity"] != ""
		if relOrigin || (sameSite && !relProtocol) {
			if integrity && secureScheme && result == "" {
				result = "sri-implemented-and-all-scripts-loaded-securely"
			}
			continue
		}
		foreign = true
		if !integrity {
			external = append(external, src)
		}
		if !secureScheme {
			insecure = append(insecure, src)
		}
		switch {
		case integrity && !secureScheme:
			result = sriWorse("sri-implemented-but-external-scripts-not-loaded-securely", result)
		case !integrity && secureScheme:
			result = sriWorse("sri-not-implemented-but-external-scripts-loaded-securely", result)
		case !integrity:
			result = sriWorse("sri-not-implemented-and-external-scripts-not-loaded-securely", result)
		}
	}
	switch {
	case len(scripts) == 0:
		result = "sri-not-implemented-but-no-scripts-loaded"
	case !foreign && result == "":
		result = "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
	case foreign && result == "":
		result = "sri-implemented-and-external-scripts-loaded-securely"
	}
	c := Check{ID: "http.sri", Test: test, Observatory: result, Modifier: sriModifier[result], Severity: audit.Info, Status: Pass}
	switch {
	case len(insecure) > 0:
		c.Status, c.Severity = Fail, audit.Warning
		c.Evidence = strings.Join(insecure, " ")
		c.Message = "Scripts from another site load over plain HTTP (or a protocol-relative URL): anyone on the path can replace them."
	case len(external) > 0:
		c.Status = Fail
		c.Evidence = strings.Join(external, " ")
		c.Message = "Scripts from another site have no integrity attribute (Subresource Integrity): a compromised host can change them."
	case f.truncated:
		// What was not read may hold the script that fails.
		c.Status, c.Observatory, c.Modifier = Unknown, "", 0
		c.Message = fmt.Sprintf("The page is larger than %d kB and only its start was read: scripts after it were not checked.", bodyLimit>>10)
	case foreign:
		c.Message = "Every script from another site has an integrity attribute and loads over HTTPS."
	case len(scripts) == 0:
		c.Message = "The page loads no scripts."
	default:
		c.Message = "Every script comes from the site itself."
	}
	return c
}

// registrable is the host's registrable domain (eTLD+1, from the public
// suffix list), or the host itself where it has none (an IP address,
// localhost).
func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil && !strings.ContainsAny(host, ":") && !isIPv4(host) {
		return d
	}
	return host
}

func isIPv4(h string) bool {
	return strings.Count(h, ".") == 3 && strings.Trim(h, "0123456789.") == ""
}

// scriptTags returns the attributes (names lower-cased) of the <script>
// elements of an HTML document, as an HTML parser sees them: not inside
// comments, nor inside another script's text.
func scriptTags(doc string) []map[string]string {
	var out []map[string]string
	lower := strings.ToLower(doc)
	for i := 0; i < len(doc); {
		j := strings.IndexByte(lower[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(lower[i:], "<!--") {
			end := strings.Index(lower[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		if !strings.HasPrefix(lower[i:], "<script") || i+7 >= len(doc) || !strings.ContainsRune(" \t\n\r\f/>", rune(doc[i+7])) {
			i++
			continue
		}
		attrs, end := tagAttrs(doc, i+7)
		out = append(out, attrs)
		// The script's text is not markup.
		close := strings.Index(lower[end:], "</script")
		if close < 0 {
			break
		}
		i = end + close + len("</script")
	}
	return out
}

// tagAttrs parses attributes from doc[i:] to the tag's '>' and returns
// them with the offset after it. The first of a repeated name wins.
func tagAttrs(doc string, i int) (map[string]string, int) {
	attrs := map[string]string{}
	for i < len(doc) {
		for i < len(doc) && strings.IndexByte(" \t\n\r\f/", doc[i]) >= 0 {
			i++
		}
		if i >= len(doc) {
			break
		}
		if doc[i] == '>' {
			return attrs, i + 1
		}
		start := i
		for i < len(doc) && strings.IndexByte(" \t\n\r\f/>=", doc[i]) < 0 {
			i++
		}
		name := strings.ToLower(doc[start:i])
		for i < len(doc) && strings.IndexByte(" \t\n\r\f", doc[i]) >= 0 {
			i++
		}
		val := ""
		if i < len(doc) && doc[i] == '=' {
			i++
			for i < len(doc) && strings.IndexByte(" \t\n\r\f", doc[i]) >= 0 {
				i++
			}
			if i < len(doc) && (doc[i] == '"' || doc[i] == '\'') {
				q := doc[i]
				end := strings.IndexByte(doc[i+1:], q)
				if end < 0 {
					val, i = doc[i+1:], len(doc)
				} else {
					val, i = doc[i+1:i+1+end], i+1+end+1
				}
			} else {
				start := i
				for i < len(doc) && strings.IndexByte(" \t\n\r\f>", doc[i]) < 0 {
					i++
				}
				val = doc[start:i]
			}
		}
		if _, seen := attrs[name]; !seen && name != "" {
			attrs[name] = val
		}
	}
	return attrs, len(doc)
}
