package doctor

import (
	"context"
	"fmt"

	"github.com/ctlops/ctl/checks/doctor"
	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/prompter"
)

// fixRecord is what happened to one offered fix.
type fixRecord struct {
	ID      string   `json:"id"`
	Group   string   `json:"group"`
	Subject string   `json:"subject,omitempty"`
	Title   string   `json:"title"`
	Plan    []string `json:"plan"`
	// Outcome: applied, declined, failed.
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
	// Status is the check's status after the fix (re-checked).
	Status doctor.Status `json:"status,omitempty"`
}

// Choices of the per-fix question.
const (
	choiceYes = iota
	choiceNo
	choiceAll
	choiceQuit
)

var choices = []string{"Yes, apply it", "No, skip it", "Yes, and all remaining fixes", "No, and stop fixing"}

// runFixes offers each available fix in order; an accepted one is
// applied, then its check runs again and the new result replaces the old
// one in results. A failed fix is reported and the others continue.
func runFixes(ctx context.Context, opts *Options, r *reporter, results []doctor.Result) ([]fixRecord, error) {
	w := opts.IO.ErrOut
	cs := opts.IO.ColorScheme()
	var idx []int
	for i := range results {
		if results[i].Fixable() {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		fmt.Fprintf(w, "\n%s\n", cs.Muted("no fix to offer"))
		return nil, nil
	}
	all := opts.Yes
	var p prompter.Prompter
	if !all {
		p = opts.Prompter()
	}
	var records []fixRecord
	quit := false
	for n, i := range idx {
		res := &results[i]
		c := res.Check
		rec := fixRecord{ID: c.ID, Group: c.Group, Subject: c.Subject, Title: res.Fix.Title, Plan: res.Fix.Plan}
		fmt.Fprintf(w, "\n%s %s\n", cs.Bold(fmt.Sprintf("Fix %d of %d", n+1, len(idx))), cs.Muted("("+where(c)+": "+res.Message+")"))
		writePlan(w, cs, res)
		if quit {
			rec.Outcome = "declined"
			records = append(records, rec)
			continue
		}
		if !all {
			choice, err := ask(p, "Apply this fix?")
			if err != nil {
				return records, err
			}
			switch choice {
			case choiceNo:
				rec.Outcome = "declined"
				records = append(records, rec)
				fmt.Fprintf(w, "  %s\n", cs.Muted("skipped"))
				continue
			case choiceQuit:
				quit = true
				rec.Outcome = "declined"
				records = append(records, rec)
				fmt.Fprintf(w, "  %s\n", cs.Muted("skipped, and the rest too"))
				continue
			case choiceAll:
				all = true
			}
		}
		err := res.Fix.Apply(ctx, doctor.FixIO{In: opts.IO.In, Out: w, ErrOut: w})
		if err != nil {
			if ctx.Err() != nil {
				return records, exitcode.CancelError
			}
			rec.Outcome, rec.Error = "failed", err.Error()
			records = append(records, rec)
			fmt.Fprintf(w, "  %s the fix failed: %v\n", cs.FailureIcon(), err)
			continue
		}
		rec.Outcome = "applied"
		// Re-check with a fresh view of the world (the configuration
		// and kubeconfig may just have changed).
		after := recheck(ctx, opts, c)
		results[i] = after
		rec.Status = after.Status
		records = append(records, rec)
		fmt.Fprintf(w, "  %s fixed; checked again:\n", cs.SuccessIcon())
		r.mu.Lock()
		saved, human := r.out, r.human
		r.out, r.lastGroup = w, c.Group
		if !r.human {
			r.human = opts.IO.IsStderrTTY()
		}
		r.printResult(&after)
		r.out, r.human = saved, human
		r.mu.Unlock()
	}
	return records, nil
}

// ask offers the four choices (or a yes/no question when the prompter
// cannot offer a choice).
func ask(p prompter.Prompter, q string) (int, error) {
	if s, ok := p.(prompter.Selector); ok {
		return s.Select(q, choices, choiceYes)
	}
	yes, err := p.Confirm(q, true)
	if err != nil {
		return 0, err
	}
	if yes {
		return choiceYes, nil
	}
	return choiceNo, nil
}

// recheck runs the check again, built afresh, without its dependencies.
func recheck(ctx context.Context, opts *Options, c *doctor.Check) doctor.Result {
	deps := opts.Deps()
	deps.Timeout = opts.Timeout
	for _, nc := range doctor.Build(deps, opts.Envs) {
		if nc.Key() == c.Key() {
			return doctor.RunOne(ctx, nc, opts.Timeout, nil)
		}
	}
	return doctor.Result{Check: c, Outcome: doctor.Outcome{Status: doctor.Pass, Message: "no longer applies"}}
}

// JSON document (schema: docs/doctor.schema.json).
type jsonCheck struct {
	ID         string        `json:"id"`
	Group      string        `json:"group"`
	Env        string        `json:"env,omitempty"`
	Subject    string        `json:"subject,omitempty"`
	Title      string        `json:"title"`
	Status     doctor.Status `json:"status"`
	Message    string        `json:"message"`
	Hint       string        `json:"hint,omitempty"`
	Details    []string      `json:"details,omitempty"`
	Fixable    bool          `json:"fixable"`
	Fix        *jsonFix      `json:"fix,omitempty"`
	DurationMs int64         `json:"durationMs"`
	TimedOut   bool          `json:"timedOut"`
	Slow       bool          `json:"slow"`
}

type jsonFix struct {
	Title string   `json:"title"`
	Plan  []string `json:"plan"`
}

func toJSON(res doctor.Result) jsonCheck {
	c := res.Check
	j := jsonCheck{ID: c.ID, Group: c.Group, Env: c.Env, Subject: c.Subject, Title: c.Title, Status: res.Status,
		Message: res.Message, Hint: res.Hint, Details: res.Details, Fixable: res.Fixable(),
		DurationMs: res.Duration.Milliseconds(), TimedOut: res.TimedOut, Slow: res.Slow}
	if res.Fixable() {
		j.Fix = &jsonFix{Title: res.Fix.Title, Plan: res.Fix.Plan}
	}
	return j
}

func writeJSON(opts *Options, results []doctor.Result, fixes []fixRecord) error {
	checks := make([]jsonCheck, len(results))
	ok := true
	for i, r := range results {
		checks[i] = toJSON(r)
		if r.Status == doctor.Fail {
			ok = false
		}
	}
	n := summarize(results)
	doc := map[string]any{
		"schemaVersion": cmdutil.SchemaVersion,
		"ok":            ok,
		"checks":        checks,
		"summary": map[string]int{"pass": n[doctor.Pass], "warn": n[doctor.Warn], "fail": n[doctor.Fail], "skip": n[doctor.Skip],
			"total": len(results)},
	}
	if opts.Fix {
		if fixes == nil {
			fixes = []fixRecord{}
		}
		doc["fixes"] = fixes
	}
	out := opts.Exporter.Filter(doc)
	out["schemaVersion"] = cmdutil.SchemaVersion
	return opts.Exporter.Write(opts.IO.Out, out)
}
