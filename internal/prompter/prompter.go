// Package prompter is ctl's only way to ask the user something. The
// production implementation uses charm.land/huh/v2; tests use a stub that
// fails on any question it does not expect.
package prompter

import (
	"errors"
	"fmt"
	"io"

	"charm.land/huh/v2"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

// Prompter asks questions.
type Prompter interface {
	// Confirm asks a yes/no question.
	Confirm(prompt string, def bool) (bool, error)
	// Input asks for a line of text.
	Input(prompt, def string) (string, error)
}

type huhPrompter struct {
	in  io.Reader
	out io.Writer
}

// New returns the huh-based prompter drawing on stderr.
func New(ios *iostreams.IOStreams) Prompter {
	return &huhPrompter{in: ios.In, out: ios.ErrOut}
}

func (p *huhPrompter) run(field huh.Field) error {
	form := huh.NewForm(huh.NewGroup(field)).WithInput(p.in).WithOutput(p.out).WithShowHelp(false)
	err := form.Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return exitcode.CancelError
	}
	return err
}

func (p *huhPrompter) Confirm(prompt string, def bool) (bool, error) {
	v := def
	err := p.run(huh.NewConfirm().Title(prompt).Value(&v))
	return v, err
}

func (p *huhPrompter) Input(prompt, def string) (string, error) {
	v := def
	err := p.run(huh.NewInput().Title(prompt).Value(&v))
	return v, err
}

// NoSuchPromptError is returned by test stubs for an unexpected question.
type NoSuchPromptError struct{ Prompt string }

func (e *NoSuchPromptError) Error() string { return fmt.Sprintf("unexpected prompt: %q", e.Prompt) }
