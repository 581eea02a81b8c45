package migrate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/migrate"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
)

func TestMigrateFlags(t *testing.T) {
	parse := func(args ...string) (*migrate.Options, error) {
		ios, _, _, _ := iostreams.Test()
		var got *migrate.Options
		cmd := migrate.NewCmdMigrate(cmdutil.New(ios, cmdutil.Deps{}), func(_ context.Context, o *migrate.Options) error { got = o; return nil })
		cmd.SetArgs(args)
		cmd.SetOut(&strings.Builder{})
		cmd.SetErr(&strings.Builder{})
		_, err := cmd.ExecuteC()
		return got, err
	}
	o, err := parse("prod", "--yes", "--deadline", "2h", "--", "inventory", "0001")
	if err != nil {
		t.Fatal(err)
	}
	if o.Env != "prod" || !o.Yes || o.Deadline != 2*time.Hour || strings.Join(o.Args, " ") != "inventory 0001" {
		t.Fatalf("%+v", o)
	}
	if _, err := parse(); !errors.Is(err, exitcode.ErrUsage) {
		t.Errorf("no environment: %v, want a usage error", err)
	}
}
