package ssh_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

// BenchmarkSSHExec compares `ctl exec ENV --all` on 4 sshd hosts with 4
// `ctl exec ENV --host H` runs one after another, with multiplexing
// (warm ControlMaster connections) and without (a handshake per call).
// make bench-ssh runs it.
func BenchmarkSSHExec(b *testing.B) {
	names := []string{"web1", "web2", "web3", "web4"}
	f := testenv.StartSSHFleet(b, names...)
	dir := b.TempDir()
	cfg := fmt.Sprintf("environments:\n  vm:\n    target: ssh\n    ssh_config: %s\n    hosts: [web1, web2, web3, web4]\n", f.Config)
	if err := os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	bin := testenv.Ctl(b)
	mux, err := os.MkdirTemp("", "mux")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(mux) })
	run := func(b *testing.B, muxDir string, args ...string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = testenv.CleanEnv("HOME="+dir, "CTL_SSH_CONTROL_DIR="+muxDir)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ctl %v: %v\n%s", args, err, out)
		}
	}
	for _, remote := range []string{"true"} {
		for _, m := range []struct{ name, dir string }{{"mux", mux}, {"nomux", "none"}} {
			b.Run(fmt.Sprintf("cmd=%s/%s/all", remote, m.name), func(b *testing.B) {
				run(b, m.dir, "exec", "vm", "--all", "--", "sh", "-c", remote) // warm up
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					run(b, m.dir, "exec", "vm", "--all", "--", "sh", "-c", remote)
				}
			})
			b.Run(fmt.Sprintf("cmd=%s/%s/serial", remote, m.name), func(b *testing.B) {
				run(b, m.dir, "exec", "vm", "--all", "--", "true")
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for _, h := range names {
						run(b, m.dir, "exec", "vm", "--host", h, "--", "sh", "-c", remote)
					}
				}
			})
		}
	}
}
