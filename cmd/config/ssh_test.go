package config_test

// ctl config on an ssh environment of two real sshd hosts
// (testenv.StartSSHFleet): targets/ssh's AppEnv (the env files a session
// sources) and its atomic write on every host.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlops/ctl/internal/testenv"
)

type vm struct {
	dir, home, proj, urlFile, envFile string
	env                               []string
}

func newVM(t *testing.T) *vm {
	t.Helper()
	fleet := testenv.StartSSHFleet(t, "web1", "web2")
	v := &vm{dir: t.TempDir(), home: t.TempDir(), proj: t.TempDir()}
	mux, err := os.MkdirTemp("", "mux") // control socket paths must be short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mux) })
	v.urlFile = filepath.Join(t.TempDir(), "myapp.env")
	v.envFile = filepath.Join(v.proj, ".env")
	cfg := fmt.Sprintf(`app: myapp
environments:
  vm:
    target: ssh
    ssh_config: %s
    roles:
      web: [web1, web2]
    dir: %s
    database:
      url_from: %s
`, fleet.Config, v.proj, v.urlFile)
	if err := os.WriteFile(filepath.Join(v.dir, "ctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	v.env = testenv.CleanEnv("HOME="+v.home, "XDG_STATE_HOME="+filepath.Join(v.home, "state"), "CTL_SSH_CONTROL_DIR="+mux)
	return v
}

func (v *vm) run(t *testing.T, o *outputs, stdin string, extraEnv []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testenv.Ctl(t), args...)
	cmd.Dir, cmd.Env = v.dir, append(append([]string{}, v.env...), extraEnv...)
	stdout, stderr, code := testenv.Run(t, cmd, stdin)
	o.all = append(o.all, stdout, stderr)
	return stdout, stderr, code
}

func TestConfigSSH(t *testing.T) {
	v := newVM(t)
	dbPass := random(t, "pw", 12)
	secretKey := random(t, "sk-", 32)
	if err := os.WriteFile(v.urlFile, []byte("export DATABASE_URL='postgres://app:"+dbPass+"@db/app'\nDEBUG=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(v.envFile, []byte("# the app\nSECRET_KEY="+secretKey+"\nDEBUG=0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	var o outputs
	secrets := []string{dbPass, secretKey}

	t.Run("view: both files, the later overriding", func(t *testing.T) {
		// On ssh, the component argument is a role (web: web1, web2).
		stdout, stderr, code := v.run(t, &o, "", nil, "config", "vm", "web", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{`"name": "DATABASE_URL"`, v.urlFile, `"name": "SECRET_KEY"`, `"host": "web1"`, v.envFile} {
			if !strings.Contains(stdout, want) {
				t.Errorf("no %q in:\n%s", want, stdout)
			}
		}
		if _, stderr, code := v.run(t, &o, "", nil, "config", "vm", "db"); code != 2 || !strings.Contains(stderr, `no role "db"`) {
			t.Errorf("an unknown role: exit %d: %s", code, stderr)
		}
		// DEBUG is in both: the .env (sourced last) wins, at its line 3.
		if !strings.Contains(stdout, `"where": "web1:`+v.envFile+`:3"`) {
			t.Errorf("DEBUG not from .env line 3:\n%s", stdout)
		}
	})

	t.Run("set on every host, atomically, mode kept, backup", func(t *testing.T) {
		newKey := random(t, "nk-", 32)
		secrets = append(secrets, newKey)
		_, stderr, code := v.run(t, &o, newKey+"\n", nil, "config", "set", "vm", "SECRET_KEY=-", "NEW_FLAG=on", "--yes")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"wrote web1:" + v.envFile, "wrote web2:" + v.envFile, "~SECRET_KEY", "+NEW_FLAG"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("no %q in:\n%s", want, stderr)
			}
		}
		b, _ := os.ReadFile(v.envFile)
		if string(b) != "# the app\nSECRET_KEY="+newKey+"\nDEBUG=0\nNEW_FLAG=on\n" {
			t.Errorf("the env file is now:\n%s", strings.ReplaceAll(string(b), newKey, "<NEW>"))
		}
		if fi, _ := os.Stat(v.envFile); fi.Mode().Perm() != 0o640 {
			t.Errorf("mode %v, want 0640", fi.Mode().Perm())
		}
		if bk, err := os.ReadFile(v.envFile + ".ctl-backup"); err != nil || !strings.Contains(string(bk), "NEW_FLAG") && !strings.Contains(string(bk), secretKey) {
			t.Errorf("no backup of the previous file: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(v.proj, ".ctl-env.*")); len(left) > 0 {
			t.Errorf("temp files left: %v", left)
		}
	})

	t.Run("a key defined in the url_from file is written there", func(t *testing.T) {
		_, stderr, code := v.run(t, &o, "", nil, "config", "unset", "vm", "DATABASE_URL", "--yes")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(v.urlFile)
		if string(b) != "DEBUG=1\n" {
			t.Errorf("url_from file: %q", strings.ReplaceAll(string(b), dbPass, "<PW>"))
		}
	})

	t.Run("edit merges a concurrent change to the file", func(t *testing.T) {
		// The editor changes NEW_FLAG in the text, and meanwhile someone
		// adds another key to the file itself: the write reads the file
		// again and merges per key, keeping both.
		ed := writeScript(t, `sed -i "s/^NEW_FLAG=.*/NEW_FLAG=off/" "$1"
printf 'OTHER=theirs\n' >> "$ENVFILE"
`)
		_, stderr, code := v.run(t, &o, "", []string{"EDITOR=" + ed, "ENVFILE=" + v.envFile}, "config", "edit", "vm", "--host", "web1", "--yes")
		if code != 0 || !strings.Contains(stderr, "~NEW_FLAG") || strings.Contains(stderr, "OTHER") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(v.envFile)
		if !strings.Contains(string(b), "NEW_FLAG=off\n") || !strings.Contains(string(b), "OTHER=theirs\n") {
			t.Errorf("after the merge:\n%s", b)
		}
	})

	t.Run("redaction", func(t *testing.T) {
		for _, s := range secrets {
			for _, out := range o.all {
				if strings.Contains(out, s) {
					t.Fatalf("a value in ctl's output:\n%s", strings.ReplaceAll(out, s, "<VALUE>"))
				}
			}
			if b, _ := os.ReadFile(filepath.Join(v.home, "state", "ctl", "sessions.jsonl")); strings.Contains(string(b), s) {
				t.Fatal("a value in the trail")
			}
			testenv.AssertSecretNotInFiles(t, s, testenv.TempRoots(),
				append(testenv.OthersSecretHolders(t), v.envFile, v.envFile+".ctl-backup", v.urlFile, v.urlFile+".ctl-backup")...)
		}
	})
}
