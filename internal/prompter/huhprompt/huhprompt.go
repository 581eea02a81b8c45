// Package huhprompt is the production prompter, built on charm.land/huh/v2.
// main hands New to the command Factory.
package huhprompt

import (
	"errors"
	"io"

	"charm.land/huh/v2"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
)

type huhPrompter struct {
	in  io.Reader
	out io.Writer
}

// New returns the huh-based prompter drawing on stderr.
func New(ios *iostreams.IOStreams) prompter.Prompter {
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

// Select offers options; arrows or j/k move, enter chooses.
func (p *huhPrompter) Select(prompt string, options []string, def int) (int, error) {
	v := def
	opts := make([]huh.Option[int], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o, i)
	}
	err := p.run(huh.NewSelect[int]().Title(prompt).Options(opts...).Value(&v))
	return v, err
}
