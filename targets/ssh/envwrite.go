package ssh

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path"
	"strings"

	"github.com/ctlops/ctl/internal/run"
	"github.com/ctlops/ctl/targets"
)

var _ targets.EnvWriter = (*Target)(nil)

// Exit codes of the remote write script.
const (
	writeChanged = 75 // the file changed since it was read
	writeFailed  = 74
)

// EnvHosts are the hosts an env write goes to: every host of the
// selection (--host, --role, else the hosts or the web role), so that
// every app server gets the same change.
func (t *Target) EnvHosts() []string {
	if hs, fan, _ := t.FanoutHosts(); fan {
		return hs
	}
	return t.candidates
}

type hostFile struct {
	host, file string
	data       []byte
	exists     bool
}

// WriteAppEnv applies changes to the env file they come from (a new key:
// the last env file the session loads, env_file) on every host of
// EnvHosts: first each host's file is read and every key checked (a key
// someone changed to another value is an *targets.EnvConflictError and
// nothing is written anywhere), then each file is replaced atomically —
// a temp file beside it, mode and owner copied, the old one kept as
// FILE.ctl-backup, then a rename — as sudo_user when one is set. New
// content goes through ssh's stdin, never argv. A file that changed
// between the read and the rename is read and merged again.
func (t *Target) WriteAppEnv(ctx context.Context, changes []targets.EnvChange) (*targets.EnvWriteResult, error) {
	files := t.envFiles()
	if len(files) == 0 {
		return nil, fmt.Errorf("environment %q has no env file (set env_file or dir in ctl.yaml)", t.env.Name)
	}
	byFile := map[string][]targets.EnvChange{}
	var order []string
	for _, c := range changes {
		f := c.Source.Name
		switch {
		case c.Source.Kind != targets.SourceFile:
			return nil, fmt.Errorf("%s: defined in %s, which ctl does not write", c.Key, c.Source)
		case f == "":
			f = files[len(files)-1]
		}
		if _, ok := byFile[f]; !ok {
			order = append(order, f)
		}
		byFile[f] = append(byFile[f], c)
	}
	hosts := t.EnvHosts()
	// Read and check everything before writing anything.
	var plan []hostFile
	for _, h := range hosts {
		for _, f := range order {
			data, ok, err := t.readRaw(ctx, h, f)
			if err != nil {
				return nil, err
			}
			if _, err := targets.MergeEnvFile(t.display(h)+":"+f, data, byFile[f]); err != nil {
				return nil, err
			}
			plan = append(plan, hostFile{h, f, data, ok})
		}
	}
	res := &targets.EnvWriteResult{}
	for _, p := range plan {
		where := t.display(p.host) + ":" + p.file
		for attempt := 0; ; attempt++ {
			out, err := targets.MergeEnvFile(where, p.data, byFile[p.file])
			if err != nil {
				return res, err
			}
			code, errs, err := t.writeRemote(ctx, p.host, p.file, p.data, p.exists, out)
			clear(out)
			if err != nil {
				return res, err
			}
			if code == writeChanged && attempt < 5 {
				res.Retries++
				if p.data, p.exists, err = t.readRaw(ctx, p.host, p.file); err != nil {
					return res, err
				}
				continue
			}
			if code != 0 {
				return res, fmt.Errorf("environment %q: writing %s failed (exit %d): %s; the file is unchanged", t.env.Name, where, code, targets.LastLine(errs))
			}
			break
		}
		res.Written = append(res.Written, where+" (backup "+p.file+".ctl-backup)")
	}
	for i := range plan {
		clear(plan[i].data)
	}
	return res, nil
}

func (t *Target) inDir(file, script string) string {
	if d := t.env.Dir; d != "" && !path.IsAbs(file) {
		return "cd " + quote(d) + " || exit 66; " + script
	}
	return script
}

// readRaw reads file on host (as the ssh user, else sudo_user); ok is
// false when it does not exist.
func (t *Target) readRaw(ctx context.Context, host, file string) ([]byte, bool, error) {
	out, errs, code, err := t.output(ctx, host, t.readFileScript(file, 67))
	switch {
	case err != nil:
		return nil, false, err
	case code == 67:
		return nil, false, nil
	case code != 0:
		return nil, false, fmt.Errorf("environment %q: cannot read %s on %s: %s", t.env.Name, file, t.display(host), targets.LastLine(errs))
	}
	return out, true, nil
}

// writeRemote replaces file on host with data when it still holds old.
func (t *Target) writeRemote(ctx context.Context, host, file string, old []byte, existed bool, data []byte) (int, string, error) {
	exp := "absent"
	if existed {
		sum := sha256.Sum256(old)
		exp = hex.EncodeToString(sum[:])
	}
	script := t.writeScript(file, exp)
	args := append(t.sshArgs(host, true), "-T", "--", destination(host), "sh -c "+quote(script))
	var errb limitedBuffer
	cmd := exec.CommandContext(ctx, t.ssh, args...)
	cmd.Env = t.deps.Environ()
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stderr = &errb
	code, rerr := run.ExitCode(cmd.Run())
	if rerr != nil {
		return 0, "", fmt.Errorf("running ssh: %w", rerr)
	}
	return code, strings.TrimSpace(string(errb.b)), nil
}

// writeScript is the remote script that replaces file with its stdin when
// the file's SHA-256 is still exp ("absent": it must not exist), as
// sudo_user when one is set (the ssh user may not write the app's files).
func (t *Target) writeScript(file, exp string) string {
	script := `f=` + quote(file) + `; exp=` + exp + `
if [ -e "$f" ]; then cur=$(sha256sum < "$f" | cut -c1-64) || exit 74; else cur=absent; fi
[ "$cur" = "$exp" ] || exit 75
tmp=$(mktemp "$(dirname -- "$f")/.ctl-env.XXXXXX") || exit 74
if ! cat > "$tmp"; then rm -f -- "$tmp"; exit 74; fi
if [ -e "$f" ]; then
  chmod --reference="$f" -- "$tmp" || { rm -f -- "$tmp"; exit 74; }
  chown --reference="$f" -- "$tmp" 2>/dev/null
  cp -p -- "$f" "$f.ctl-backup" || { rm -f -- "$tmp"; exit 74; }
else
  chmod 600 -- "$tmp"
fi
mv -f -- "$tmp" "$f" || { rm -f -- "$tmp"; exit 74; }`
	script = t.inDir(file, script)
	if t.env.SudoUser != "" {
		script = "exec sudo -n -u " + quote(t.env.SudoUser) + " -- sh -c " + quote(script)
	}
	return script
}
