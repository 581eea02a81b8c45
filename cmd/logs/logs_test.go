package logs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/targets"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(*Options) bool
	}{
		{"defaults", []string{"qa"}, "", func(o *Options) bool {
			return o.Env == "qa" && len(o.Components) == 0 && o.Since == 10*time.Minute && o.Tail == -1 && !o.Follow
		}},
		{"components and flags", []string{"qa", "web", "worker", "-f", "--since", "1h", "--tail", "5", "-g", "x", "-c", "web", "--level", ">=warning"}, "",
			func(o *Options) bool {
				return strings.Join(o.Components, ",") == "web,worker" && o.Follow && o.Since == time.Hour && o.Tail == 5 &&
					o.Grep == "x" && o.Where.Container == "web" && o.Level == ">=warning"
			}},
		{"no env", []string{}, "requires at least 1 arg", nil},
		{"follow and no-follow", []string{"qa", "-f", "--no-follow"}, "contradict", nil},
		{"previous and follow", []string{"qa", "--previous", "-f"}, "cannot --follow", nil},
		{"bad tail", []string{"qa", "--tail", "-5"}, "--tail", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdLogs(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(got) {
				t.Fatalf("err %v, opts %+v", err, got)
			}
		})
	}
}

// fakeTarget is a target whose logs are scripted.
type fakeTarget struct {
	targets.Target
	env    *config.Environment
	events []targets.LogEvent
	req    targets.LogRequest
	// secretErr is SecretValues' error, beside "hunter22" unless noSecrets.
	secretErr error
	noSecrets bool
}

func (f *fakeTarget) Env() *config.Environment                  { return f.env }
func (f *fakeTarget) LogsDescription(targets.LogRequest) string { return "web in ctx/ns" }
func (f *fakeTarget) SecretValues(context.Context) ([]string, error) {
	if f.noSecrets {
		return nil, f.secretErr
	}
	return []string{"hunter22"}, f.secretErr
}

func (f *fakeTarget) Logs(ctx context.Context, req targets.LogRequest, sink targets.LogSink) error {
	f.req = req
	for _, e := range f.events {
		sink(e)
	}
	if req.Follow {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestRun(t *testing.T) {
	web := targets.LogStream{Component: "web", Pod: "web-1-abcde", Container: "web"}
	ft := &fakeTarget{env: &config.Environment{Name: "prod", Target: "kubernetes", Protected: true}, events: []targets.LogEvent{
		{Stream: web, Text: "password is hunter22"},
		{Stream: web, Text: `{"level":"warning","event":"slow","logger":"app"}`},
		{Stream: web, Text: `{"level":"debug","event":"noise"}`},
	}}
	opts := func(ios *iostreams.IOStreams) *Options {
		return &Options{IO: ios, Env: "prod", Since: time.Minute, Tail: -1, Level: ">=info",
			Target: func(context.Context, string, targets.Options) (targets.Target, error) { return ft, nil }}
	}

	t.Run("pipe", func(t *testing.T) {
		ios, _, out, errOut := iostreams.Test()
		if err := Run(context.Background(), opts(ios)); err != nil {
			t.Fatal(err)
		}
		if ft.req.Follow {
			t.Fatal("followed on a pipe")
		}
		want := "web/abcde password is ****\nweb/abcde WARNING app slow\n"
		if out.String() != want {
			t.Fatalf("stdout %q", out.String())
		}
		if !strings.HasPrefix(errOut.String(), "logs: web in ctx/ns · since 1m ago · all lines per stream") {
			t.Fatalf("header %q", errOut.String())
		}
	})
	t.Run("unresolved secrets are said, what resolved is masked", func(t *testing.T) {
		defer func() { ft.secretErr, ft.noSecrets = nil, false }()
		ft.secretErr = errors.New("SECRET_KEY: secret \"app\" not found in namespace \"prod\"")
		ios, _, out, errOut := iostreams.Test()
		if err := Run(context.Background(), opts(ios)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "password is ****") ||
			!strings.Contains(errOut.String(), `warning: protected environment "prod": some of its secrets are not masked: SECRET_KEY: secret "app" not found`) {
			t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
		}
		ft.noSecrets = true
		ios, _, out, errOut = iostreams.Test()
		if err := Run(context.Background(), opts(ios)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "password is hunter22") || !strings.Contains(errOut.String(), `warning: protected environment "prod": lines are not masked: SECRET_KEY`) {
			t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
		}
	})
	t.Run("terminal follows until Ctrl-C, colour unless NO_COLOR", func(t *testing.T) {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(true)
		ios.SetColorEnabled(true)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- Run(ctx, opts(ios)) }()
		time.Sleep(100 * time.Millisecond)
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) || cmdutil.ExitCode(err, false) != 130 {
			t.Fatalf("err %v (code %d), want cancelled, 130", err, cmdutil.ExitCode(err, false))
		}
		if !ft.req.Follow || !strings.Contains(out.String(), "\x1b[") {
			t.Fatalf("follow %v, out %q", ft.req.Follow, out.String())
		}
	})
	t.Run("bad regex", func(t *testing.T) {
		ios, _, _, _ := iostreams.Test()
		o := opts(ios)
		o.Grep = "("
		var ue *exitcode.UsageError
		if err := Run(context.Background(), o); !errors.As(err, &ue) {
			t.Fatalf("err %v, want a usage error", err)
		}
	})
}

// The local environment, with the binary: configured files, or a message
// saying what to configure.
func TestLocalBinary(t *testing.T) {
	proj := testenv.ExampleProject(t)
	os.MkdirAll(filepath.Join(proj, "logs"), 0o755)                                                                                                   //nolint:errcheck
	os.WriteFile(filepath.Join(proj, "logs", "django.log"), []byte("one\n{\"levelname\": \"INFO\", \"name\": \"x\", \"message\": \"two\"}\n"), 0o644) //nolint:errcheck
	run := func(cfg string, args ...string) (string, string, int) {
		os.WriteFile(filepath.Join(proj, "ctl.yaml"), []byte(cfg), 0o644) //nolint:errcheck
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir = proj
		cmd.Env = testenv.CleanEnv("HOME=" + t.TempDir())
		return testenv.Run(t, cmd, "")
	}
	out, errOut, code := run("environments:\n  local:\n    target: local\n", "logs", "local")
	if code != 2 || !strings.Contains(errOut, "no log source configured") || !strings.Contains(errOut, "files: [logs/django.log]") {
		t.Fatalf("unconfigured: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = run("environments:\n  local:\n    target: local\n    logs:\n      files: [logs/django.log]\n", "logs", "local")
	if code != 0 || out != "django.log one\ndjango.log INFO x two\n" {
		t.Fatalf("exit %d\n%q\n%s", code, out, errOut)
	}
}
