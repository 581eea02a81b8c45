package live

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ctlops/ctl/checks/audit"
)

// Layer names.
const (
	LayerStatic = "static"
	LayerDjango = "django"
	LayerHTTP   = "http"
)

// LayerState says what became of one layer.
type LayerState struct {
	Name string `json:"name"`
	// State is "ran", "failed" (could not run: its checks are unknown,
	// never passed) or "skipped" (not asked for).
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
	// Millis is how long it took.
	Millis int64 `json:"millis"`
	// Requests is how many HTTP requests the http layer made.
	Requests int `json:"requests,omitempty"`
}

// Finding is one reconciled finding.
type Finding struct {
	ID       string         `json:"id"`
	Severity audit.Severity `json:"-"`
	Status   Status         `json:"status"`
	Message  string         `json:"message"`
	Hint     string         `json:"hint,omitempty"`
	// Layers says which layers saw it (static, django, http).
	Layers []string `json:"layers"`
	// Also are the other layers' IDs for the same problem (http.hsts for
	// security.W004).
	Also    []string `json:"also,omitempty"`
	Setting string   `json:"setting,omitempty"`
	File    string   `json:"file,omitempty"`
	Line    int      `json:"line,omitempty"`
	Column  int      `json:"column,omitempty"`
	// Value is the setting's value (secrets redacted) and Source where it
	// came from.
	Value  string `json:"value,omitempty"`
	Source string `json:"source,omitempty"`
	// Edge is what the HTTP layer saw (a header, a status code).
	Edge string `json:"edge,omitempty"`
}

// Counts reports whether the finding fails the audit at failOn.
func (f Finding) Counts(failOn audit.Severity) bool {
	return f.Status == Fail && f.Severity >= failOn
}

// Inputs are the layers' outcomes; an error means the layer could not
// run, nil result and nil error that it was not asked for.
type Inputs struct {
	Static    *audit.Result
	StaticErr error
	Django    *DjangoResult
	DjangoErr error
	HTTP      *HTTPResult
	HTTPErr   error
	// Durations of the layers.
	Durations map[string]time.Duration
	// Display shows a file path (relative to the working directory).
	Display func(string) string
}

// Report is the live audit's result.
type Report struct {
	Layers   []LayerState
	Findings []Finding
	// Passed are the HTTP checks that passed and explained nothing.
	Passed []Check
	Score  *Score
}

// link ties an HTTP probe to the setting-level findings it observes from
// outside and the setting responsible.
type link struct {
	http    string
	ids     []string
	setting string
	// edge: a proxy in front can satisfy the finding (a header it adds);
	// DEBUG cannot be fixed at the edge.
	edge bool
}

var links = []link{
	{"http.hsts", []string{"security.W004"}, "SECURE_HSTS_SECONDS", true},
	{"http.hsts-subdomains", []string{"security.W005"}, "SECURE_HSTS_INCLUDE_SUBDOMAINS", true},
	{"http.hsts-preload", []string{"security.W021"}, "SECURE_HSTS_PRELOAD", true},
	{"http.redirect", []string{"security.W008"}, "SECURE_SSL_REDIRECT", true},
	{"http.nosniff", []string{"security.W006"}, "SECURE_CONTENT_TYPE_NOSNIFF", true},
	{"http.frame", []string{"security.W002", "security.W019"}, "X_FRAME_OPTIONS", true},
	{"http.referrer", []string{"security.W022", "security.E023"}, "SECURE_REFERRER_POLICY", true},
	{"http.coop", []string{"security.E024"}, "SECURE_CROSS_ORIGIN_OPENER_POLICY", true},
	{"http.cookie-session", []string{"security.W010", "security.W011", "security.W012", "security.W013", "security.W014", "security.W015"}, "SESSION_COOKIE_SECURE", true},
	{"http.cookie-csrf", []string{"security.W016"}, "CSRF_COOKIE_SECURE", true},
	{"http.debug-404", []string{"security.W018", "ctl.D001", "ctl.D002"}, "DEBUG", false},
	{"http.bogus-host", []string{"security.W020", "ctl.H001", "ctl.H002"}, "ALLOWED_HOSTS", true},
	{"http.admin", []string{"ctl.A001"}, "ROOT_URLCONF", true},
	{"http.cors", []string{"ctl.C002"}, "CORS_ALLOW_ALL_ORIGINS", true},
}

