package restart_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/restart"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

func TestRestartFlags(t *testing.T) {
	parse := func(args ...string) (*restart.Options, error) {
		ios, _, _, _ := iostreams.Test()
		var got *restart.Options
		cmd := restart.NewCmdRestart(cmdutil.New(ios, cmdutil.Deps{}), func(_ context.Context, o *restart.Options) error { got = o; return nil })
		cmd.SetArgs(args)
		cmd.SetOut(&strings.Builder{})
		cmd.SetErr(&strings.Builder{})
		_, err := cmd.ExecuteC()
		return got, err
	}
	o, err := parse("prod", "web", "worker", "--parallel", "3", "--timeout", "2m", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	if o.Env != "prod" || strings.Join(o.Components, ",") != "web,worker" || o.Parallel != 3 || o.Timeout != 2*time.Minute || !o.Yes {
		t.Fatalf("%+v", o)
	}
	for _, bad := range [][]string{{}, {"prod", "--parallel", "0"}} {
		if _, err := parse(bad...); !errors.Is(err, exitcode.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}
