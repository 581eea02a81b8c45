// Package huhprompt is the production prompter, built on charm.land/huh/v2.
// Linking it (a blank import) makes prompter.New return it.
package huhprompt

import (
	"errors"
	"io"

	"charm.land/huh/v2"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/prompter"
)

func init() { prompter.Register(New) }

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