func linkOf(httpID string) (link, bool) {
	for _, l := range links {
		if l.http == httpID {
			return l, true
		}
	}
	return link{}, false
}

// settingOf names the setting a Django check ID is about (for Django's
// own messages, which carry no position).
func settingOf(id string) string {
	for _, l := range links {
		if slices.Contains(l.ids, id) {
			return l.setting
		}
	}
	switch id {
	case "security.W009":
		return "SECRET_KEY"
	case "security.W025":
		return "SECRET_KEY_FALLBACKS"
	case "security.W001", "security.W003":
		return "MIDDLEWARE"
	}
	return ""
}

func addLayer(f *Finding, layer string) {
	if !slices.Contains(f.Layers, layer) {
		f.Layers = append(f.Layers, layer)
	}
}

// Reconcile merges the layers into one report. A setting-level finding
// (static or Django's) whose HTTP probe passed becomes Edge (satisfied in
// front of Django) unless the edge cannot fix it (DEBUG); an HTTP failure
// points at the responsible setting's file:line when the static layer
// resolved it; every finding lists the layers that saw it.
func Reconcile(in Inputs) *Report {
	display := in.Display
	if display == nil {
		display = func(s string) string { return s }
	}
	rep := &Report{}
	state := func(name string, ran bool, err error) {
		ls := LayerState{Name: name, State: "skipped", Millis: in.Durations[name].Milliseconds()}
		switch {
		case err != nil:
			ls.State, ls.Detail = "failed", err.Error()
		case ran:
			ls.State = "ran"
		}
		rep.Layers = append(rep.Layers, ls)
	}
	state(LayerStatic, in.Static != nil, in.StaticErr)
	state(LayerDjango, in.Django != nil, in.DjangoErr)
	state(LayerHTTP, in.HTTP != nil, in.HTTPErr)
	if in.Static != nil {
		rep.Layers[0].Detail = in.Static.EnvAssumed
	}
	if in.Django != nil {
		rep.Layers[1].Detail = strings.Join(in.Django.Argv, " ")
		if in.Django.Via != "" {
			rep.Layers[1].Detail += ", in " + in.Django.Via
		}
	}
	if in.HTTP != nil {
		if in.HTTPErr == nil {
			rep.Layers[2].Detail = fmt.Sprintf("%s, %d requests", in.HTTP.URL, in.HTTP.Requests)
		}
		rep.Layers[2].Requests = in.HTTP.Requests
	}

	var out []*Finding
	byID := map[string]*Finding{}
	at := func(f *Finding, name string) {
		if in.Static == nil || name == "" {
			return
		}
		s := in.Static.Setting(name)
		f.Setting = name
		if s.Pos.File != "" {
			f.File, f.Line, f.Column = display(s.Pos.File), s.Pos.Line, s.Pos.Col
		}
		if s.Known {
			f.Value = s.Value
		} else {
			f.Value = "<unknown>"
		}
		f.Source = s.Source.String()
	}
	if in.Static != nil {
		for _, sf := range in.Static.Findings {
			f := &Finding{ID: sf.ID, Severity: sf.Severity, Status: Fail, Message: sf.Message, Hint: sf.Hint, Layers: []string{LayerStatic},
				Setting: sf.Setting, File: sf.Pos.File, Line: sf.Pos.Line, Column: sf.Pos.Col, Value: sf.Value, Source: sf.Source.String()}
			if prev, dup := byID[sf.ID]; dup {
				// Several lines for one ID (H001 per entry): keep each.
				_ = prev
			} else {
				byID[sf.ID] = f
			}
			out = append(out, f)
		}
	}
	if in.Django != nil {
		reported := map[string]bool{}
		for _, m := range in.Django.Messages {
			reported[m.ID] = true
			if f, ok := byID[m.ID]; ok {
				addLayer(f, LayerDjango)
				continue
			}
			f := &Finding{ID: m.ID, Severity: m.Severity, Status: Fail, Message: m.Message, Hint: m.Hint, Layers: []string{LayerDjango}}
			if in.Static != nil {
				f.Message += " (The static audit did not find it: the running process's settings differ from what it could read; see ctl.X001 for what it could not evaluate.)"
			}
			at(f, settingOf(m.ID))
			byID[m.ID] = f
			out = append(out, f)
		}
		// The other way round: a Django check the static audit reports
		// but the running process does not.
		if in.Static != nil {
			for _, sf := range in.Static.Findings {
				if sf.Django && !reported[sf.ID] {
					if f := byID[sf.ID]; f != nil && !strings.Contains(f.Message, "Django's own check") {
						f.Message += " (Django's own check did not report it in the running environment: the process's settings differ from what the static audit read.)"
					}
				}
			}
		}
	}
	if in.HTTP != nil {
		for _, c := range in.HTTP.Checks {
			l, linked := linkOf(c.ID)
			var related []*Finding
			if linked {
				for _, id := range l.ids {
					if f, ok := byID[id]; ok {
						related = append(related, f)
					}
				}
			}
			switch c.Status {
			case Pass:
				explained := false
				for _, f := range related {
					addLayer(f, LayerHTTP)
					f.Also = append(f.Also, c.ID)
					f.Edge = c.Evidence
					if l.edge && f.Status == Fail && satisfies(c, f.ID) {
						f.Status = Edge
						f.Message += " Satisfied at the edge: " + c.Message
						explained = true
					} else if !l.edge {
						f.Message += " The site did not show it (" + c.Message + "), but the setting still applies."
						explained = true
					} else if f.Status == Fail {
						f.Message += " The site sends " + c.Evidence + ", which does not meet it."
						explained = true
					}
				}
				if !explained {
					rep.Passed = append(rep.Passed, c)
				}
			case Fail, Note, Unknown:
				if len(related) > 0 && c.Status != Unknown {
					for _, f := range related {
						addLayer(f, LayerHTTP)
						f.Also = append(f.Also, c.ID)
						f.Edge = c.Evidence
					}
					continue
				}
				f := &Finding{ID: c.ID, Severity: c.Severity, Status: c.Status, Message: c.Message, Layers: []string{LayerHTTP}, Edge: c.Evidence}
				// Point at the setting only when the settings set it: a
				// Django default explains nothing at a given line.
				if linked && c.Status != Unknown && in.Static != nil {
					if s := in.Static.Setting(l.setting); s.Source.Kind != audit.SrcDefault && s.Pos.File != "" {
						at(f, l.setting)
						f.Message += fmt.Sprintf(" Responsible setting: %s at %s:%d.", l.setting, f.File, f.Line)
					}
				}
				out = append(out, f)
			}
		}
		if in.HTTPErr == nil {
			s := ObservatoryScore(in.HTTP)
			rep.Score = &s
		}
	}
	for _, f := range out {
		rep.Findings = append(rep.Findings, *f)
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.ID < b.ID
	})
	return rep
}

// satisfies reports whether a passed probe meets what the finding asks
// for, not just the probe's own bar: W019 asks for DENY, where the frame
// probe also passes SAMEORIGIN.
func satisfies(c Check, id string) bool {
	if id == "security.W019" {
		return strings.EqualFold(c.Evidence, "DENY") || strings.Contains(c.Evidence, "'none'")
	}
	return true
}

// Summary counts the failing findings by severity.
func (r *Report) Summary() map[string]int {
	m := map[string]int{"error": 0, "warning": 0, "info": 0, "edge": 0, "unknown": 0}
	for _, f := range r.Findings {
		switch f.Status {
		case Fail:
			m[f.Severity.String()]++
		case Edge:
			m["edge"]++
		case Unknown:
			m["unknown"]++
		case Note:
			m["info"]++
		}
	}
	return m
}

// Incomplete reports whether a layer that was asked for could not run.
func (r *Report) Incomplete() bool {
	for _, l := range r.Layers {
		if l.State == "failed" {
			return true
		}
	}
	return false
}
