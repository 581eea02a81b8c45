package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ctlops/ctl/internal/atomicfile"
)

// Installer installs a missing program with the platform's package
// manager.
type Installer struct {
	// Manager is apt, dnf or brew ("" when none was found).
	Manager string
	// Sudo: the command needs root and ctl is not root.
	Sudo bool
}

// DetectInstaller finds apt-get, dnf or brew on PATH.
func DetectInstaller(lookPath func(string) (string, error), euid int) *Installer {
	for _, m := range []struct{ bin, name string }{{"apt-get", "apt"}, {"dnf", "dnf"}, {"brew", "brew"}} {
		if _, err := lookPath(m.bin); err == nil {
			in := &Installer{Manager: m.name}
			if m.name != "brew" && euid != 0 {
				if _, err := lookPath("sudo"); err == nil {
					in.Sudo = true
				}
			}
			return in
		}
	}
	return &Installer{}
}

var packages = map[string]map[string]string{
	"psql":    {"apt": "postgresql-client", "dnf": "postgresql", "brew": "libpq"},
	"kubectl": {"apt": "kubectl", "dnf": "kubectl", "brew": "kubectl"},
}

// Commands are the argv of the installation of program.
func (in *Installer) Commands(program string) [][]string {
	pkg := packages[program][in.Manager]
	if pkg == "" {
		return nil
	}
	var cmds [][]string
	switch in.Manager {
	case "apt":
		cmds = [][]string{{"apt-get", "install", "-y", pkg}}
	case "dnf":
		cmds = [][]string{{"dnf", "install", "-y", pkg}}
	case "brew":
		cmds = [][]string{{"brew", "install", pkg}}
		if pkg == "libpq" { // keg-only: link psql onto PATH
			cmds = append(cmds, []string{"brew", "link", "--force", "libpq"})
		}
	}
	if in.Sudo {
		for i := range cmds {
			cmds[i] = append([]string{"sudo"}, cmds[i]...)
		}
	}
	return cmds
}

// Fix installs program, or nil when no package manager is known.
func (in *Installer) Fix(program string) *Fix {
	cmds := in.Commands(program)
	if len(cmds) == 0 {
		return nil
	}
	plan := make([]string, len(cmds))
	for i, c := range cmds {
		plan[i] = strings.Join(c, " ")
	}
	title := "install " + program + " with " + in.Manager
	if in.Sudo {
		title += " (sudo: asks for your password)"
	}
	return &Fix{Title: title, Plan: plan, Apply: func(ctx context.Context, fio FixIO) error {
		for _, c := range cmds {
			cmd := exec.CommandContext(ctx, c[0], c[1:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = fio.In, fio.Out, fio.ErrOut
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s: %w", strings.Join(c, " "), err)
			}
		}
		return nil
	}}
}

// Completion markers delimit the block ctl owns in a shell rc file.
const (
	completionBegin = "# >>> ctl completion >>>"
	completionEnd   = "# <<< ctl completion <<<"
)

// completionTarget says where completion for shell is installed.
type completionTarget struct {
	shell string
	// rc is the file holding the marked block (bash, zsh), or the
	// completion file itself (fish, whole file).
	rc        string
	wholeFile bool
	block     string
	// others are places a package or the user may have installed it.
	others []string
}

func completionFor(shell, home, zdotdir string) *completionTarget {
	switch shell {
	case "bash":
		return &completionTarget{shell: "bash", rc: filepath.Join(home, ".bashrc"),
			block: "if command -v ctl >/dev/null 2>&1; then source <(ctl completion bash); fi",
			others: []string{filepath.Join(home, ".local/share/bash-completion/completions/ctl"),
				"/usr/share/bash-completion/completions/ctl", "/etc/bash_completion.d/ctl",
				"/usr/local/etc/bash_completion.d/ctl", "/opt/homebrew/etc/bash_completion.d/ctl"}}
	case "zsh":
		dir := home
		if zdotdir != "" {
			dir = zdotdir
		}
		return &completionTarget{shell: "zsh", rc: filepath.Join(dir, ".zshrc"),
			block: "if (( $+commands[ctl] )); then\n  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit }\n  source <(ctl completion zsh)\nfi",
			others: []string{"/usr/share/zsh/vendor-completions/_ctl", "/usr/local/share/zsh/site-functions/_ctl",
				"/opt/homebrew/share/zsh/site-functions/_ctl", "/usr/share/zsh/site-functions/_ctl"}}
	case "fish":
		return &completionTarget{shell: "fish", rc: filepath.Join(home, ".config/fish/completions/ctl.fish"), wholeFile: true,
			block:  "ctl completion fish | source",
			others: []string{"/usr/share/fish/vendor_completions.d/ctl.fish", "/usr/local/share/fish/vendor_completions.d/ctl.fish", "/opt/homebrew/share/fish/vendor_completions.d/ctl.fish"}}
	}
	return nil
}

func (c *completionTarget) installed() (string, bool) {
	b, err := os.ReadFile(c.rc)
	if err == nil && (bytes.Contains(b, []byte(completionBegin)) || bytes.Contains(b, []byte("ctl completion "+c.shell))) {
		return c.rc, true
	}
	for _, o := range c.others {
		if _, err := os.Stat(o); err == nil {
			return o, true
		}
	}
	return "", false
}

// content is the rc file with ctl's block added or replaced.
func (c *completionTarget) content() ([]byte, fs.FileMode, error) {
	block := completionBegin + "\n# added by `ctl doctor --fix`; delete this block to undo\n" + c.block + "\n" + completionEnd + "\n"
	if c.wholeFile {
		return []byte(block), 0o644, nil
	}
	mode := fs.FileMode(0o644)
	old, err := os.ReadFile(c.rc)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, err
	}
	if st, err := os.Stat(c.rc); err == nil {
		mode = st.Mode().Perm()
	}
	s := string(old)
	if i := strings.Index(s, completionBegin); i >= 0 {
		if j := strings.Index(s[i:], completionEnd); j >= 0 {
			end := i + j + len(completionEnd)
			if end < len(s) && s[end] == '\n' {
				end++
			}
			return []byte(s[:i] + block + s[end:]), mode, nil
		}
	}
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	if s != "" {
		s += "\n"
	}
	return []byte(s + block), mode, nil
}

func (s *state) checkCompletion() Outcome {
	sh := filepath.Base(s.d.Getenv("SHELL"))
	if sh == "." || sh == "" {
		return Outcome{Status: Skip, Message: "$SHELL is not set"}
	}
	c := completionFor(sh, home(s.d), s.d.Getenv("ZDOTDIR"))
	if c == nil {
		return Outcome{Status: Skip, Message: fmt.Sprintf("no completion for %s (bash, zsh and fish have one)", sh)}
	}
	if where, ok := c.installed(); ok {
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s completion: %s", sh, where)}
	}
	verb := "append a marked block to"
	if c.wholeFile {
		verb = "write"
	}
	return Outcome{Status: Warn, Message: fmt.Sprintf("no ctl completion for %s", sh),
		Hint: "ctl completion " + sh + " --help shows how; ctl doctor --fix installs it",
		Fix: &Fix{Title: "install " + sh + " completion", Plan: []string{
			fmt.Sprintf("%s %s:", verb, c.rc),
			indent(completionBegin + "\n" + c.block + "\n" + completionEnd),
		}, Apply: func(context.Context, FixIO) error {
			data, mode, err := c.content()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(c.rc), 0o755); err != nil {
				return err
			}
			return atomicfile.WriteMode(c.rc, data, mode)
		}}}
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = "    " + lines[i]
	}
	return strings.Join(lines, "\n")
}
