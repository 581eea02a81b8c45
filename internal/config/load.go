package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ctlops/ctl/internal/textutil"
)

// LoadOptions says where to look for configuration.
type LoadOptions struct {
	// Cwd is where the walk for ctl.yaml starts.
	Cwd string
	// TeamFile is an explicit team file (--config or CTL_CONFIG); it must exist.
	TeamFile string
	// PersonalFile is the personal file; a missing one is fine.
	PersonalFile string
	// ReadFile reads a file; os.ReadFile when nil.
	ReadFile func(string) ([]byte, error)
}

// PersonalPath returns $XDG_CONFIG_HOME/ctl/config.yaml (or ~/.config/...).
func PersonalPath(getenv func(string) string) string {
	base := getenv("XDG_CONFIG_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "ctl", "config.yaml")
}

// FindTeamFile walks up from dir looking for ctl.yaml; "" when none.
func FindTeamFile(dir string) string {
	for {
		p := filepath.Join(dir, TeamFileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// val is one decoded value with its origin.
type val struct {
	v      any
	origin Origin
}

type rawEnv struct {
	name   string
	origin Origin
	fields map[string]val
}

type rawFile struct {
	path     string
	kind     SourceKind
	app      *val
	updates  *val
	defaults map[string]val
	envs     []*rawEnv
	discover []Discovery
	drift    *Drift
}

type decoder struct {
	file     string // as displayed
	dir      string // absolute directory of the file
	kind     SourceKind
	problems []Problem
}

func (d *decoder) errorf(n *yaml.Node, format string, a ...any) {
	p := Problem{File: d.file, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

func (d *decoder) origin(n *yaml.Node) Origin {
	return Origin{Kind: d.kind, File: d.file, Line: n.Line, Col: n.Column}
}

var yamlLineRE = textutil.Regexp(`^yaml: line (\d+): (.*)$`)

// Load reads and merges the configuration. With no file at all it returns
// a Config holding just the implicit local environment.
func Load(opts LoadOptions) (*Config, error) {
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	cfg := &Config{}
	var layers []*rawFile
	var problems []Problem

	team := opts.TeamFile
	explicit := team != ""
	if !explicit && opts.Cwd != "" {
		team = FindTeamFile(opts.Cwd)
	}
	if team != "" {
		abs, _ := filepath.Abs(team)
		rf, probs, err := parseFile(read, abs, displayPath(abs, opts.Cwd), SourceTeam)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && explicit {
				return nil, &Error{Problems: []Problem{{File: team, Msg: "config file not found (named by --config or CTL_CONFIG)"}}}
			}
			return nil, fmt.Errorf("reading %s: %w", team, err)
		}
		problems = append(problems, probs...)
		cfg.TeamFile = abs
		layers = append(layers, rf)
	}
	if opts.PersonalFile != "" {
		rf, probs, err := parseFile(read, opts.PersonalFile, opts.PersonalFile, SourcePersonal)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("reading %s: %w", opts.PersonalFile, err)
		default:
			problems = append(problems, probs...)
			cfg.PersonalFile = opts.PersonalFile
			layers = append(layers, rf)
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	if probs := merge(cfg, layers); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return cfg, nil
}

func parseFile(read func(string) ([]byte, error), path, display string, kind SourceKind) (*rawFile, []Problem, error) {
	data, err := read(path)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{file: display, dir: filepath.Dir(path), kind: kind}
	rf := &rawFile{path: path, kind: kind, defaults: map[string]val{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := Problem{File: display, Msg: err.Error()}
		if m := yamlLineRE().FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Msg = m[2]
		}
		return nil, []Problem{p}, nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return rf, nil, nil // empty file
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		if isNull(root) {
			return rf, nil, nil
		}
		d.errorf(root, "expected a mapping with app: and environments:, got %s", describe(root))
		return nil, d.problems, nil
	}
	d.eachPair(root, []string{"version", "app", "check_updates", "defaults", "environments", "discover", "drift"}, "top level", func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if s, ok := d.scalar(v, kInt, "version"); ok && s.(int) != 1 {
				d.errorf(v, "unsupported config version %d; this ctl reads version 1", s.(int))
			}
		case "app":
			if s, ok := d.scalar(v, kString, "app"); ok {
				rf.app = &val{v: s, origin: d.origin(v)}
			}
		case "check_updates":
			if b, ok := d.scalar(v, kBool, "check_updates"); ok {
				rf.updates = &val{v: b, origin: d.origin(v)}
			}
		case "defaults":
			d.envFields(v, "", rf.defaults, "defaults")
		case "environments":
			d.environments(v, rf)
		case "discover":
			d.discover(v, rf)
		case "drift":
			d.drift(v, rf)
		}
	})
	return rf, d.problems, nil
}

// drift reads `drift: {ignore: [PATTERN...]}`.
func (d *decoder) drift(n *yaml.Node, rf *rawFile) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "drift: expected a mapping with ignore:, got %s", describe(n))
		return
	}
	dr := &Drift{Origin: d.origin(n), Ignore: []string{}}
	d.eachPair(n, []string{"ignore"}, "drift", func(key string, k, v *yaml.Node) {
		v = resolve(v)
		if isNull(v) {
			return
		}
		if v.Kind != yaml.SequenceNode {
			d.errorf(v, "drift.ignore: expected a list of patterns (e.g. [SENTRY_DSN, \"image/*\"]), got %s", describe(v))
			return
		}
		for _, item := range v.Content {
			x, ok := d.scalar(item, kString, "drift.ignore")
			if !ok {
				continue
			}
			pat := x.(string)
			if _, err := path.Match(pat, ""); err != nil || pat == "" {
				d.errorf(item, "drift.ignore: %q is not a valid glob pattern", pat)
				continue
			}
			dr.Ignore = append(dr.Ignore, pat)
		}
	})
	rf.drift = dr
}

func (d *decoder) discover(n *yaml.Node, rf *rawFile) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "discover: expected a list of patterns, got %s", describe(n))
		return
	}
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "discover: expected a mapping (from, selector, name...), got %s", describe(item))
			continue
		}
		disc := Discovery{From: "namespaces", Name: "{namespace}", Origin: d.origin(item)}
		d.eachPair(item, []string{"from", "context", "selector", "name", "protected"}, "discover pattern", func(key string, k, v *yaml.Node) {
			kind := kString
			if key == "protected" {
				kind = kBool
			}
			x, ok := d.scalar(v, kind, "discover."+key)
			if !ok {
				return
			}
			switch key {
			case "from":
				if x.(string) != "namespaces" {
					d.errorf(v, "discover.from: unknown source %q; ctl discovers from namespaces", x)
				}
			case "context":
				disc.Context = x.(string)
			case "selector":
				disc.Selector = x.(string)
			case "name":
				if !strings.Contains(x.(string), "{namespace}") {
					d.errorf(v, "discover.name: the template must contain {namespace}")
				}
				disc.Name = x.(string)
			case "protected":
				disc.Protected = x.(bool)
			}
		})
		if disc.Selector == "" {
			d.errorf(item, "discover pattern needs a selector (e.g. app.kubernetes.io/part-of=myapp): listing every namespace is not discovery")
			continue
		}
		rf.discover = append(rf.discover, disc)
	}
}

