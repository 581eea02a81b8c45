// Package prompter is ctl's only way to ask the user something. The
// production implementation (package huhprompt, passed to the Factory by
// main) uses charm.land/huh/v2;
// tests use a stub that fails on any question it does not expect.
package prompter

import (
	"fmt"
)

// Prompter asks questions.
type Prompter interface {
	// Confirm asks a yes/no question.
	Confirm(prompt string, def bool) (bool, error)
	// Input asks for a line of text.
	Input(prompt, def string) (string, error)
}

// Selector is implemented by prompters that can offer a choice among
// options (the huh prompter does); callers fall back to Confirm.
type Selector interface {
	// Select returns the index of the chosen option.
	Select(prompt string, options []string, def int) (int, error)
}

// Refusing refuses every question: the prompter of a Factory that was
// given none.
type Refusing struct{}

// Confirm implements Prompter.
func (Refusing) Confirm(prompt string, _ bool) (bool, error) {
	return false, fmt.Errorf("cannot ask %q: no prompter", prompt)
}

// Input implements Prompter.
func (Refusing) Input(prompt, _ string) (string, error) {
	return "", fmt.Errorf("cannot ask %q: no prompter", prompt)
}

// NoSuchPromptError is returned by test stubs for an unexpected question.
type NoSuchPromptError struct{ Prompt string }

func (e *NoSuchPromptError) Error() string { return fmt.Sprintf("unexpected prompt: %q", e.Prompt) }
