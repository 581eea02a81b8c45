package main_test

// Interactive sessions driven through tmux, as a person would use them.

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

func tmuxEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "SHELL=/bin/bash", "LANG=C.UTF-8",
		"PS1=ctl-test$ ",
	}, extra...)
}

func TestTmuxShellLocal(t *testing.T) {
	proj := testenv.ExampleProject(t)
	writeFile(t, filepath.Join(proj, ".env"), "GREETING=from-dotenv\n")
	// bash without rc files, so the prompt is ours.
	writeFile(t, filepath.Join(proj, "ctl.yaml"), "environments:\n  local:\n    shell: /bin/bash --norc --noprofile\n")
	m := testenv.StartTmux(t, proj, tmuxEnv(t), 100, 30, testenv.Ctl(t), "shell", "local")
	m.WaitForText("ctl-test$")
	m.Type("echo $((6*7))")
	m.WaitFor("42 on its own line", func(s string) bool { return regexp.MustCompile(`(?m)^42\s*$`).MatchString(s) })
	m.Type("echo \"$GREETING/$CTL_ENV/$(pwd)\"")
	m.WaitForText("from-dotenv/local/" + proj)
	m.Type("tput cols")
	m.WaitFor("100 columns", func(s string) bool { return regexp.MustCompile(`(?m)^100\s*$`).MatchString(s) })
	m.Resize(120, 30)
	m.Type("tput cols")
	m.WaitFor("120 columns after resize", func(s string) bool { return regexp.MustCompile(`(?m)^120\s*$`).MatchString(s) })
	m.Type("exit 3")
	if code := m.ExitCode(); code != 3 {
		t.Fatalf("ctl exited %d, want the shell's 3", code)
	}
}

func TestTmuxPyShellLocal(t *testing.T) {
	proj := testenv.ExampleProject(t)
	if r := ctl(t, proj, nil, "manage", "local", "--", "migrate", "--noinput"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	m := testenv.StartTmux(t, proj, tmuxEnv(t), 120, 40, testenv.Ctl(t), "pyshell", "local")
	// django-extensions is in INSTALLED_APPS: shell_plus, which imports the models itself.
	m.WaitForText("from inventory.models import Widget")
	m.WaitForText(">>>")
	m.Type(`print("answer", Widget.objects.count(), Widget.objects.get(name="sprocket").quantity)`)
	m.WaitForText("answer 3 42")
	m.Type("exit()")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("ctl exited %d", code)
	}
}

func TestTmuxDBShellLocal(t *testing.T) {
	testenv.RequireTool(t, "psql")
	dsn := testenv.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	password, _ := u.User.Password()
	proj := testenv.ExampleProject(t)
	writeFile(t, filepath.Join(proj, ".env"), "DATABASE_URL="+dsn+"\n")
	m := testenv.StartTmux(t, proj, tmuxEnv(t), 100, 30, testenv.Ctl(t), "dbshell", "local")
	m.WaitForText("ctltest=>")
	m.Type("select 40 + 2 as answer;")
	m.WaitFor("the answer row", func(s string) bool { return regexp.MustCompile(`(?m)^\s+42\s*$`).MatchString(s) })

	// While psql runs and after it: the password is in no process's argv
	// and in no file under the temp dirs but the project's own .env and
	// those that hold it by design or are other tests'.
	if password == "" {
		t.Fatal("the rig's DSN has no password")
	}
	roots, skip := testenv.TempRoots(), append(testenv.OthersSecretHolders(t), proj)
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	m.Type(`\q`)
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("ctl exited %d", code)
	}
	if strings.Contains(m.Screen(), password) {
		t.Fatal("the password appeared on the screen")
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
}
