// Command ctl-full is ctl's whole command tree. Users run `ctl`, which
// answers the lean commands itself and hands every other one, argv
// unchanged, to this binary (see package front).
package main

import (
	"os"

	"github.com/ctlops/ctl/cmd/root"
)

func main() {
	os.Exit(root.Main())
}
