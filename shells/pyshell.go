package shells

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ctlops/ctl/targets"
)

// PyShellArgv returns the manage.py command of a Django shell. flavour is
// auto, shell or shell_plus; auto asks Django (`manage.py help
// --commands`) whether shell_plus exists, i.e. whether django-extensions
// is installed *and* in INSTALLED_APPS.
func PyShellArgv(ctx context.Context, t targets.Target, flavour string, extra []string) ([]string, error) {
	manage, err := t.ManageArgv(ctx)
	if err != nil {
		return nil, err
	}
	if flavour == "" {
		flavour = "auto"
	}
	if flavour == "auto" {
		flavour = "shell"
		var out, errb bytes.Buffer
		code, err := t.Run(ctx, targets.Command{Argv: append(append([]string{}, manage...), "help", "--commands"), Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
		if err != nil {
			return nil, err
		}
		if code != 0 {
			return nil, fmt.Errorf("manage.py help --commands failed (exit %d): %s", code, lastLines(errb.String(), 3))
		}
		if HasCommand(&out, "shell_plus") {
			flavour = "shell_plus"
		}
	}
	return append(append(append([]string{}, manage...), flavour), extra...), nil
}

// HasCommand reports whether `manage.py help --commands` output lists cmd.
func HasCommand(r io.Reader, cmd string) bool {
	b, _ := io.ReadAll(r)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == cmd {
			return true
		}
	}
	return false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
