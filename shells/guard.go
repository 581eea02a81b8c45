package shells

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
)

// GuardRequest describes what is about to run, for the production guard.
type GuardRequest struct {
	// Env is the environment's name; on a protected environment the user
	// must type it exactly to go on.
	Env string
	// Protected is the environment's `protected:` setting. When false the
	// guard does nothing.
	Protected bool
	// Target is the target kind: local, kubernetes, ssh.
	Target string
	// Where says where exactly: "ctx/namespace", "deploy@web1", a directory.
	Where string
	// Verb is what will run: "shell", "pyshell", "dbshell --write",
	// "manage migrate". Shown in the banner.
	Verb string
	// Yes is --yes: the user confirmed in advance; no question is asked
	// (the banner is still printed).
	Yes bool
}

// GuardRequestFor fills a GuardRequest from an environment's
// configuration: name, protection and target kind.
func GuardRequestFor(env *config.Environment, where, verb string, yes bool) GuardRequest {
	return GuardRequest{
		Env: env.Name, Protected: env.Protected, Target: env.Target,
		Where: where, Verb: verb, Yes: yes,
	}
}

// ConfirmPrompt is the question the guard asks, for an environment name.
func ConfirmPrompt(env string) string {
	return fmt.Sprintf("Type the environment name (%s) to continue", env)
}

// ConfirmError is the guard's refusal after a question: the answer did not
// match, or the prompt was aborted. It wraps exitcode.CancelError, so it
// exits 130 (255 in the commands that pass a child's code through).
type ConfirmError struct {
	Env string
	// Aborted is true when the prompt itself was aborted (Ctrl-C, Esc).
	Aborted bool
}

func (e *ConfirmError) Error() string {
	if e.Aborted {
		return "confirmation aborted: nothing was run"
	}
	return "confirmation did not match: nothing was run"
}

// Unwrap makes errors.Is(err, exitcode.CancelError) true.
func (e *ConfirmError) Unwrap() error { return exitcode.CancelError }

// Guard is the production guard, the same for every verb. It returns nil
// when the session may start. Not protected: nil, nothing printed.
// Protected: a banner on stderr, then
//
//   - with Yes: nil;
//   - when ios.CanPrompt(): the user must type the environment name
//     (trimmed, exact); otherwise a *ConfirmError, which is a cancel;
//   - otherwise (no terminal, or prompts disabled): an
//     an error of kind exitcode.ErrInvalid with a hint, telling to pass
//     --yes (not a usage error: the invocation is right, the terminal is
//     missing).
//
// p is only used when a question is asked.
func Guard(ios *iostreams.IOStreams, p prompter.Prompter, g GuardRequest) error {
	if !g.Protected {
		return nil
	}
	cs := iostreams.NewColorScheme(ios.ColorEnabled() && ios.IsStderrTTY())
	fmt.Fprintln(ios.ErrOut, Banner(cs, g))
	if g.Yes {
		fmt.Fprintln(ios.ErrOut, cs.Muted("  confirmed with --yes"))
		return nil
	}
	if !ios.CanPrompt() {
		if ios.IsStdinTTY() && ios.IsStdoutTTY() {
			// A terminal, but prompts are turned off.
			return exitcode.WithHint(
				exitcode.Invalidf("environment %s is protected: refusing to run with prompts disabled; pass --yes to confirm", g.Env),
				"CTL_PROMPT_DISABLED is set, so ctl cannot ask you to type the environment name")
		}
		return exitcode.WithHint(
			exitcode.Invalidf("environment %s is protected: refusing to run without a terminal; pass --yes to confirm", g.Env),
			fmt.Sprintf("run it from a terminal to type the confirmation, or add --yes if a script really must run %s on %s", verbOr(g.Verb), g.Env))
	}
	if p == nil {
		return errors.New("production guard: no prompter to ask for confirmation")
	}
	answer, err := p.Input(ConfirmPrompt(g.Env), "")
	if errors.Is(err, exitcode.CancelError) {
		return &ConfirmError{Env: g.Env, Aborted: true}
	}
	if err != nil {
		return fmt.Errorf("asking to confirm %s: %w", g.Env, err)
	}
	if strings.TrimSpace(answer) != g.Env {
		ce := &ConfirmError{Env: g.Env}
		// The root command prints only "cancelled" for a cancel; say why.
		fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.FailureIcon(), ce.Error())
		return ce
	}
	return nil
}

// Banner renders the one-line production banner:
//
//	PRODUCTION  environment prod · kubernetes prod-ctx/myapp-prod · dbshell --write
//
// "PRODUCTION" is red and bold when cs has colour.
func Banner(cs *iostreams.ColorScheme, g GuardRequest) string {
	parts := []string{"environment " + cs.Bold(g.Env)}
	if loc := strings.TrimSpace(g.Target + " " + g.Where); loc != "" {
		parts = append(parts, cs.Muted(loc))
	}
	if g.Verb != "" {
		parts = append(parts, cs.Bold(g.Verb))
	}
	return cs.Red(cs.Bold("PRODUCTION")) + "  " + strings.Join(parts, " · ")
}

func verbOr(v string) string {
	if v == "" {
		return "this"
	}
	return v
}
