package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/internal/exitcode"
)

// SchemaVersion is the version of every JSON document ctl prints. It
// changes only when a field is removed or changes meaning.
const SchemaVersion = 1

// Exporter renders machine-readable output for `--json [fields]` and
// `--template`.
type Exporter struct {
	fieldsFlag string
	template   string
	valid      []string
}

// NoArgs rejects positional arguments, explaining the --json=FIELDS form
// when the user wrote `--json name` (pflag reads "name" as an argument).
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if f := cmd.Flags().Lookup("json"); f != nil && f.Changed {
		return exitcode.Usagef("unexpected argument %q: to select JSON fields write --json=%s", args[0], strings.Join(args, ","))
	}
	return exitcode.Usagef("unexpected argument %q", args[0])
}

// AddJSONFlags adds --json and --template to cmd. `--json` alone prints
// every field; `--json name,target` selects some.
func AddJSONFlags(cmd *cobra.Command, e *Exporter, fields []string) {
	e.valid = fields
	f := cmd.Flags()
	f.StringVar(&e.fieldsFlag, "json", "", "Output JSON; optionally only the given comma-separated `fields`")
	f.Lookup("json").NoOptDefVal = "*"
	f.StringVarP(&e.template, "template", "t", "", "Format JSON output with a Go `template`")
	_ = cmd.RegisterFlagCompletionFunc("json", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return fields, cobra.ShellCompDirectiveNoSpace
	})
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if err := e.validate(); err != nil {
			return err
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

func (e *Exporter) validate() error {
	for _, f := range e.Fields() {
		found := false
		for _, v := range e.valid {
			if v == f {
				found = true
			}
		}
		if !found {
			return exitcode.Usagef("unknown JSON field %q; available fields: %s", f, strings.Join(e.valid, ", "))
		}
	}
	return nil
}

// Enabled reports whether machine-readable output was asked for.
func (e *Exporter) Enabled() bool { return e.fieldsFlag != "" || e.template != "" }

// Fields returns the selected fields (nil: all).
func (e *Exporter) Fields() []string {
	if e.fieldsFlag == "" || e.fieldsFlag == "*" {
		return nil
	}
	var out []string
	for _, f := range strings.Split(e.fieldsFlag, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Filter keeps only the selected fields of a record.
func (e *Exporter) Filter(rec map[string]any) map[string]any {
	fields := e.Fields()
	if fields == nil {
		return rec
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := rec[f]; ok {
			out[f] = v
		}
	}
	return out
}

// Write prints doc (which should carry "schemaVersion") as indented JSON,
// or through the template.
func (e *Exporter) Write(w io.Writer, doc any) error {
	if e.template != "" {
		// Round-trip through JSON so templates see the JSON field names.
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		var generic any
		if err := json.Unmarshal(b, &generic); err != nil {
			return err
		}
		t, err := template.New("").Funcs(template.FuncMap{"join": joinAny}).Parse(e.template)
		if err != nil {
			return exitcode.Usagef("--template: %v", err)
		}
		return t.Execute(w, generic)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// joinAny is the template's join: JSON lists arrive as []any.
func joinAny(list any, sep string) string {
	switch l := list.(type) {
	case []string:
		return strings.Join(l, sep)
	case []any:
		parts := make([]string, len(l))
		for i, x := range l {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, sep)
	}
	return fmt.Sprint(list)
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
