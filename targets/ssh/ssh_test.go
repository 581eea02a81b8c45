package ssh

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

func newT(t *testing.T, env *config.Environment, opts targets.Options) (*Target, error) {
	t.Helper()
	env.Target = config.TargetSSH
	if env.Name == "" {
		env.Name = "prod"
	}
	return New(env, Deps{
		LookPath: func(string) (string, error) { return "/usr/bin/ssh", nil },
		Getenv:   func(k string) string { return map[string]string{"CTL_SSH_CONTROL_DIR": "none"}[k] },
		Environ:  func() []string { return nil },
		Opts:     opts,
	})
}

func TestSplitHost(t *testing.T) {
	tests := []struct {
		in         string
		user, host string
		port       int
		bad        bool
	}{
		{in: "web1", host: "web1"},
		{in: "deploy@web1:2222", user: "deploy", host: "web1", port: 2222},
		{in: "[::1]:2200", host: "::1", port: 2200},
		{in: "::1", host: "::1"},
		{in: "web1:0", bad: true},
		{in: "web1:x", bad: true},
		{in: "-oProxyCommand=x", bad: true},
		{in: "a b", bad: true},
	}
	for _, tt := range tests {
		u, h, p, err := splitHost(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && (u != tt.user || h != tt.host || p != tt.port)) {
			t.Errorf("splitHost(%q) = %q %q %d %v", tt.in, u, h, p, err)
		}
	}
}

func TestSelection(t *testing.T) {
	env := func() *config.Environment {
		return &config.Environment{Roles: map[string][]string{"web": {"web1", "web2"}, "worker": {"w1"}, "db": {"db1"}}}
	}
	tests := []struct {
		name   string
		env    *config.Environment
		opts   targets.Options
		cands  []string
		fanout []string
		err    string
	}{
		{name: "default role web", env: env(), cands: []string{"web1", "web2"}},
		{name: "hosts win", env: &config.Environment{Hosts: []string{"h1"}, Roles: map[string][]string{"web": {"web1"}}}, cands: []string{"h1"}},
		{name: "first role without web", env: &config.Environment{Roles: map[string][]string{"b": {"b1"}, "a": {"a1"}}}, cands: []string{"a1"}},
		{name: "--role", env: env(), opts: targets.Options{Role: "worker"}, cands: []string{"w1"}, fanout: []string{"w1"}},
		{name: "--host bare name", env: &config.Environment{Hosts: []string{"deploy@web1:2222"}}, opts: targets.Options{Host: "web1"}, cands: []string{"deploy@web1:2222"}},
		{name: "--all", env: env(), opts: targets.Options{All: true}, cands: []string{"web1", "web2"}, fanout: []string{"db1", "web1", "web2", "w1"}},
		{name: "unknown host", env: env(), opts: targets.Options{Host: "web3"}, err: `no host "web3" (did you mean "web1"?)`},
		{name: "unknown role", env: env(), opts: targets.Options{Role: "wrker"}, err: `no role "wrker" (did you mean "worker"?)`},
		{name: "host and role", env: env(), opts: targets.Options{Host: "web1", Role: "web"}, err: "contradict"},
		{name: "no hosts", env: &config.Environment{}, err: "no hosts"},
	}
	for _, tt := range tests {
		tg, err := newT(t, tt.env, tt.opts)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(tg.candidates, tt.cands) {
			t.Errorf("%s: candidates %v, want %v", tt.name, tg.candidates, tt.cands)
		}
		hs, fan, _ := tg.FanoutHosts()
		if fan != (tt.fanout != nil) || (fan && !reflect.DeepEqual(hs, tt.fanout)) {
			t.Errorf("%s: fanout %v %v, want %v", tt.name, fan, hs, tt.fanout)
		}
	}
	_, err := newT(t, env(), targets.Options{Host: "nope"})
	var ue *exitcode.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("unknown host is not a usage error: %T", err)
	}
}

func TestSSHArgs(t *testing.T) {
	tg, err := newT(t, &config.Environment{Hosts: []string{"ops@web1:2222"}, User: "deploy", Port: 22, SSHConfig: "/etc/x/ssh_config",
		IdentityFile: "/k/id", KnownHosts: "/k/kh", Bastion: "jump", SSHOptions: []string{"ServerAliveInterval=5"}}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tg.sshArgs("ops@web1:2222", true), " ")
	want := "-F /etc/x/ssh_config -i /k/id -o IdentitiesOnly=yes -o UserKnownHostsFile=/k/kh -J jump -l ops -p 2222 -o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=5"
	if got != want {
		t.Errorf("sshArgs\n got %s\nwant %s", got, want)
	}
	if d := destination("ops@web1:2222"); d != "web1" {
		t.Errorf("destination %q", d)
	}
}

