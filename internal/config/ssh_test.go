package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSSHKeys(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ctl.yaml", `environments:
  prod:
    target: ssh
    hosts: [web1]
    ssh_config: deploy/ssh_config
    identity_file: /keys/id_ed25519
    known_hosts: deploy/known_hosts
    ssh_options: [ServerAliveInterval=30]
`)
	cfg, err := Load(LoadOptions{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := cfg.Env("prod")
	if e.SSHConfig != filepath.Join(dir, "deploy", "ssh_config") || e.KnownHosts != filepath.Join(dir, "deploy", "known_hosts") ||
		e.IdentityFile != "/keys/id_ed25519" || !reflect.DeepEqual(e.SSHOptions, []string{"ServerAliveInterval=30"}) {
		t.Fatalf("env %+v", e)
	}
	write(t, dir, "ctl.yaml", "environments:\n  qa:\n    target: kubernetes\n    ssh_config: x\n")
	_, err = Load(LoadOptions{Cwd: dir})
	if err == nil || !strings.Contains(err.Error(), `ctl.yaml:4:17: key "ssh_config" applies to target ssh`) {
		t.Fatalf("err %v", err)
	}
	write(t, dir, "ctl.yaml", "environments:\n  prod:\n    target: ssh\n    ssh_option: [x]\n")
	_, err = Load(LoadOptions{Cwd: dir})
	if err == nil || !strings.Contains(err.Error(), `ctl.yaml:4:5: unknown key "ssh_option"`) || !strings.Contains(err.Error(), `did you mean "ssh_options"?`) {
		t.Fatalf("err %v", err)
	}
}
