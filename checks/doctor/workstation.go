package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets/local"
)

func workstationChecks(s *state, kubeEnvs, sshEnvs, localEnvs []*config.Environment, apiByContext map[string]*Check, contexts []string) []*Check {
	g := GroupWorkstation
	out := []*Check{
		{ID: "workstation.editor", Group: g, Run: s.checkEditor},
	}
	if len(kubeEnvs) > 0 {
		out = append(out, &Check{ID: "workstation.kubectl", Group: g, Run: s.checkKubectl})
		for _, c := range contexts {
			api := apiByContext[c]
			out = append(out, &Check{ID: "workstation.kubectl-skew", Group: g, Subject: c, Needs: []*Check{api},
				Title: "kubectl within one minor of context " + c,
				Run:   func(ctx context.Context) Outcome { return s.checkKubectlSkew(ctx, c) }})
		}
	}
	out = append(out, &Check{ID: "workstation.psql", Group: g, Run: func(ctx context.Context) Outcome {
		return s.checkPsql(ctx, len(kubeEnvs)+len(sshEnvs) > 0)
	}})
	if len(sshEnvs) > 0 {
		out = append(out, &Check{ID: "workstation.ssh", Group: g, Run: s.checkSSH})
	}
	for _, e := range localEnvs {
		out = append(out, &Check{ID: "workstation.python", Group: g, Subject: e.Name, Env: e.Name,
			Title: "python and manage.py of " + e.Name,
			Run:   func(ctx context.Context) Outcome { return s.checkPython(ctx, e) }})
	}
	out = append(out,
		&Check{ID: "workstation.kubeconfig", Group: g, Run: func(ctx context.Context) Outcome { return s.checkKubeconfig(len(kubeEnvs) > 0) }},
	)
	if len(kubeEnvs) > 0 {
		out = append(out, &Check{ID: "workstation.exec-plugins", Group: g, Run: func(ctx context.Context) Outcome { return s.checkExecPlugins(contexts) }})
	}
	out = append(out, &Check{ID: "workstation.completion", Group: g, Run: func(context.Context) Outcome { return s.checkCompletion() }})
	for _, c := range contexts {
		out = append(out, &Check{ID: "workstation.clock-skew", Group: g, Subject: c, Needs: []*Check{apiByContext[c]},
			Title: "clock agrees with context " + c,
			Run:   func(context.Context) Outcome { return s.checkClock(c) }})
	}
	return out
}

func (s *state) checkEditor(context.Context) Outcome {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		val := s.d.Getenv(v)
		if val == "" {
			continue
		}
		prog := strings.Fields(val)[0]
		p, err := s.d.LookPath(prog)
		if err != nil {
			return Outcome{Status: Warn, Message: fmt.Sprintf("$%s is %q, which is not on PATH", v, val),
				Hint: fmt.Sprintf("set %s to an installed editor in your shell's rc file, e.g. export %s=vi", v, v)}
		}
		return Outcome{Status: Pass, Message: fmt.Sprintf("$%s: %s", v, val), Details: []string{p}}
	}
	return Outcome{Status: Warn, Message: "neither $VISUAL nor $EDITOR is set",
		Hint: "export EDITOR=vi (or your editor) in your shell's rc file; tools that open an editor need it"}
}

// kubectlClient runs `kubectl version --client` once.
func (s *state) kubectlClient(ctx context.Context) (version, minor string, err error) {
	s.kubectlOnce.Do(func() {
		p, lerr := s.d.LookPath("kubectl")
		if lerr != nil {
			s.kubectlErr = lerr
			return
		}
		out, oerr := s.d.Output(ctx, p, "version", "--client", "-o", "json")
		if oerr != nil {
			s.kubectlErr = fmt.Errorf("kubectl version --client: %w", oerr)
			return
		}
		var v struct {
			ClientVersion struct {
				GitVersion, Minor string
			} `json:"clientVersion"`
		}
		if jerr := json.Unmarshal(out, &v); jerr != nil {
			s.kubectlErr = fmt.Errorf("kubectl version --client: %w", jerr)
			return
		}
		s.kubectlVer, s.kubectlMinor = v.ClientVersion.GitVersion, strings.TrimSuffix(v.ClientVersion.Minor, "+")
	})
	return s.kubectlVer, s.kubectlMinor, s.kubectlErr
}

func (s *state) checkKubectl(ctx context.Context) Outcome {
	if _, err := s.d.LookPath("kubectl"); err != nil {
		return Outcome{Status: Fail, Message: "kubectl is not on PATH",
			Hint: "ctl does not need it for sessions, but your team's runbooks and `kubectl auth can-i` do; install it",
			Fix:  s.d.Installer.Fix("kubectl")}
	}
	v, _, err := s.kubectlClient(ctx)
	if err != nil {
		return Outcome{Status: Warn, Message: "kubectl is on PATH but did not say its version", Details: []string{err.Error()}}
	}
	return Outcome{Status: Pass, Message: "kubectl " + v}
}

