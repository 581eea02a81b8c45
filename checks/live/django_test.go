package live

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/targets"
)

// fakeTarget runs nothing: Run prints what it is told.
type fakeTarget struct {
	stdout, stderr string
	code           int
	argv           []string
}

func (f *fakeTarget) Env() *config.Environment { return &config.Environment{Name: "x"} }
func (f *fakeTarget) Run(_ context.Context, c targets.Command) (int, error) {
	f.argv = c.Argv
	fmt.Fprint(c.Stdout, f.stdout)
	fmt.Fprint(c.Stderr, f.stderr)
	return f.code, nil
}
func (f *fakeTarget) ShellArgv(string) []string { return nil }
func (f *fakeTarget) ManageArgv(context.Context) ([]string, error) {
	return []string{"python", "manage.py"}, nil
}
func (f *fakeTarget) Database(context.Context) (*targets.DB, func() error, error) {
	return nil, nil, nil
}
func (f *fakeTarget) Settings() []targets.Setting { return nil }

func TestRunDjango(t *testing.T) {
	ft := &fakeTarget{stdout: "System check identified some issues:\n\nWARNINGS:\n?: (security.W018) You should not have DEBUG set to True in deployment.\n\nSystem check identified 1 issue (0 silenced).\n"}
	res, err := RunDjango(context.Background(), ft, nil)
	if err != nil || len(res.Messages) != 1 || res.Messages[0].ID != "security.W018" {
		t.Fatalf("%+v %v", res, err)
	}
	if got := strings.Join(ft.argv, " "); got != "python manage.py check --deploy --fail-level CRITICAL" {
		t.Errorf("argv %q", got)
	}
	// An import error: no report, the layer fails, and what Django
	// printed is redacted before it becomes the error.
	ft = &fakeTarget{stderr: "Traceback (most recent call last):\n  ...\ndjango.core.exceptions.ImproperlyConfigured: bad key hunter2-hunter2\n", code: 1}
	redact := func(s string) string { return strings.ReplaceAll(s, "hunter2-hunter2", "<redacted>") }
	_, err = RunDjango(context.Background(), ft, redact)
	if err == nil || !strings.Contains(err.Error(), "ImproperlyConfigured: bad key <redacted>") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v", err)
	}
}
