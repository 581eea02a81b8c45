package ssh

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var _ targets.AppEnvReader = (*Target)(nil)

// AppEnv reads the app's environment as a session loads it on one host
// of the environment (the only one, --host, or the first that answers):
// database.url_from when it is a systemd unit (its Environment=), then the
// env files in the order the session sources them (database.url_from,
// env_file), the later overriding the earlier. A file that does not exist
// is skipped, as the session skips it. Values stay in memory.
func (t *Target) AppEnv(ctx context.Context) (*targets.Environ, error) {
	host, err := t.pickHost(ctx, false)
	if err != nil {
		return nil, err
	}
	var vars []targets.EnvVar
	var read []string
	if unit, isU := isUnit(t.env.Database.URLFrom); isU {
		m, _, err := t.remoteEnv(ctx, host)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			vars = append(vars, targets.EnvVar{Name: k, Value: v, Known: true, Source: targets.EnvSource{Kind: targets.SourceUnit, Name: unit, Host: t.display(host)}})
		}
		read = append(read, "unit "+unit)
		vars = targets.SortVars(vars)
	}
	for _, f := range t.envFiles() {
		fv, ok, err := t.readEnvFile(ctx, host, f)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		read = append(read, f)
		vars = targets.SortVars(append(vars, fv...))
	}
	where := t.display(host)
	if len(read) > 0 {
		where += " (" + strings.Join(read, ", ") + ")"
	} else {
		where += " (no env file: " + strings.Join(t.envFiles(), ", ") + ")"
	}
	return &targets.Environ{Vars: vars, Where: where}, nil
}

// readEnvFile reads one dotenv file on host as the ssh user (or sudo_user
// when the ssh user may not read it); ok is false when it does not exist.
func (t *Target) readEnvFile(ctx context.Context, host, file string) ([]targets.EnvVar, bool, error) {
	out, errs, code, err := t.output(ctx, host, t.readFileScript(file, 66))
	if err != nil {
		return nil, false, err
	}
	defer clear(out)
	switch code {
	case 0:
	case 66:
		return nil, false, nil
	case 255:
		return nil, false, fmt.Errorf("environment %q: ssh to %s failed: %s", t.env.Name, t.display(host), targets.LastLine(errs))
	default:
		return nil, false, exitcode.WithHint(fmt.Errorf("environment %q: cannot read %s on %s: %s", t.env.Name, file, t.display(host), targets.LastLine(errs)),
			"check that the ssh user (or sudo_user) may read it")
	}
	parsed, perr := dotenv.Parse(file, out)
	if perr != nil {
		var pe *dotenv.ParseError
		if errors.As(perr, &pe) { // the message names the line, never its content
			return nil, false, fmt.Errorf("environment %q: %s on %s: line %d: %s", t.env.Name, file, t.display(host), pe.Line, pe.Msg)
		}
		return nil, false, fmt.Errorf("environment %q: reading %s on %s: %w", t.env.Name, file, t.display(host), perr)
	}
	vars := make([]targets.EnvVar, 0, len(parsed))
	for _, v := range parsed {
		vars = append(vars, targets.EnvVar{Name: v.Key, Value: v.Value, Known: true,
			Source: targets.EnvSource{Kind: targets.SourceFile, Name: file, Host: t.display(host), Line: v.Line}})
	}
	return vars, true, nil
}

// readFileScript is the remote script that prints file (a relative one
// in dir) and exits missing when it does not exist. It reads as the ssh
// user; when sudo_user is set and that fails — the file unreadable, or
// the app's directory closed to the ssh user, so that the file looks
// missing — it asks again as sudo_user, whose answer stands.
func (t *Target) readFileScript(file string, missing int) string {
	m := strconv.Itoa(missing)
	inner := "[ -e " + quote(file) + " ] || exit " + m + "; exec cat -- " + quote(file)
	if d := t.env.Dir; d != "" && !strings.HasPrefix(file, "/") {
		inner = "cd " + quote(d) + " 2>/dev/null || exit " + m + "; " + inner
	}
	if t.env.SudoUser == "" {
		return inner
	}
	return "(" + inner + ") 2>/dev/null && exit 0; exec sudo -n -u " + quote(t.env.SudoUser) + " -- sh -c " + quote(inner)
}
