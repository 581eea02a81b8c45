package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells/envedit"
	"github.com/ctlops/ctl/targets"
)

// EditOptions are the inputs of `ctl config edit`.
type EditOptions struct {
	WriteOptions
	// Editor is the command line of the editor ($VISUAL, else $EDITOR,
	// else vi), run by sh with the file as "$1".
	Editor string
}

// NewCmdEdit builds `ctl config edit`.
func NewCmdEdit(f *cmdutil.Factory, runF func(context.Context, *EditOptions) error) *cobra.Command {
	opts := &EditOptions{WriteOptions: WriteOptions{common: newCommon(f)}}
	cmd := &cobra.Command{
		Use:   "edit <env>",
		Short: "Edit an environment's variables in your editor",
		Long: `Open the environment's variables, decoded, as dotenv text (KEY=VALUE a
line, a comment above each naming its source) in $VISUAL or $EDITOR.
Values that are not text appear as base64 after "ctl-base64:" and are
written back as the same bytes. Delete a line to unset its key, add one
to create a key (where ctl config set would put it).

After you save and quit, the changes are shown redacted and confirmed,
then written as ctl config set writes them. If someone changed other
keys meanwhile, their changes are merged; if someone changed a key you
changed too, the editor opens again on the current values, your value on
that key's line and a note above it.

The file lives in a private temporary directory (0700, the file 0600)
and is deleted afterwards.`,
		Example:           `  $ EDITOR=nano ctl config edit qa`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cmdutil.CompleteEnvs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Env = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunEdit(cmd.Context(), opts)
		},
	}
	addWriteFlags(cmd, &opts.WriteOptions)
	return cmd
}

func (o *EditOptions) editor() string {
	if o.Editor != "" {
		return o.Editor
	}
	for _, k := range []string{"VISUAL", "EDITOR"} {
		if v := strings.TrimSpace(o.F.Getenv(k)); v != "" {
			return v
		}
	}
	return "vi"
}

// RunEdit runs the editor and writes the result.
func RunEdit(ctx context.Context, opts *EditOptions) error {
	t, env, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	defer func() { env.Clear() }()
	dflt, err := opts.destination(t, env)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ctl-config-edit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, t.Env().Name+".env")
	text := envedit.EditText(t.Env().Name, env, nil)
	for round := 0; ; round++ {
		if err := os.WriteFile(file, text, 0o600); err != nil {
			return err
		}
		clear(text)
		if err := opts.runEditor(ctx, file); err != nil {
			return err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		_ = os.Remove(file)
		vals, err := envedit.ParseEditText(data)
		clear(data)
		if err != nil {
			return exitcode.Invalid(fmt.Errorf("%w; nothing was written", err))
		}
		set, unset := envedit.FromEdit(env, vals)
		changes, err := envedit.Plan(env, set, unset, dflt)
		if err != nil {
			return exitcode.Invalid(err)
		}
		err = opts.write(ctx, t, env, "config edit", changes)
		var ce *targets.EnvConflictError
		if !errors.As(err, &ce) || round >= 4 {
			return err
		}
		// Someone changed a key we change too: read again, and re-open
		// the editor on the current values with our edits on top.
		cs := opts.IO.ColorScheme()
		fmt.Fprintf(opts.IO.ErrOut, "%s %v\n  re-opening the editor on the current values (yours kept on the lines you changed)\n", cs.WarningIcon(), err)
		fresh, ferr := t.(targets.AppEnvReader).AppEnv(ctx)
		if ferr != nil {
			return ferr
		}
		env.Clear()
		text = mergedText(t.Env().Name, fresh, set, unset, ce.Keys, dflt)
		env = fresh
	}
}

// mergedText is the editor's text after a conflict: the fresh values,
// with the user's own changes on top and a note on each conflicting key.
func mergedText(name string, fresh *targets.Environ, set map[string]string, unset, conflicts []string, dflt *envedit.Default) []byte {
	inConflict := map[string]bool{}
	for _, k := range conflicts {
		inConflict[k] = true
	}
	notes := map[string]string{}
	gone := map[string]bool{}
	for _, k := range unset {
		gone[k] = true
	}
	view := &targets.Environ{Where: fresh.Where}
	for _, v := range fresh.Vars {
		cur := v.Value
		if nv, ok := set[v.Name]; ok {
			v.Value, v.Known = nv, true
		}
		if inConflict[v.Name] {
			if gone[v.Name] {
				notes[""] += fmt.Sprintf("%s: you deleted it, and someone changed it meanwhile (now sha %s); delete its line again to unset it\n", v.Name, targets.ValueHash(cur))
			} else {
				notes[v.Name] = fmt.Sprintf("CONFLICT: someone changed %s meanwhile (now sha %s); this line holds yours (sha %s): keep, change or delete it", v.Name, targets.ValueHash(cur), targets.ValueHash(v.Value))
			}
		} else if gone[v.Name] {
			continue
		}
		view.Vars = append(view.Vars, v)
	}
	var added []string
	for k := range set {
		if _, ok := fresh.Lookup(k); !ok {
			added = append(added, k)
		}
	}
	sort.Strings(added)
	for _, k := range added {
		src := targets.EnvSource{Kind: targets.SourceFile, Name: "(new)"}
		if dflt != nil {
			src = targets.EnvSource{Kind: dflt.Kind, Name: dflt.Name, Key: k}
		}
		if inConflict[k] {
			notes[k] = "CONFLICT: someone created " + k + " meanwhile; this line holds yours"
		}
		view.Vars = append(view.Vars, targets.EnvVar{Name: k, Value: set[k], Known: true, Source: src})
	}
	view.Vars = targets.SortVars(view.Vars)
	notes[""] = strings.TrimSuffix(notes[""], "\n")
	return envedit.EditText(name, view, notes)
}

// runEditor runs the editor on file with ctl's terminal.
func (o *EditOptions) runEditor(ctx context.Context, file string) error {
	ed := o.editor()
	cmd := exec.CommandContext(ctx, "sh", "-c", ed+` "$1"`, "sh", file)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.IO.In, o.IO.Out, o.IO.ErrOut
	if f, ok := o.IO.In.(*os.File); ok {
		cmd.Stdin = f
	}
	cmd.Env = o.F.Environ()
	if err := cmd.Run(); err != nil {
		return exitcode.WithHint(fmt.Errorf("the editor (%s) failed: %w; nothing was written", ed, err), "set VISUAL or EDITOR to an editor that exits 0 on save")
	}
	return nil
}
