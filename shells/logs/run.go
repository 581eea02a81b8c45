package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/targets"
)

// Options are one `ctl logs` run.
type Options struct {
	Target  targets.Target
	Request targets.LogRequest
	Format  Format
	Out     io.Writer
	// ErrOut gets the header and the closing summary.
	ErrOut io.Writer
	// Header prints what is read, from when, on ErrOut.
	Header bool
}

// Run streams the target's logs into Out until they end or ctx is done.
func Run(ctx context.Context, o Options) error {
	lt, ok := o.Target.(targets.Logs)
	if !ok {
		return fmt.Errorf("environment %q: its target (%s) cannot read logs", o.Target.Env().Name, o.Target.Env().Target)
	}
	if o.Target.Env().Protected && len(o.Format.Secrets) == 0 {
		var err error
		o.Format.Secrets, err = SecretValues(ctx, o.Target)
		if err != nil && o.ErrOut != nil { // never silently unmasked
			what := "some of its secrets are not masked"
			if len(o.Format.Secrets) == 0 {
				what = "lines are not masked"
			}
			fmt.Fprintf(o.ErrOut, "warning: protected environment %q: %s: %s\n", o.Target.Env().Name, what, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	if o.Header {
		fmt.Fprintln(o.ErrOut, Header(lt.LogsDescription(o.Request), o.Request))
	}
	p := NewPrinter(o.Out, o.Format)
	err := lt.Logs(ctx, o.Request, p.Sink)
	if cerr := p.Close(); err == nil && cerr != nil && !errors.Is(cerr, io.ErrClosedPipe) {
		err = cerr
	}
	return err
}

// Header is the line that says what is followed: never a silent tail.
func Header(what string, r targets.LogRequest) string {
	parts := []string{what}
	if r.Previous {
		parts = append(parts, "previous instances")
	}
	if r.Since > 0 {
		parts = append(parts, "since "+shortDuration(r.Since)+" ago")
	} else {
		parts = append(parts, "from the start")
	}
	if r.Tail >= 0 {
		parts = append(parts, "last "+strconv.Itoa(r.Tail)+" lines per stream")
	} else {
		parts = append(parts, "all lines per stream")
	}
	if r.Follow {
		parts = append(parts, "following (Ctrl-C to stop)")
	}
	return "logs: " + strings.Join(parts, " · ")
}

func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// SecretValues are the environment's secret values as ctl resolves them
// (the database password, SECRET_KEY), to mask in printed lines. Bounded:
// a target that can list them (targets.SecretValuer) is asked, without a
// tunnel; another gives its database password. The error says what
// could not be resolved (never a value), alongside what could.
func SecretValues(ctx context.Context, t targets.Target) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if s, ok := t.(targets.SecretValuer); ok {
		return s.SecretValues(ctx)
	}
	db, closeFn, err := t.Database(ctx)
	if err != nil {
		return nil, err
	}
	if closeFn != nil {
		closeFn() //nolint:errcheck,gosec // only the password was wanted
	}
	if db.Password == "" {
		return nil, nil
	}
	return []string{db.Password}, nil
}
