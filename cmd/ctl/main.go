// Command ctl operates a Django team's environments.
package main

import (
	"os"

	"github.com/ctlops/ctl/cmd/root"
)

func main() {
	os.Exit(root.Main())
}
