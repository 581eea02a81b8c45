package status_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctlops/ctl/cmd/cmdutil"
	statusCmd "github.com/ctlops/ctl/cmd/status"
	"github.com/ctlops/ctl/internal/iostreams"
	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/status"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/local"
	"github.com/ctlops/ctl/targets/ssh"
)

func run(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := cmdutil.New(ios, cmdutil.Deps{Drivers: targets.NewDrivers(nil, local.Driver{}, ssh.Driver{})})
	f.Cwd = func() (string, error) { return dir, nil }
	f.Getenv = func(k string) string {
		if k == "HOME" || k == "PATH" || k == "CTL_SSH_CONTROL_DIR" {
			return os.Getenv(k)
		}
		return ""
	}
	cmd := statusCmd.NewCmdStatus(f, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v: %s", args, err, out)
	}
}

// The real example project: git describe, pending migrations from
// showmigrations --plan (before and after migrate), the SQLite database;
// an SSH environment whose host answers and one whose host does not.
func TestLocalAndSSHRows(t *testing.T) {
	testenv.RequireTool(t, "git")
	proj := testenv.ExampleProject(t)
	git(t, proj, "init", "-q")
	git(t, proj, "add", "-A")
	git(t, proj, "commit", "-q", "-m", "init")
	git(t, proj, "tag", "v0.1.0")

	// Real sshd hosts: box's dir holds a REVISION file (no git), gitbox's
	// is the tagged git checkout, broken's revision command fails.
	t.Setenv("CTL_SSH_CONTROL_DIR", "none")
	t.Setenv("SSH_AUTH_SOCK", "")
	fleet := testenv.StartSSHFleet(t, "web1")
	revDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(revDir, "REVISION"), []byte("release-2026.11.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := closed.Addr().(*net.TCPAddr).Port
	_ = closed.Close()
	sshEnv := func(name, body string) string {
		return "  " + name + ":\n    target: ssh\n    ssh_config: " + fleet.Config + "\n    hosts: [web1]\n" + body
	}
	cfg := "environments:\n  local: {}\n" +
		sshEnv("box", "    dir: "+revDir+"\n") +
		sshEnv("gitbox", "    dir: "+proj+"\n") +
		sshEnv("broken", "    dir: "+revDir+"\n    revision_command: \"echo no release recorded >&2; exit 3\"\n") +
		"  gone:\n    target: ssh\n    user: deploy\n    hosts: [127.0.0.1]\n    port: " + strconv.Itoa(closedPort) + "\n"
	if err := os.WriteFile(filepath.Join(proj, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := func() map[string]status.Env {
		out, stderr, err := run(t, proj, "--json")
		if err != nil {
			t.Fatalf("status --json: %v\n%s", err, stderr)
		}
		var d struct {
			SchemaVersion int          `json:"schemaVersion"`
			Environments  []status.Env `json:"environments"`
		}
		if err := json.Unmarshal([]byte(out), &d); err != nil || d.SchemaVersion != 1 {
			t.Fatalf("not a v1 document (%v):\n%s", err, out)
		}
		m := map[string]status.Env{}
		for _, e := range d.Environments {
			m[e.Name] = e
		}
		return m
	}
	envs := doc()
	l := envs["local"].Local
	if l == nil || l.Git != "v0.1.0" || l.PendingMigrations == nil || *l.PendingMigrations == 0 {
		t.Fatalf("local before migrate: %+v", envs["local"])
	}
	// warn for the pending migrations, or fail when the SQLite file
	// does not exist yet (it depends on the copy).
	if h := envs["local"].Health; h != status.HealthWarn && h != status.HealthFail {
		t.Errorf("pending migrations: health %s", h)
	}
	if b := envs["box"]; b.Reachable == nil || !*b.Reachable || b.Health != status.HealthOK || b.Version != "release-2026.11.3" {
		t.Errorf("box (REVISION file): %+v", b)
	}
	if b := envs["gitbox"]; b.Health != status.HealthOK || b.Version != "v0.1.0" {
		t.Errorf("gitbox (git describe): %+v", b)
	}
	if b := envs["broken"]; b.Reachable == nil || !*b.Reachable || b.Health != status.HealthWarn || b.Version != "" ||
		!strings.Contains(b.RevisionError, "exited 3 on web1: no release recorded") || !strings.Contains(b.Note, "revision: ") {
		t.Errorf("broken (failing revision command): %+v", b)
	}
	if g := envs["gone"]; g.Reachable == nil || *g.Reachable || g.Health != status.HealthFail {
		t.Errorf("gone: %+v", g)
	}

	m := exec.Command(filepath.Join(proj, ".venv", "bin", "python"), "manage.py", "migrate", "--noinput")
	m.Dir = proj
	if out, err := m.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v: %s", err, out)
	}
	after := doc()["local"]
	l = after.Local
	if after.Health != status.HealthOK {
		t.Errorf("after migrate: health %s, want ok", after.Health)
	}
	if l.PendingMigrations == nil || *l.PendingMigrations != 0 || l.DBReachable == nil || !*l.DBReachable {
		t.Fatalf("local after migrate: %+v", l)
	}

	// Off a terminal: the same rows as tab-separated lines, once.
	out, _, err := run(t, proj)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "local\tlocal\tv0.1.0\tdb up\t") || !strings.Contains(lines[0], "\tapplied\t") {
		t.Fatalf("table:\n%s", out)
	}
	row := func(name string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, name+"\t") {
				return l
			}
		}
		t.Fatalf("no %s row:\n%s", name, out)
		return ""
	}
	if r := row("box"); !strings.HasPrefix(r, "box\tssh\trelease-2026.11.3\thost up\t") {
		t.Errorf("box row: %q", r)
	}
	if r := row("broken"); !strings.HasPrefix(r, "broken\tssh\t?\thost up\t") || !strings.Contains(r, "revision: revision command exited 3 on web1: no release recorded") || !strings.HasSuffix(r, "\twarn") {
		t.Errorf("broken row: %q", r)
	}
	if r := row("gone"); !strings.HasPrefix(r, "gone\tssh\t-\t") || !strings.HasSuffix(r, "\tfail") {
		t.Errorf("gone row: %q", r)
	}

	// --json=FIELDS selects.
	out, _, err = run(t, proj, "--json=name,health")
	if err != nil {
		t.Fatal(err)
	}
	var sel map[string]any
	_ = json.Unmarshal([]byte(out), &sel)
	first := sel["environments"].([]any)[0].(map[string]any)
	if len(first) != 2 || first["name"] != "local" {
		t.Fatalf("selected fields: %v", first)
	}
	if bytes.Contains([]byte(out), []byte("password")) {
		t.Fatal("password in output")
	}
}

func TestUnknownEnvIsUsageError(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "ctl.yaml"), []byte("environments:\n  qa:\n    target: ssh\n    hosts: [127.0.0.1]\n"), 0o644)
	_, _, err := run(t, dir, "nope")
	if err == nil || !strings.Contains(err.Error(), `unknown environment "nope"`) {
		t.Fatalf("err = %v", err)
	}
}
