// Command ctl operates a Django team's environments. This binary is the
// start-up front (see package front); the commands that need client-go,
// pgx or the TUI run in ctl-full, installed next to it.
package main

import (
	"os"

	"github.com/ctlops/ctl/cmd/front"
)

func main() {
	os.Exit(front.Main())
}
