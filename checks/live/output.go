package live

import (
	"encoding/json"
	"io"
	"path/filepath"
	"sort"
)

// JSONSchemaVersion versions the live audit's --json document.
const JSONSchemaVersion = 1

// JSONFinding is a finding in the --json document.
type JSONFinding struct {
	Finding
	SeverityName string `json:"severity"`
}

// JSONCheck is a passed HTTP check in the --json document.
type JSONCheck struct {
	ID          string `json:"id"`
	Message     string `json:"message"`
	Evidence    string `json:"evidence,omitempty"`
	Observatory string `json:"observatory,omitempty"`
}

// JSONDoc is the live audit's --json document.
type JSONDoc struct {
	SchemaVersion int            `json:"schemaVersion"`
	Environment   string         `json:"environment"`
	Layers        []LayerState   `json:"layers"`
	Findings      []JSONFinding  `json:"findings"`
	Passed        []JSONCheck    `json:"passed"`
	Score         *Score         `json:"score,omitempty"`
	Summary       map[string]int `json:"summary"`
	// Incomplete is true when a layer could not run.
	Incomplete bool `json:"incomplete"`
	// ResolvedSettings are the static layer's settings with their values
	// redacted (--show-settings), as in the static audit's document.
	ResolvedSettings any `json:"resolvedSettings,omitempty"`
}

// Doc builds the --json document.
func (r *Report) Doc(env string) JSONDoc {
	d := JSONDoc{SchemaVersion: JSONSchemaVersion, Environment: env, Layers: r.Layers, Findings: []JSONFinding{}, Passed: []JSONCheck{},
		Score: r.Score, Summary: r.Summary(), Incomplete: r.Incomplete()}
	for _, f := range r.Findings {
		d.Findings = append(d.Findings, JSONFinding{Finding: f, SeverityName: f.Severity.String()})
	}
	for _, c := range r.Passed {
		d.Passed = append(d.Passed, JSONCheck{ID: c.ID, Message: c.Message, Evidence: c.Evidence, Observatory: c.Observatory})
	}
	return d
}

// WriteSARIF writes the failing and unknown findings as SARIF 2.1.0; a
// finding with a settings position is located there, an HTTP-only one at
// the site's URL.
func (r *Report) WriteSARIF(w io.Writer, version, siteURL string, toRoot func(string) string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string `json:"id"`
		ShortDescription msg    `json:"shortDescription"`
	}
	level := map[string]string{"error": "error", "warning": "warning", "info": "note"}
	seen := map[string]bool{}
	var ids []string
	for _, f := range r.Findings {
		if !seen[f.ID] {
			seen[f.ID] = true
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	index := map[string]int{}
	rules := make([]rule, len(ids))
	for i, id := range ids {
		index[id] = i
		rules[i] = rule{ID: id, ShortDescription: msg{Text: id}}
	}
	for _, f := range r.Findings {
		rules[index[f.ID]].ShortDescription.Text = f.Message
	}
	results := []any{}
	for _, f := range r.Findings {
		lv := level[f.Severity.String()]
		kind := "fail"
		switch f.Status {
		case Edge, Pass:
			kind, lv = "pass", "none"
		case Unknown:
			kind, lv = "review", "none"
		case Note:
			kind, lv = "informational", "note"
		}
		text := f.Message
		if f.Value != "" {
			text += " Value: " + f.Value + " (" + f.Source + ")."
		}
		if f.Edge != "" {
			text += " Seen: " + f.Edge + "."
		}
		res := map[string]any{"ruleId": f.ID, "ruleIndex": index[f.ID], "kind": kind, "level": lv, "message": msg{Text: text},
			"properties": map[string]any{"layers": f.Layers, "status": f.Status}}
		if f.File != "" {
			res["locations"] = []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": filepath.ToSlash(toRoot(f.File)), "uriBaseId": "%SRCROOT%"},
				"region":           map[string]any{"startLine": max(1, f.Line), "startColumn": max(1, f.Column)},
			}}}
		} else if siteURL != "" {
			res["locations"] = []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": siteURL},
			}}}
		}
		results = append(results, res)
	}
	run := map[string]any{
		"tool": map[string]any{"driver": map[string]any{
			"name": "ctl audit", "version": version, "informationUri": "https://github.com/ctlops/ctl", "rules": rules,
		}},
		"columnKind": "unicodeCodePoints",
		"results":    results,
	}
	if r.Score != nil {
		run["properties"] = map[string]any{"observatoryScore": r.Score.Score, "observatoryGrade": r.Score.Grade}
	}
	doc := map[string]any{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []any{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