var envNameRE = textutil.Regexp(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

func (d *decoder) environments(n *yaml.Node, rf *rawFile) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "environments: expected a mapping of environment names, got %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		name := k.Value
		if !envNameRE().MatchString(name) {
			d.errorf(k, "invalid environment name %q: use lower-case letters, digits, '-', '_' and '.'", name)
			continue
		}
		if seen[name] {
			d.errorf(k, "environment %q is defined twice", name)
			continue
		}
		seen[name] = true
		re := &rawEnv{name: name, origin: d.origin(k), fields: map[string]val{}}
		d.envFields(v, "", re.fields, fmt.Sprintf("environment %q", name))
		rf.envs = append(rf.envs, re)
	}
}

// envFields decodes an environment mapping (or its database: block when
// prefix is "database") into out, keyed by dotted schema key.
func (d *decoder) envFields(n *yaml.Node, prefix string, out map[string]val, where string) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, got %s", where, describe(n))
		return
	}
	valid := childKeys(prefix)
	if prefix != "" {
		where = where + " " + prefix
	}
	d.eachPair(n, valid, where, func(key string, k, v *yaml.Node) {
		full := key
		if prefix != "" {
			full = prefix + "." + key
		}
		f, ok := schemaByKey[full]
		if !ok { // a block such as database:
			d.envFields(v, full, out, where)
			return
		}
		x, ok := d.scalar(v, f.kind, full)
		if !ok {
			return
		}
		if f.enum != nil {
			s := x.(string)
			if !contains(f.enum, s) {
				msg := fmt.Sprintf("%s: unknown value %q; one of %s", full, s, strings.Join(f.enum, ", "))
				if sug := textutil.Suggest(s, f.enum); sug != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sug)
				}
				d.errorf(v, "%s", msg)
				return
			}
		}
		if localPathKeys[full] && x.(string) != "" {
			x = expandPath(x.(string), d.dir)
		}
		out[full] = val{v: x, origin: d.origin(v)}
	})
}