// Argv is the whole command line the doctor and the target share.
func TestArgv(t *testing.T) {
	tg, err := newT(t, &config.Environment{Hosts: []string{"ops@web1:2222"}, IdentityFile: "/k/id", SSHOptions: []string{"ServerAliveInterval=5"}}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tg.Argv("ops@web1:2222", Call{Batch: true, Flags: []string{"-T", "-n"}, Remote: "test -d '/srv/my app'"}), " ")
	want := "/usr/bin/ssh -i /k/id -o IdentitiesOnly=yes -l ops -p 2222 -o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=5 -T -n -- web1 test -d '/srv/my app'"
	if got != want {
		t.Errorf("Argv\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(tg.Argv("ops@web1:2222", Call{Flags: []string{"-G"}}), " "); strings.Contains(got, "BatchMode") || !strings.HasSuffix(got, " -G -- web1") {
		t.Errorf("Argv without batch or remote: %s", got)
	}
}

// SessionHost names the hosts sessions ran on, in declaration order, and
// the configured user (ssh -G is asked only when none is configured).
func TestSessionHost(t *testing.T) {
	tg, err := newT(t, &config.Environment{User: "deploy", Roles: map[string][]string{"web": {"web1", "web2"}, "db": {"ops@db1"}}}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, u := tg.SessionHost(context.Background()); h != "" || u != "" {
		t.Fatalf("before a session: %q %q", h, u)
	}
	tg.markRan("web2")
	tg.markRan("web1")
	if h, u := tg.SessionHost(context.Background()); h != "web1,web2" || u != "deploy" {
		t.Fatalf("got %q %q", h, u)
	}
	tg.markRan("ops@db1")
	if h, u := tg.SessionHost(context.Background()); h != "ops@db1,web1,web2" || u != "ops" {
		t.Fatalf("got %q %q", h, u)
	}
}

// The remote script runs in a real sh: arguments survive quoting, the
// env files load, the working directory and CTL_ENV are set.
func TestAppScriptInSh(t *testing.T) {
	dir := t.TempDir()
	envFile := dir + "/app env"
	writeFile(t, envFile, "FROM_URL_FILE='a b'\n")
	writeFile(t, dir+"/.env", "FROM_DOTENV=yes\n")
	tg, err := newT(t, &config.Environment{Hosts: []string{"h"}, Dir: dir, Settings: "mysite.settings",
		Database: config.Database{URLFrom: envFile}}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	argv := []string{"sh", "-c", `printf '%s|' "$CTL_ENV" "$(pwd)" "$FROM_URL_FILE" "$FROM_DOTENV" "$DJANGO_SETTINGS_MODULE" "$1" "$2"`, "x", `it's "q" $HOME`, ""}
	out, err := exec.Command("sh", "-c", tg.remoteCommand(argv, false)).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "prod|" + dir + "|a b|yes|mysite.settings|it's \"q\" $HOME||"
	if string(out) != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}
	// A missing directory is ctl's failure: 255 and a message.
	tg.env.Dir = dir + "/nope"
	cmd := exec.Command("sh", "-c", tg.remoteCommand([]string{"true"}, false))
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 255 || !strings.Contains(string(b), "project directory") {
		t.Errorf("missing dir: %v %s", err, b)
	}
}

func TestAsAppUsesSudo(t *testing.T) {
	tg, err := newT(t, &config.Environment{Hosts: []string{"h"}, SudoUser: "shop"}, targets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := tg.asApp("echo hi", false); !strings.HasPrefix(s, "exec sudo -n -u shop -H -- sh -c ") {
		t.Errorf("batch: %s", s)
	}
	if s := tg.asApp("echo hi", true); !strings.HasPrefix(s, "exec sudo -u shop -H -- sh -c ") {
		t.Errorf("interactive: %s", s)
	}
}

func TestSplitSystemdEnv(t *testing.T) {
	got := splitSystemdEnv(`A=1 "DATABASE_URL=postgres://u:p w@h/db" B=x\y` + "\n")
	want := []string{"A=1", "DATABASE_URL=postgres://u:p w@h/db", `B=x\y`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
	if u, ok := isUnit("systemd:shop.service"); !ok || u != "shop.service" {
		t.Error("systemd: prefix")
	}
	if _, ok := isUnit("/etc/shop/env"); ok {
		t.Error("a file is not a unit")
	}
}

func TestTunnelPlan(t *testing.T) {
	db := func() *targets.DB { return &targets.DB{Host: "db.internal", Port: 6432} }
	tg, _ := newT(t, &config.Environment{Roles: map[string][]string{"web": {"web1"}}}, targets.Options{})
	if via, dest, port := tg.tunnelPlan("web1", db()); via != "web1" || dest != "db.internal" || port != 6432 {
		t.Errorf("no db role: %s %s %d", via, dest, port)
	}
	tg, _ = newT(t, &config.Environment{Roles: map[string][]string{"web": {"web1"}, "db": {"db1"}}}, targets.Options{})
	if via, dest, port := tg.tunnelPlan("web1", db()); via != "db1" || dest != "127.0.0.1" || port != 6432 {
		t.Errorf("db role: %s %s %d", via, dest, port)
	}
	tg, _ = newT(t, &config.Environment{Roles: map[string][]string{"web": {"web1"}, "db": {"db1"}},
		Database: config.Database{Host: "10.0.0.5", Port: 5433}}, targets.Options{})
	if via, dest, port := tg.tunnelPlan("web1", db()); via != "db1" || dest != "10.0.0.5" || port != 5433 {
		t.Errorf("explicit: %s %s %d", via, dest, port)
	}
}

func TestRunWithoutSSHBinary(t *testing.T) {
	_, err := New(&config.Environment{Name: "prod", Target: config.TargetSSH, Hosts: []string{"h"}},
		Deps{LookPath: func(string) (string, error) { return "", exec.ErrNotFound }})
	if err == nil || !strings.Contains(err.Error(), "no ssh on PATH") {
		t.Fatalf("err %v", err)
	}
	_ = context.Background()
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
