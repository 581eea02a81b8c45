package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/targets"
)

// DjangoMessage is one message of `manage.py check --deploy`.
type DjangoMessage struct {
	ID       string
	Severity audit.Severity
	// Object is what Django attached it to ("?" for settings).
	Object  string
	Message string
	Hint    string
}

// DjangoResult is the Django layer's outcome.
type DjangoResult struct {
	// Argv is the command run (no secret: only manage.py and its flags).
	Argv     []string
	ExitCode int
	Messages []DjangoMessage
	// NoIssues is true when Django said it found none.
	NoIssues bool
	// Via says where it ran when not through the target's exec: "a
	// one-off Job NAME (exec refused)".
	Via string
}

var djangoLine = textutil.Regexp(`^(\S[^:]*|\?): \(([A-Za-z0-9_]+\.[A-Z]\d+)\) (.*)$`)

// ParseCheck parses the output of `manage.py check` (stdout and stderr:
// with --fail-level reached, Django prints the report as a
// SystemCheckError on stderr). ok is false when the output is not a
// check report at all (the command failed before checking).
func ParseCheck(out string) (msgs []DjangoMessage, noIssues, ok bool) {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.Contains(line, "System check identified") {
			ok = true
			if strings.Contains(line, "identified no issues") {
				noIssues = true
			}
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "HINT:") && len(msgs) > 0 {
			msgs[len(msgs)-1].Hint = strings.TrimSpace(strings.TrimPrefix(t, "HINT:"))
			continue
		}
		m := djangoLine().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		sev := audit.Warning
		if i := strings.LastIndexByte(m[2], '.'); i >= 0 {
			switch m[2][i+1] {
			case 'E', 'C':
				sev = audit.Error
			case 'I', 'D':
				sev = audit.Info
			}
		}
		msgs = append(msgs, DjangoMessage{ID: m[2], Severity: sev, Object: m[1], Message: m[3]})
	}
	return msgs, noIssues, ok
}

// RunDjango runs `manage.py check --deploy --fail-level CRITICAL` through
// the target's own exec (the app container, the host, the local venv) and
// parses its report. --fail-level CRITICAL keeps the report on stdout with
// exit 0 for anything but a critical message, so a non-zero exit means
// Django could not check. redact replaces secrets in what the command
// printed before it is put in an error.
func RunDjango(ctx context.Context, t targets.Target, redact func(string) string) (*DjangoResult, error) {
	argv, err := t.ManageArgv(ctx)
	if err != nil {
		return nil, err
	}
	argv = append(append([]string{}, argv...), "check", "--deploy", "--fail-level", "CRITICAL")
	var out, errb bytes.Buffer
	res := &DjangoResult{Argv: argv}
	code, err := t.Run(ctx, targets.Command{Argv: argv, NoStdin: true, Stdin: bytes.NewReader(nil), Stdout: &out, Stderr: &errb})
	if err != nil {
		// Exec refused (no pods/exec, as production RBAC often has it):
		// the same command in a one-off Job from the release, as ctl run.
		var refused interface{ ExecRefused() bool }
		runner, canRun := t.(targets.Runner)
		if !errors.As(err, &refused) || !refused.ExecRefused() || !canRun {
			return nil, err
		}
		out.Reset()
		errb.Reset()
		jr, jerr := runner.RunJob(ctx, targets.RunRequest{Argv: argv, Stdout: &out, Stderr: &errb, Verb: "check", Deadline: 5 * time.Minute})
		if jerr != nil {
			return nil, fmt.Errorf("%w; running it in a one-off Job instead failed too: %w", err, jerr)
		}
		code = jr.ExitCode
		res.Via = fmt.Sprintf("a one-off Job %s (exec refused)", jr.Name)
	}
	res.ExitCode = code
	msgs, none, ok := ParseCheck(out.String() + "\n" + errb.String())
	if !ok {
		tail := strings.TrimSpace(errb.String())
		if tail == "" {
			tail = strings.TrimSpace(out.String())
		}
		if lines := strings.Split(tail, "\n"); len(lines) > 3 {
			tail = strings.Join(lines[len(lines)-3:], "\n")
		}
		if redact != nil {
			tail = redact(tail)
		}
		if tail == "" {
			return nil, fmt.Errorf("manage.py check --deploy exited %d without a report", code)
		}
		return nil, fmt.Errorf("manage.py check --deploy exited %d without a report: %s", code, tail)
	}
	if redact != nil {
		for i := range msgs {
			msgs[i].Message, msgs[i].Hint = redact(msgs[i].Message), redact(msgs[i].Hint)
		}
	}
	res.Messages, res.NoIssues = msgs, none
	return res, nil
}

// ErrSkipped marks a layer that was not asked for.
var ErrSkipped = errors.New("not run")
