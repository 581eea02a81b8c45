package root

// The full tree drives every target and asks with huh. The start-up front
// (cmd/ctl) links none of these; what needs them runs in ctl-full.
import (
	_ "github.com/ctlops/ctl/internal/prompter/huhprompt"
	_ "github.com/ctlops/ctl/targets/kube"
	_ "github.com/ctlops/ctl/targets/local"
	_ "github.com/ctlops/ctl/targets/ssh"
)