func (s *state) checkKubectlSkew(ctx context.Context, kctx string) Outcome {
	if _, err := s.d.LookPath("kubectl"); err != nil {
		return Outcome{Status: Skip, Message: "kubectl is not on PATH (see workstation.kubectl)"}
	}
	cv, cm, err := s.kubectlClient(ctx)
	if err != nil {
		return Outcome{Status: Warn, Message: "kubectl's version is unknown", Details: []string{err.Error()}}
	}
	info := s.server(kctx)
	if info == nil || info.Minor == "" {
		return Outcome{Status: Skip, Message: "the server's version is unknown"}
	}
	c, err1 := strconv.Atoi(cm)
	sv, err2 := strconv.Atoi(info.Minor)
	if err1 != nil || err2 != nil {
		return Outcome{Status: Warn, Message: fmt.Sprintf("cannot compare kubectl %s with the server's %s", cv, info.GitVersion)}
	}
	diff := c - sv
	msg := fmt.Sprintf("kubectl %s, server %s (context %s)", cv, info.GitVersion, kctx)
	if diff > 1 || diff < -1 {
		return Outcome{Status: Warn, Message: msg + fmt.Sprintf(": %d minor versions apart", abs(diff)),
			Hint: fmt.Sprintf("kubectl supports servers within one minor version; install kubectl 1.%d", sv)}
	}
	return Outcome{Status: Pass, Message: msg}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func (s *state) checkPsql(ctx context.Context, remote bool) Outcome {
	p, err := s.d.LookPath("psql")
	if err != nil {
		st := Fail
		if !remote {
			st = Warn
		}
		return Outcome{Status: st, Message: "psql is not on PATH",
			Hint: "ctl dbshell runs psql for PostgreSQL databases; install the PostgreSQL client",
			Fix:  s.d.Installer.Fix("psql")}
	}
	out := Outcome{Status: Pass, Message: "psql at " + p}
	if v, err := s.d.Output(ctx, p, "--version"); err == nil {
		out.Message = strings.TrimSpace(string(v))
		out.Details = append(out.Details, p)
	}
	switch ssl, known := psqlSSL(ctx, s.d, p); {
	case !known:
		out.Details = append(out.Details, "SSL support not determined (no ldd/otool answer)")
	case ssl:
		out.Message += ", with SSL"
	default:
		out.Status = Warn
		out.Message += ", built without SSL"
		out.Hint = "databases that require sslmode=require will refuse it; install your platform's PostgreSQL client package"
	}
	return out
}

// psqlSSL asks the dynamic linker whether psql's libpq links an SSL
// library.
func psqlSSL(ctx context.Context, d Deps, psql string) (ssl, known bool) {
	tool, args := "ldd", []string{}
	if _, err := d.LookPath("ldd"); err != nil {
		if _, err := d.LookPath("otool"); err != nil {
			return false, false
		}
		tool, args = "otool", []string{"-L"}
	}
	real, err := filepath.EvalSymlinks(psql)
	if err != nil {
		real = psql
	}
	out, err := d.Output(ctx, tool, append(args, real)...)
	if err != nil {
		// Debian's psql is a Perl wrapper: ask the real binary.
		if pgb, gerr := filepath.Glob("/usr/lib/postgresql/*/bin/psql"); gerr == nil && len(pgb) > 0 {
			out, err = d.Output(ctx, tool, append(args, pgb[len(pgb)-1])...)
		}
		if err != nil {
			return false, false
		}
	}
	libs := string(out)
	if strings.Contains(libs, "libssl") {
		return true, true
	}
	for _, line := range strings.Split(libs, "\n") {
		if !strings.Contains(line, "libpq") {
			continue
		}
		f := strings.Fields(line)
		for _, x := range f {
			if strings.HasPrefix(x, "/") {
				lo, err := d.Output(ctx, tool, append(args, x)...)
				if err == nil {
					return strings.Contains(string(lo), "libssl"), true
				}
			}
		}
	}
	return false, strings.Contains(libs, "libc")
}

func (s *state) checkSSH(context.Context) Outcome {
	p, err := s.d.LookPath("ssh")
	if err != nil {
		return Outcome{Status: Fail, Message: "ssh is not on PATH, and an environment is on SSH",
			Hint: "install OpenSSH's client (apt-get install openssh-client, dnf install openssh-clients)"}
	}
	return Outcome{Status: Pass, Message: "ssh at " + p}
}

func (s *state) checkPython(ctx context.Context, e *config.Environment) Outcome {
	t, err := s.target(e)
	if err != nil {
		var np *local.NoProjectError
		if errors.As(err, &np) {
			return Outcome{Status: Warn, Message: "no manage.py here or above: not in a Django project",
				Hint: np.Hint()}
		}
		return Outcome{Status: Fail, Message: err.Error()}
	}
	lt, ok := t.(*local.Target)
	if !ok {
		return Outcome{Status: Skip, Message: "not a local target"}
	}
	argv, err := lt.ManageArgv(ctx)
	if err != nil {
		return Outcome{Status: Fail, Message: err.Error(), Hint: "set manage: (relative to dir) in ctl.yaml"}
	}
	out, err := s.d.Output(ctx, lt.Python(), "-c", "import sys, django; print(sys.version.split()[0], django.get_version())")
	if err != nil {
		var ee interface{ ExitCode() int }
		msg := fmt.Sprintf("%s cannot import Django", lt.Python())
		if !errors.As(err, &ee) {
			msg = fmt.Sprintf("%s does not run: %v", lt.Python(), err)
		}
		return Outcome{Status: Fail, Message: msg,
			Hint: "activate or create the project's virtualenv (python -m venv .venv && .venv/bin/pip install -r requirements.txt), or set python: in ctl.yaml"}
	}
	f := strings.Fields(string(out))
	msg := "python " + strings.Join(f, ", Django ")
	return Outcome{Status: Pass, Message: msg, Details: []string{"python: " + lt.Python(), "manage.py: " + argv[1]}}
}

func (s *state) checkKubeconfig(needed bool) Outcome {
	kc, err := s.kubeconfig()
	if err != nil {
		return Outcome{Status: Fail, Message: err.Error(), Hint: "fix the file or point KUBECONFIG at a valid one"}
	}
	if len(kc.Files) == 0 {
		if !needed {
			return Outcome{Status: Skip, Message: "no kubeconfig, and no environment needs one"}
		}
		return Outcome{Status: Fail, Message: "no kubeconfig: " + strings.Join(kc.Precedence, ", ") + " does not exist",
			Hint: "get one from your cluster's admin or cloud CLI (e.g. aws eks update-kubeconfig, gcloud container clusters get-credentials)"}
	}
	var loose []string
	var modes []string
	for _, f := range kc.Files {
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		if st.Mode().Perm()&0o077 != 0 {
			loose = append(loose, f)
			modes = append(modes, fmt.Sprintf("%s is %04o", f, st.Mode().Perm()))
		}
	}
	if len(loose) == 0 {
		return Outcome{Status: Pass, Message: strings.Join(kc.Files, ", ") + ": private (0600 or stricter)"}
	}
	plan := make([]string, len(loose))
	for i, f := range loose {
		plan[i] = "chmod 600 " + shellQuote(f)
	}
	return Outcome{Status: Fail, Message: strings.Join(modes, "; ") + ": other users can read your cluster credentials",
		Hint: plan[0],
		Fix: &Fix{Title: "tighten the kubeconfig's permissions", Plan: plan, Apply: func(context.Context, FixIO) error {
			var errs []error
			for _, f := range loose {
				errs = append(errs, os.Chmod(f, 0o600))
			}
			return errors.Join(errs...)
		}}}
}

func (s *state) checkExecPlugins(contexts []string) Outcome {
	kc, err := s.kubeconfig()
	if err != nil {
		return Outcome{Status: Skip, Message: "kubeconfig unreadable (see workstation.kubeconfig)"}
	}
	plugins := kc.ExecPlugins(contexts...)
	if len(plugins) == 0 {
		return Outcome{Status: Pass, Message: "no exec credential plugin is used"}
	}
	var missing, found []string
	for _, p := range plugins {
		if path, err := s.d.LookPath(p.Command); err != nil {
			missing = append(missing, fmt.Sprintf("%s (user %s, contexts %s)", p.Command, p.User, strings.Join(p.Contexts, ", ")))
		} else {
			found = append(found, p.Command+": "+path)
		}
	}
	if len(missing) > 0 {
		return Outcome{Status: Fail, Message: "exec credential plugin not on PATH: " + strings.Join(missing, "; "),
			Hint:    "install it (e.g. gke-gcloud-auth-plugin, aws, kubelogin) or put its directory on PATH",
			Details: found}
	}
	return Outcome{Status: Pass, Message: fmt.Sprintf("%d exec plugin(s) found", len(found)), Details: found}
}

func (s *state) checkClock(kctx string) Outcome {
	info := s.server(kctx)
	if info == nil || info.Date.IsZero() {
		return Outcome{Status: Skip, Message: "the API server sent no Date header"}
	}
	skew := info.Local.Sub(info.Date)
	// The header has a one-second resolution.
	msg := fmt.Sprintf("%s against context %s", roundSkew(skew), kctx)
	switch {
	case skew > 5*time.Minute || skew < -5*time.Minute:
		return Outcome{Status: Fail, Message: msg, Hint: "tokens and certificates fail with this skew: enable NTP (timedatectl set-ntp true)"}
	case skew > 30*time.Second || skew < -30*time.Second:
		return Outcome{Status: Warn, Message: msg, Hint: "enable NTP (timedatectl set-ntp true)"}
	}
	return Outcome{Status: Pass, Message: msg}
}

func roundSkew(d time.Duration) string {
	if d < 0 {
		return "clock " + (-d).Round(time.Second).String() + " behind"
	}
	if d < 2*time.Second {
		return "clock in step"
	}
	return "clock " + d.Round(time.Second).String() + " ahead"
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' || r == '+' || r == '=' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
