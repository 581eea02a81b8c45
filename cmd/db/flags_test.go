package db

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/local"
)

func TestFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(nil, local.Driver{})})
	tests := []struct {
		name    string
		args    []string
		usage   string // a usage error containing this, or "" for success
		checkFn func(t *testing.T)
	}{
		{name: "restore needs a file", args: []string{"restore", "qa"}, usage: "needs a dump file"},
		{name: "restore --drop-previous alone", args: []string{"restore", "qa", "--drop-previous"}},
		{name: "dump takes one env", args: []string{"dump"}, usage: "environment"},
		{name: "pull into itself", args: []string{"pull", "qa", "--to", "qa"}, usage: "same environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dump *DumpOptions
			var restore *RestoreOptions
			var pull *PullOptions
			root := NewCmdDB(f)
			root.RemoveCommand(root.Commands()...)
			root.AddCommand(
				NewCmdDump(f, func(_ context.Context, o *DumpOptions) error { dump = o; return nil }),
				NewCmdRestore(f, func(_ context.Context, o *RestoreOptions) error { restore = o; return nil }),
				NewCmdPull(f, func(ctx context.Context, o *PullOptions) error {
					pull = o
					if o.To == o.Env {
						return RunPull(ctx, o)
					}
					return nil
				}),
			)
			root.SetArgs(tt.args)
			root.SilenceErrors, root.SilenceUsage = true, true
			err := root.Execute()
			if tt.usage == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if restore == nil || !restore.DropPrevious || restore.File != "" {
					t.Fatalf("restore options %+v", restore)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.usage) {
				t.Fatalf("error %v, want %q", err, tt.usage)
			}
			if tt.name != "dump takes one env" && !errors.Is(err, exitcode.ErrUsage) {
				t.Errorf("not a usage error: %v", err)
			}
			_, _ = dump, pull
		})
	}
}
