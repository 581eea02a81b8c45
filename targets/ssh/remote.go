package ssh

import (
	"path"
	"strings"
)

// quote makes s one word for a POSIX shell.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// loginShell execs the user's login shell (bash, then sh, when it is
// nologin or false, as app users' often are).
const loginShell = `s=$(getent passwd "$(id -un)" 2>/dev/null | cut -d: -f7)
case "$s" in ""|*/nologin|*/false) s=$(command -v bash 2>/dev/null || echo /bin/sh);; esac
exec "$s" -l`

// isUnit reports whether database.url_from names a systemd unit
// ("systemd:myapp.service" or "myapp.service") rather than a file.
func isUnit(s string) (string, bool) {
	if u, ok := strings.CutPrefix(s, "systemd:"); ok {
		return u, true
	}
	if !strings.Contains(s, "/") && strings.HasSuffix(s, ".service") {
		return s, true
	}
	return "", false
}

// envFiles are the remote files loaded into every session, in order: the
// database.url_from file (the app's environment on systemd setups), then
// env_file (relative to dir; default .env, when present).
func (t *Target) envFiles() []string {
	var files []string
	if f := t.env.Database.URLFrom; f != "" {
		if _, unit := isUnit(f); !unit {
			files = append(files, f)
		}
	}
	ef := ".env"
	if t.env.EnvFile == "" && t.env.Dir == "" {
		return files // no project directory: no default .env either
	}
	if t.env.EnvFile != "" {
		ef = t.env.EnvFile
	}
	if !path.IsAbs(ef) {
		if t.env.Dir == "" {
			ef = "./" + ef
		} else {
			ef = path.Join(t.env.Dir, ef)
		}
	}
	return append(files, ef)
}

// appScript is the shell script a session runs on the host: cd to the
// project, load the app's environment, activate its virtualenv, exec argv
// (empty: the interactive shell).
func (t *Target) appScript(argv []string) string {
	var b strings.Builder
	b.WriteString("CTL_ENV=" + quote(t.env.Name) + "; export CTL_ENV\n")
	if d := t.env.Dir; d != "" {
		b.WriteString("cd " + quote(d) + " 2>/dev/null || { echo \"ctl: project directory " + strings.ReplaceAll(quote(d), `"`, `\"`) + " does not exist on $(hostname) (or is not readable by $(id -un))\" >&2; exit 255; }\n")
	}
	for _, f := range t.envFiles() {
		b.WriteString("if [ -r " + quote(f) + " ]; then set -a; . " + quote(f) + "; set +a; fi\n")
	}
	if t.env.Python == "" {
		b.WriteString(`for v in .venv venv; do if [ -x "$v/bin/python" ]; then VIRTUAL_ENV="$PWD/$v"; PATH="$VIRTUAL_ENV/bin:$PATH"; export VIRTUAL_ENV PATH; break; fi; done` + "\n")
	}
	if t.env.Settings != "" {
		b.WriteString("DJANGO_SETTINGS_MODULE=" + quote(t.env.Settings) + "; export DJANGO_SETTINGS_MODULE\n")
	}
	switch {
	case len(argv) > 0:
		b.WriteString("exec " + quoteArgv(argv))
	case t.env.Shell != "":
		b.WriteString("exec " + t.env.Shell)
	default:
		b.WriteString(loginShell)
	}
	return b.String()
}

// asApp wraps a script so that it runs as sudo_user when one is set; sudo
// may ask for a password only on a terminal.
func (t *Target) asApp(script string, interactive bool) string {
	if t.env.SudoUser == "" {
		return script
	}
	n := " -n"
	if interactive {
		n = ""
	}
	return "exec sudo" + n + " -u " + quote(t.env.SudoUser) + " -H -- sh -c " + quote(script)
}

// remoteCommand is the command line given to ssh; `sh -c` so that it
// works whatever the remote login shell is.
func (t *Target) remoteCommand(argv []string, interactive bool) string {
	return "sh -c " + quote(t.asApp(t.appScript(argv), interactive))
}
