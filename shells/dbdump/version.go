// Package dbdump moves a PostgreSQL database's data: pg_dump in custom
// format through the tunnel dbshell uses, pg_restore into a new database
// swapped in by rename, and the sanitiser run on the copy before the swap.
// The password reaches pg_dump, pg_restore and psql in their environment
// only (PGPASSWORD), never in their arguments or in a file.
package dbdump

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// Tools are the PostgreSQL client programs ctl runs.
type Tools struct {
	PgDump, PgRestore, Psql string
	// Environ is the base environment of the children (ctl's own).
	Environ func() []string
}

// FindTools looks the client programs up on PATH.
func FindTools(lookPath func(string) (string, error), environ func() []string) (*Tools, error) {
	t := &Tools{Environ: environ}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"pg_dump", &t.PgDump}, {"pg_restore", &t.PgRestore}, {"psql", &t.Psql}} {
		bin, err := lookPath(p.name)
		if err != nil {
			return nil, exitcode.WithHint(fmt.Errorf("%s is not installed", p.name),
				"install the PostgreSQL client matching the server's major version (apt install postgresql-client-N, brew install libpq)")
		}
		*p.dst = bin
	}
	return t, nil
}

var clientVersionRe = textutil.Regexp(`\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?`)

// ParseClientVersion reads `pg_dump --version` output such as
// "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)": the major
// version and the version string.
func ParseClientVersion(out string) (int, string, error) {
	m := clientVersionRe().FindStringSubmatch(out)
	if m == nil {
		return 0, "", fmt.Errorf("unexpected --version output %q", strings.TrimSpace(out))
	}
	major, _ := strconv.Atoi(m[1])
	v := m[1]
	if m[2] != "" {
		v += "." + m[2]
	}
	return major, v, nil
}

// ClientVersion runs `bin --version`.
func ClientVersion(ctx context.Context, bin string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return 0, "", fmt.Errorf("running %s --version: %w", bin, err)
	}
	major, v, err := ParseClientVersion(string(out))
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", bin, err)
	}
	return major, v, nil
}

// ServerVersion asks the server for server_version_num and returns the
// major version (15 for 150004) and the full number.
func ServerVersion(ctx context.Context, db *targets.DB) (int, int, error) {
	conn, err := shells.Connect(ctx, db, 10*time.Second, "ctl db")
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(context.Background())
	res, err := conn.Exec(ctx, "show server_version_num").ReadAll()
	if err != nil {
		return 0, 0, fmt.Errorf("asking the server its version: %w", err)
	}
	if len(res) == 0 || len(res[0].Rows) == 0 {
		return 0, 0, errors.New("asking the server its version: no answer")
	}
	num, err := strconv.Atoi(string(res[0].Rows[0][0]))
	if err != nil {
		return 0, 0, fmt.Errorf("server_version_num %q: %w", res[0].Rows[0][0], err)
	}
	if num < 100000 { // 9.6 and older: 90624
		return num / 100, num, nil
	}
	return num / 10000, num, nil
}

// VersionError: the local pg_dump is older than the server. pg_dump
// refuses a newer server ("aborting because of server version
// mismatch"), and a dump it managed would not be trustworthy.
type VersionError struct {
	Tool        string // pg_dump
	ToolPath    string
	ToolVersion string
	ToolMajor   int
	ServerMajor int
	Env         string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s %s (%s) is older than the server of %s (PostgreSQL %d): %s can only dump servers of its own major version or older",
		e.Tool, e.ToolVersion, e.ToolPath, e.Env, e.ServerMajor, e.Tool)
}

// Hint says how to fix it.
func (e *VersionError) Hint() string {
	return fmt.Sprintf("install the client of version %d (apt install postgresql-client-%d, brew install postgresql@%d) and put its bin directory first on PATH (Debian: /usr/lib/postgresql/%d/bin)",
		e.ServerMajor, e.ServerMajor, e.ServerMajor, e.ServerMajor)
}

// CheckVersion is the version rule: the local pg_dump's major version
// must be at least the server's. Newer is fine: pg_dump reads older
// servers, and pg_restore of the same installation reads its output.
func CheckVersion(ctx context.Context, tools *Tools, db *targets.DB, env string) (client string, server int, err error) {
	major, v, err := ClientVersion(ctx, tools.PgDump)
	if err != nil {
		return "", 0, err
	}
	smajor, _, err := ServerVersion(ctx, db)
	if err != nil {
		return "", 0, err
	}
	if major < smajor {
		return v, smajor, &VersionError{Tool: "pg_dump", ToolPath: tools.PgDump, ToolVersion: v, ToolMajor: major, ServerMajor: smajor, Env: env}
	}
	return v, smajor, nil
}
