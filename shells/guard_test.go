package shells

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
)

// stubPrompter answers the one Input question it expects and fails the
// test on any other.
type stubPrompter struct {
	t      *testing.T
	prompt string // the expected Input prompt; "" expects no question
	answer string
	err    error
	asked  int
}

func (s *stubPrompter) Confirm(prompt string, _ bool) (bool, error) {
	s.t.Errorf("unexpected Confirm %q", prompt)
	return false, &prompter.NoSuchPromptError{Prompt: prompt}
}

func (s *stubPrompter) Input(prompt, def string) (string, error) {
	s.asked++
	if s.prompt == "" || prompt != s.prompt {
		s.t.Errorf("unexpected Input %q", prompt)
		return "", &prompter.NoSuchPromptError{Prompt: prompt}
	}
	if def != "" {
		s.t.Errorf("the guard must not suggest a default, got %q", def)
	}
	return s.answer, s.err
}

func prodReq() GuardRequest {
	return GuardRequest{Env: "prod", Protected: true, Target: "kubernetes", Where: "prod-ctx/myapp-prod", Verb: "dbshell --write"}
}

func testIO(stdin, stdout, stderr bool) (*iostreams.IOStreams, *bytes.Buffer) {
	ios, _, _, errOut := iostreams.Test()
	ios.SetStdinTTY(stdin)
	ios.SetStdoutTTY(stdout)
	ios.SetStderrTTY(stderr)
	return ios, errOut
}

const wantBanner = "PRODUCTION  environment prod · kubernetes prod-ctx/myapp-prod · dbshell --write\n"

func TestGuard(t *testing.T) {
	prompt := ConfirmPrompt("prod")
	if prompt != "Type the environment name (prod) to continue" {
		t.Fatalf("prompt %q", prompt)
	}
	tests := []struct {
		name        string
		req         func(GuardRequest) GuardRequest
		tty         bool
		neverPrompt bool
		p           *stubPrompter // nil: no question expected
		wantErr     func(error) bool
		wantStderr  string
	}{
		{
			name:       "not protected: nothing",
			req:        func(g GuardRequest) GuardRequest { g.Protected = false; return g },
			tty:        true,
			wantStderr: "",
		},
		{
			name:       "not protected, no terminal: nothing",
			req:        func(g GuardRequest) GuardRequest { g.Protected = false; return g },
			wantStderr: "",
		},
		{
			name:       "--yes on a terminal: banner, no question",
			req:        func(g GuardRequest) GuardRequest { g.Yes = true; return g },
			tty:        true,
			wantStderr: wantBanner + "  confirmed with --yes\n",
		},
		{
			name:       "--yes without a terminal",
			req:        func(g GuardRequest) GuardRequest { g.Yes = true; return g },
			wantStderr: wantBanner + "  confirmed with --yes\n",
		},
		{
			name:       "right name",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, answer: "prod"},
			wantStderr: wantBanner,
		},
		{
			name:       "right name with spaces",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, answer: "  prod \n"},
			wantStderr: wantBanner,
		},
		{
			name:       "wrong name",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, answer: "prd"},
			wantErr:    func(err error) bool { var ce *ConfirmError; return errors.As(err, &ce) && !ce.Aborted },
			wantStderr: wantBanner + "✗ confirmation did not match: nothing was run\n",
		},
		{
			name:       "case matters",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, answer: "PROD"},
			wantErr:    func(err error) bool { return errors.Is(err, exitcode.CancelError) },
			wantStderr: wantBanner + "✗ confirmation did not match: nothing was run\n",
		},
		{
			name:       "empty answer",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, answer: ""},
			wantErr:    func(err error) bool { return errors.Is(err, exitcode.CancelError) },
			wantStderr: wantBanner + "✗ confirmation did not match: nothing was run\n",
		},
		{
			name:       "prompt aborted",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, err: exitcode.CancelError},
			wantErr:    func(err error) bool { var ce *ConfirmError; return errors.As(err, &ce) && ce.Aborted },
			wantStderr: wantBanner,
		},
		{
			name:       "prompt broken",
			tty:        true,
			p:          &stubPrompter{prompt: prompt, err: errors.New("read /dev/tty: input/output error")},
			wantErr:    func(err error) bool { return err != nil && !errors.Is(err, exitcode.CancelError) },
			wantStderr: wantBanner,
		},
		{
			name: "no terminal, no --yes",
			wantErr: func(err error) bool {
				// Not a usage error: no "Run 'ctl ... --help' for usage." line (issue 20).
				return errors.Is(err, exitcode.ErrInvalid) && !errors.Is(err, exitcode.ErrUsage) &&
					err.Error() == "environment prod is protected: refusing to run without a terminal; pass --yes to confirm" &&
					strings.Contains(exitcode.HintOf(err), "--yes")
			},
			wantStderr: wantBanner,
		},
		{
			name:        "terminal with prompts disabled",
			tty:         true,
			neverPrompt: true,
			wantErr: func(err error) bool {
				return errors.Is(err, exitcode.ErrInvalid) && !errors.Is(err, exitcode.ErrUsage) && strings.Contains(err.Error(), "prompts disabled") &&
					strings.Contains(exitcode.HintOf(err), "CTL_PROMPT_DISABLED")
			},
			wantStderr: wantBanner,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, errOut := testIO(tt.tty, tt.tty, tt.tty)
			ios.SetNeverPrompt(tt.neverPrompt)
			p := tt.p
			if p == nil {
				p = &stubPrompter{}
			}
			p.t = t
			g := prodReq()
			if tt.req != nil {
				g = tt.req(g)
			}
			err := Guard(ios, p, g)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != nil && !tt.wantErr(err):
				t.Fatalf("wrong error: %#v (%v)", err, err)
			}
			if tt.p != nil && p.asked != 1 {
				t.Errorf("asked %d times, want once", p.asked)
			}
			if got := errOut.String(); got != tt.wantStderr {
				t.Errorf("stderr\n got %q\nwant %q", got, tt.wantStderr)
			}
		})
	}
}

