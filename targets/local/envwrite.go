package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ctlops/ctl/internal/atomicfile"
	"github.com/ctlops/ctl/targets"
)

var _ targets.EnvWriter = (*Target)(nil)

// WriteAppEnv applies changes to the project's env file (.env beside
// ctl.yaml, or env_file; created 0600 when missing) through
// internal/atomicfile: a key whose value changed meanwhile to another
// than the new one is an *targets.EnvConflictError and nothing is written;
// other keys changed meanwhile are kept.
func (t *Target) WriteAppEnv(_ context.Context, changes []targets.EnvChange) (*targets.EnvWriteResult, error) {
	file := t.envFile
	if file == "" {
		file = filepath.Join(t.dir, ".env")
	}
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("environment %q: %w", t.env.Name, err)
	}
	defer clear(data)
	out, err := targets.MergeEnvFile(file, data, changes)
	if err != nil {
		return nil, err
	}
	defer clear(out)
	// A last look: the file must still be what was merged into.
	if now, _ := os.ReadFile(file); !bytes.Equal(now, data) {
		return nil, &targets.EnvConflictError{Where: file, Keys: []string{"(the file changed while it was being written)"}}
	}
	if err := atomicfile.Write(file, out, 0o600); err != nil {
		return nil, fmt.Errorf("environment %q: writing %s: %w", t.env.Name, file, err)
	}
	return &targets.EnvWriteResult{Written: []string{file}}, nil
}