// localPathKeys name files on this machine: ~ and relative paths are
// resolved against the directory of the file that sets them.
var localPathKeys = map[string]bool{"dir": true, "ssh_config": true, "identity_file": true, "known_hosts": true, "sanitize.sql": true}

// eachPair walks a mapping, rejecting unknown and duplicate keys.
func (d *decoder) eachPair(n *yaml.Node, valid []string, where string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be strings", where)
			continue
		}
		if !contains(valid, key) {
			msg := fmt.Sprintf("unknown key %q in %s", key, where)
			if sug := textutil.Suggest(key, valid); sug != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sug)
			} else {
				msg += "; valid keys: " + strings.Join(valid, ", ")
			}
			d.errorf(k, "%s", msg)
			continue
		}
		if seen[key] {
			d.errorf(k, "key %q appears twice in %s", key, where)
			continue
		}
		seen[key] = true
		fn(key, k, v)
	}
}

// scalar converts a node to the Go value of kind k, reporting type errors.
func (d *decoder) scalar(n *yaml.Node, k kind, key string) (any, bool) {
	n = resolve(n)
	bad := func() (any, bool) {
		msg := fmt.Sprintf("%s: expected %s, got %s", key, k, describe(n))
		if k == kBool && n.Kind == yaml.ScalarNode {
			switch strings.ToLower(n.Value) {
			case "yes", "no", "on", "off", "y", "n":
				msg += " (YAML 1.2 reads yes/no/on/off as strings: write true or false)"
			}
		}
		d.errorf(n, "%s", msg)
		return nil, false
	}
	switch k {
	case kString:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!map" || n.Tag == "!!seq" {
			return bad()
		}
		return n.Value, true
	case kBool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return bad()
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return bad()
		}
		return b, true
	case kInt:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return bad()
		}
		var i int
		if err := n.Decode(&i); err != nil {
			return bad()
		}
		return i, true
	case kList:
		if n.Kind != yaml.SequenceNode {
			return bad()
		}
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			s, ok := d.scalar(c, kString, key+" item")
			if !ok {
				return nil, false
			}
			out = append(out, s.(string))
		}
		return out, true
	case kMap, kMapList:
		if n.Kind != yaml.MappingNode {
			return bad()
		}
		m1 := map[string]string{}
		m2 := map[string][]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			ck, cv := n.Content[i], n.Content[i+1]
			sub := key + "." + ck.Value
			if k == kMap {
				s, ok := d.scalar(cv, kString, sub)
				if !ok {
					return nil, false
				}
				m1[ck.Value] = s.(string)
			} else {
				l, ok := d.scalar(cv, kList, sub)
				if !ok {
					return nil, false
				}
				m2[ck.Value] = l.([]string)
			}
		}
		if k == kMap {
			return m1, true
		}
		return m2, true
	}
	return bad()
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "boolean " + n.Value
		case "!!int", "!!float":
			return "number " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// expandPath resolves ~ and makes p absolute relative to base.
func expandPath(p, base string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p)
}