func TestGuardNoTerminalOnOneSide(t *testing.T) {
	// stdin a terminal but stdout piped (ctl shell prod | tee): no prompt.
	for _, c := range []struct{ in, out bool }{{true, false}, {false, true}} {
		ios, _ := testIO(c.in, c.out, true)
		p := &stubPrompter{t: t}
		err := Guard(ios, p, prodReq())
		if !errors.Is(err, exitcode.ErrInvalid) || !strings.Contains(err.Error(), "without a terminal") {
			t.Errorf("stdin tty %v, stdout tty %v: got %v", c.in, c.out, err)
		}
	}
}

func TestGuardNilPrompter(t *testing.T) {
	ios, _ := testIO(true, true, true)
	if err := Guard(ios, nil, prodReq()); err == nil || errors.Is(err, exitcode.CancelError) {
		t.Fatalf("got %v", err)
	}
	g := prodReq()
	g.Yes = true
	if err := Guard(ios, nil, g); err != nil {
		t.Fatalf("--yes needs no prompter: %v", err)
	}
}

func TestGuardBannerColour(t *testing.T) {
	ios, errOut := testIO(true, true, true)
	ios.SetColorEnabled(true)
	g := prodReq()
	g.Yes = true
	if err := Guard(ios, nil, g); err != nil {
		t.Fatal(err)
	}
	out := errOut.String()
	// red, bold PRODUCTION
	if !strings.Contains(out, "\x1b[31m\x1b[1mPRODUCTION") {
		t.Errorf("no red bold PRODUCTION in %q", out)
	}
	for _, s := range []string{"prod", "prod-ctx/myapp-prod", "dbshell --write"} {
		if !strings.Contains(out, s) {
			t.Errorf("banner lacks %q: %q", s, out)
		}
	}

	// Colour on but stderr piped: plain text.
	ios, errOut = testIO(true, true, false)
	ios.SetColorEnabled(true)
	if err := Guard(ios, nil, g); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), "\x1b[") {
		t.Errorf("escapes on a piped stderr: %q", errOut.String())
	}
}

func TestBannerParts(t *testing.T) {
	cs := iostreams.NewColorScheme(false)
	tests := []struct {
		g    GuardRequest
		want string
	}{
		{GuardRequest{Env: "prod"}, "PRODUCTION  environment prod"},
		{GuardRequest{Env: "prod", Target: "ssh", Where: "deploy@web1", Verb: "shell"}, "PRODUCTION  environment prod · ssh deploy@web1 · shell"},
		{GuardRequest{Env: "prod", Where: "/srv/app", Verb: "manage migrate"}, "PRODUCTION  environment prod · /srv/app · manage migrate"},
	}
	for _, tt := range tests {
		if got := Banner(cs, tt.g); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestGuardRequestFor(t *testing.T) {
	env := &config.Environment{Name: "prod", Target: config.TargetKubernetes, Protected: true}
	g := GuardRequestFor(env, "ctx/ns", "shell", true)
	want := GuardRequest{Env: "prod", Protected: true, Target: "kubernetes", Where: "ctx/ns", Verb: "shell", Yes: true}
	if g != want {
		t.Fatalf("got %+v", g)
	}
}
