// Package prompter is ctl's only way to ask the user something. The
// production implementation (package huhprompt) uses charm.land/huh/v2;
// tests use a stub that fails on any question it does not expect.
package prompter

import (
	"fmt"

	"github.com/ctlops/ctl/internal/iostreams"
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

// New returns the production prompter (huh, drawing on stderr) when the
// binary links it (internal/prompter/huhprompt registers itself), and
// otherwise one that refuses every question.
func New(ios *iostreams.IOStreams) Prompter {
	if factory != nil {
		return factory(ios)
	}
	return unlinked{}
}

var factory func(*iostreams.IOStreams) Prompter

// Register installs the production prompter; called from an init.
func Register(f func(*iostreams.IOStreams) Prompter) { factory = f }

type unlinked struct{}

func (unlinked) Confirm(prompt string, _ bool) (bool, error) {
	return false, fmt.Errorf("cannot ask %q: no prompter in this binary", prompt)
}

func (unlinked) Input(prompt, _ string) (string, error) {
	return "", fmt.Errorf("cannot ask %q: no prompter in this binary", prompt)
}

// NoSuchPromptError is returned by test stubs for an unexpected question.
type NoSuchPromptError struct{ Prompt string }

func (e *NoSuchPromptError) Error() string { return fmt.Sprintf("unexpected prompt: %q", e.Prompt) }
