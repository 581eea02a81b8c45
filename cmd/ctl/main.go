// Command ctl operates a Django team's environments.
package main

import (
	"os"

	"github.com/ctlops/ctl/cmd/cmdutil"
	"github.com/ctlops/ctl/cmd/root"
	"github.com/ctlops/ctl/internal/prompter/huhprompt"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

func main() {
	k8s := kube.NewDriver(os.Getenv)
	os.Exit(root.Main(cmdutil.Deps{
		Drivers:  targets.NewDrivers(k8s, local.Driver{}, ssh.Driver{}, k8s),
		Kube:     k8s.Conns,
		Prompter: huhprompt.New,
	}))
}
