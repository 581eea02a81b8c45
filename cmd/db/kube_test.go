package db_test

// ctl db through the sandbox's port-forward (scripts/sandbox/up.sh): the
// app's database is a generated one on the rig, reached by the fake
// kubelet's port-forward to the postgres pod.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

func TestKubeDumpRestorePull(t *testing.T) {
	testenv.RequireTool(t, "pg_dump")
	name := fmt.Sprintf("i18kube%d", os.Getpid())
	project := testenv.ExampleProject(t)
	src := dbdumptest.Seed(t, project, name+"_src", testRows)
	dst := dbdumptest.Seed(t, project, name+"_dst", 10)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Database: src.Name, Protected: true})
	password := a.Password()
	sanitizer := filepath.Join(testenv.RepoRoot(t), "examples", "sanitize", "auth_user.sql")
	cfgPath := filepath.Join(a.Dir, "ctl.yaml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, fmt.Sprintf("    sanitize:\n      sql: %s\n  local:\n    target: local\n    dir: %s\n", sanitizer, a.Project)...)
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	tmpdir, err := os.MkdirTemp("", "ctl-db-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmpdir) })
	env := a.Env("DATABASE_URL="+dst.DSN, "TMPDIR="+tmpdir)
	roots := testenv.TempRoots(tmpdir)
	skip := append(testenv.OthersSecretHolders(t), a.SB.StateDir, filepath.Dir(testenv.Ctl(t)), a.Project, project)
	run := func(args ...string) result {
		t.Helper()
		cmd := exec.Command(testenv.Ctl(t), args...)
		cmd.Dir, cmd.Env = a.Dir, env
		out, errOut, code := testenv.Run(t, cmd, "")
		return result{out, errOut, code}
	}

	// A dump in flight through the port-forward: no password in argv or
	// files; then the API server connection is stopped under it.
	proxy := a.ProxyAPI(t)
	env = a.Env("DATABASE_URL="+dst.DSN, "TMPDIR="+tmpdir) // the kubeconfig now points at the relay
	release := dbdumptest.Lock(t, src.Name, "auth_user")
	out := filepath.Join(a.Dir, "qa.dump")
	cmd := exec.Command(testenv.Ctl(t), "db", "dump", "qa", "-o", out, "--yes")
	cmd.Dir, cmd.Env = a.Dir, env
	var errb testenv.SyncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kids := waitDumping(cmd.Process.Pid)
	if len(kids["pg_dump"]) == 0 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("no pg_dump under ctl:\n%s", errb.String())
	}
	testenv.AssertSecretNotInArgv(t, password)
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
	time.Sleep(300 * time.Millisecond)
	proxy.Stop()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		release()
		t.Fatalf("ctl db dump did not end within 60 s of the tunnel's loss:\n%s", errb.String())
	}
	release()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(errb.String(), "connection to the database was lost") {
		t.Fatalf("lost port-forward: exit %d\n%s", code, errb.String())
	}
	for _, p := range kids["pg_dump"] {
		if alive(p) {
			t.Errorf("pg_dump %d survived", p)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a dump file exists after the tunnel died")
	}
	noPartials(t, a.Dir)
	proxy.Start(t)

	// The dump, verified; restore into the (protected) qa needs --yes and
	// a terminal, so it is refused here; restore into local instead.
	r := run("db", "dump", "qa", "-o", out, "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "port-forward to pod") {
		t.Fatalf("dump: exit %d\n%s", r.code, r.stderr)
	}
	if r := run("db", "restore", "qa", out, "--yes"); r.code != 2 || !strings.Contains(r.stderr, "without a terminal") {
		t.Fatalf("protected restore from a script: exit %d\n%s", r.code, r.stderr)
	}
	r = run("db", "restore", "local", out, "--yes")
	if r.code != 0 {
		t.Fatalf("restore: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.OriginalEmails(t, dst.Name); n != fmt.Sprint(testRows) {
		t.Fatalf("restored local has %s original users", n)
	}
	// pull qa into local, sanitised.
	r = run("db", "pull", "qa", "--yes", "--drop-previous")
	if r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	if n := dbdumptest.OriginalEmails(t, dst.Name); n != "0" {
		t.Fatalf("%s original e-mail addresses remain after the pull", n)
	}
	if strings.Contains(r.stdout+r.stderr, password) {
		t.Fatal("the password is in ctl's output")
	}

	// --remote: pg_dump runs in the database's pod (through exec), the
	// archive comes back over the exec stream, the password only over its
	// stdin; while it runs, no argv holds the password.
	rout := filepath.Join(a.Dir, "remote.dump")
	release = dbdumptest.Lock(t, src.Name, "auth_user")
	cmd = exec.Command(testenv.Ctl(t), "db", "dump", "qa", "--remote", "-o", rout, "--yes")
	cmd.Dir, cmd.Env = a.Dir, env
	var rerr testenv.SyncBuffer
	cmd.Stderr = &rerr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 400 && !pgDumpRunningOutside(cmd.Process.Pid); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	testenv.AssertSecretNotInArgv(t, password)
	release()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("dump --remote: %v\n%s", err, rerr.String())
	}
	if !strings.Contains(rerr.String(), "pg_dump runs on pod "+a.NS+"/postgres-0 (container postgres) (--remote)") {
		t.Errorf("where pg_dump ran is not said:\n%s", rerr.String())
	}
	if listing, err := exec.Command("pg_restore", "--list", rout).Output(); err != nil || !strings.Contains(string(listing), "auth_user") {
		t.Fatalf("the remote dump does not list: %v", err)
	}
	if strings.Contains(rerr.String(), password) {
		t.Fatal("the password is in ctl's output")
	}
	testenv.AssertSecretNotInFiles(t, password, roots, skip...)
}
