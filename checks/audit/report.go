package audit

import (
	"encoding/json"
	"io"
	"path/filepath"
	"sort"
	"unicode/utf8"
)

// JSONSchemaVersion versions the --json document.
const JSONSchemaVersion = 1

type jsonSource struct {
	Kind string `json:"kind"`
	Var  string `json:"var,omitempty"`
	From string `json:"from,omitempty"`
	Why  string `json:"why,omitempty"`
	Text string `json:"text"`
}

// jsonSetting is one entry of resolvedSettings.
type jsonSetting struct {
	Name   string     `json:"name"`
	Value  *string    `json:"value"` // null when unknown
	Known  bool       `json:"known"`
	Source jsonSource `json:"source"`
	File   string     `json:"file"`
	Line   int        `json:"line"`
	Column int        `json:"column"`
}

type jsonFinding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	DocURL   string `json:"docUrl,omitempty"`
	Setting  string `json:"setting,omitempty"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Value    string `json:"value,omitempty"`
	Source   struct {
		Kind string `json:"kind"`
		Var  string `json:"var,omitempty"`
		From string `json:"from,omitempty"`
		Text string `json:"text"`
	} `json:"source"`
	Django bool `json:"django"`
}

// JSONDoc is the --json document.
type JSONDoc struct {
	SchemaVersion int           `json:"schemaVersion"`
	Settings      string        `json:"settings"`
	Module        string        `json:"module,omitempty"`
	DjangoVersion string        `json:"djangoVersion"`
	VersionSource string        `json:"versionSource"`
	Environment   string        `json:"environment"`
	EnvVars       []string      `json:"envVars"`
	Files         []string      `json:"files"`
	Findings      []jsonFinding `json:"findings"`
	// ResolvedSettings are the settings the checks read (the key
	// "settings" is the settings file in schema 1).
	ResolvedSettings []jsonSetting  `json:"resolvedSettings,omitempty"`
	Summary          map[string]int `json:"summary"`
}

// Doc builds the JSON document of a result.
func (r *Result) Doc(display func(string) string) JSONDoc {
	d := JSONDoc{SchemaVersion: JSONSchemaVersion, Settings: display(r.SettingsFile), Module: r.Module,
		DjangoVersion: r.Version.String(), VersionSource: r.VersionSource, Environment: r.EnvAssumed,
		EnvVars: append([]string{}, r.EnvVars...), Findings: []jsonFinding{},
		Summary: map[string]int{"error": 0, "warning": 0, "info": 0}}
	for _, f := range r.Files {
		d.Files = append(d.Files, display(f))
	}
	d.ResolvedSettings = []jsonSetting{}
	for _, s := range r.Settings {
		j := jsonSetting{Name: s.Name, Known: s.Known, File: s.Pos.File, Line: s.Pos.Line, Column: s.Pos.Col,
			Source: jsonSource{Kind: s.Source.Label(), Var: s.Source.Var, From: s.Source.From, Why: s.Source.Why, Text: s.Source.String()}}
		if s.Known {
			v := s.Value
			j.Value = &v
		}
		d.ResolvedSettings = append(d.ResolvedSettings, j)
	}
	for _, f := range r.Findings {
		j := jsonFinding{ID: f.ID, Severity: f.Severity.String(), Message: f.Message, Hint: f.Hint, DocURL: f.DocURL,
			Setting: f.Setting, File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col, Value: f.Value, Django: f.Django}
		j.Source.Kind, j.Source.Var, j.Source.From, j.Source.Text = f.Source.Label(), f.Source.Var, f.Source.From, f.Source.String()
		d.Findings = append(d.Findings, j)
		d.Summary[f.Severity.String()]++
	}
	return d
}

// WriteSARIF writes a SARIF 2.1.0 log for GitHub code scanning. toRoot
// makes URIs relative to the source root (uriBaseId %SRCROOT%; see
// Result.SourceRoot); regions are 1-based lines and columns counted in
// characters.
func (r *Result) WriteSARIF(w io.Writer, version string, toRoot func(string) string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string `json:"id"`
		Name             string `json:"name,omitempty"`
		ShortDescription msg    `json:"shortDescription"`
		HelpURI          string `json:"helpUri,omitempty"`
		Default          struct {
			Level string `json:"level"`
		} `json:"defaultConfiguration"`
	}
	level := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}
	rules := map[string]*rule{}
	type result struct {
		RuleID    string `json:"ruleId"`
		RuleIndex int    `json:"ruleIndex"`
		Level     string `json:"level"`
		Message   msg    `json:"message"`
		Locations []any  `json:"locations"`
	}
	var ids []string
	for _, f := range r.Findings {
		if _, ok := rules[f.ID]; !ok {
			ru := &rule{ID: f.ID, ShortDescription: msg{Text: shortDesc(f)}, HelpURI: f.DocURL}
			ru.Default.Level = level[f.Severity]
			rules[f.ID] = ru
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	index := map[string]int{}
	ruleList := make([]*rule, len(ids))
	for i, id := range ids {
		index[id] = i
		ruleList[i] = rules[id]
	}
	results := make([]result, 0, len(r.Findings))
	for _, f := range r.Findings {
		text := f.Message
		if f.Value != "" {
			text += " Value: " + f.Value + " (" + f.Source.String() + ")."
		}
		if f.Hint != "" {
			text += " Fix: " + f.Hint + "."
		}
		loc := map[string]any{"physicalLocation": map[string]any{
			"artifactLocation": map[string]any{"uri": filepath.ToSlash(toRoot(f.Pos.File)), "uriBaseId": "%SRCROOT%"},
			"region":           map[string]any{"startLine": max(1, f.Pos.Line), "startColumn": max(1, f.Pos.Col)},
		}}
		results = append(results, result{RuleID: f.ID, RuleIndex: index[f.ID], Level: level[f.Severity], Message: msg{Text: text}, Locations: []any{loc}})
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "ctl audit", "version": version, "informationUri": "https://github.com/ctlops/ctl", "rules": ruleList,
			}},
			"columnKind": "unicodeCodePoints",
			"results":    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func shortDesc(f Finding) string {
	for _, c := range CtlChecks {
		if c.ID == f.ID {
			return c.Title
		}
	}
	if len(f.Message) > 100 {
		cut := 97
		for cut > 0 && !utf8.RuneStart(f.Message[cut]) { // never split a character
			cut--
		}
		return f.Message[:cut] + "..."
	}
	return f.Message
}
