// Package update is ctl's opt-in check for a newer release. It is off
// unless the user asks for it (CTL_CHECK_UPDATES=1, or check_updates in
// the configuration), looks at most once a day, never delays a command —
// the lookup runs in a detached child process that only writes a state
// file — and never changes the installed binaries: it tells the user, who
// upgrades the way they installed.
package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Interval is how often the latest release is looked up at most.
const Interval = 24 * time.Hour

// DefaultURL is GitHub's API for the latest release (tag_name).
const DefaultURL = "https://api.github.com/repos/ctlops/ctl/releases/latest"

// Env names the variables the check reads.
const (
	EnableEnv = "CTL_CHECK_UPDATES" // 1/true/yes: opt in; 0/false/no: opt out even if configured
	URLEnv    = "CTL_UPDATE_URL"    // another release endpoint (mirrors, tests)
)

// State is what the last lookup found, in $XDG_STATE_HOME/ctl/update.json.
type State struct {
	CheckedAt time.Time `json:"checkedAt"`
	Latest    string    `json:"latest"`
}

// Enabled reports whether the user opted in: the environment variable
// wins over the configuration either way (which is only read without it).
func Enabled(getenv func(string) string, configured func() bool) bool {
	switch strings.ToLower(strings.TrimSpace(getenv(EnableEnv))) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return configured != nil && configured()
}

// StatePath is $XDG_STATE_HOME/ctl/update.json (~/.local/state by default).
func StatePath(getenv func(string) string) string {
	base := getenv("XDG_STATE_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "ctl", "update.json")
}

// Load reads the state; a missing or unreadable file is the zero State.
func Load(path string) State {
	var s State
	b, err := os.ReadFile(path)
	if err == nil {
		_ = json.Unmarshal(b, &s)
	}
	return s
}

// Due reports whether a lookup should run now.
func (s State) Due(now time.Time) bool {
	return s.CheckedAt.IsZero() || now.Sub(s.CheckedAt) >= Interval || s.CheckedAt.After(now.Add(time.Hour))
}

// Notice is the line to print when the last lookup found a release newer
// than current; "" otherwise (also for development builds).
func (s State) Notice(current string) string {
	if s.Latest == "" || !Newer(s.Latest, current) {
		return ""
	}
	return fmt.Sprintf("A new release of ctl is available: %s → %s (upgrade the way you installed it; see docs/install.md)", current, s.Latest)
}

// Save writes the state atomically (temp file, rename).
func Save(path string, s State) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".update-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Fetch asks url for the latest release's tag (GitHub's JSON, tag_name).
func Fetch(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", url, resp.Status)
	}
	var rel struct {
		TagName string `json:"tag_name"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&rel); err != nil {
		return "", err
	}
	if _, ok := parse(rel.TagName); !ok {
		return "", fmt.Errorf("%s: tag %q is not a version", url, rel.TagName)
	}
	return rel.TagName, nil
}

// Check looks up the latest release and records it with the time. It is
// what the detached child runs; its errors only matter to tests (a failed
// lookup still records the time, so a broken network is not retried on
// every command).
func Check(ctx context.Context, getenv func(string) string, now time.Time) error {
	path := StatePath(getenv)
	if path == "" {
		return errors.New("no state directory (HOME and XDG_STATE_HOME unset)")
	}
	url := getenv(URLEnv)
	if url == "" {
		url = DefaultURL
	}
	s := Load(path)
	latest, err := Fetch(ctx, &http.Client{Timeout: 10 * time.Second}, url)
	if err == nil {
		s.Latest = latest
	}
	s.CheckedAt = now
	if serr := Save(path, s); serr != nil {
		return serr
	}
	return err
}

// Newer reports whether version a is newer than b (semantic versions, with
// or without a leading v). A development or unparsable b is never older:
// builds from source get no notices.
func Newer(a, b string) bool {
	va, ok := parse(a)
	if !ok {
		return false
	}
	vb, ok := parse(b)
	if !ok {
		return false
	}
	for i := 0; i < 3; i++ {
		if va.n[i] != vb.n[i] {
			return va.n[i] > vb.n[i]
		}
	}
	// a release is newer than its pre-releases; pre-releases compare as strings
	switch {
	case va.pre == vb.pre:
		return false
	case va.pre == "":
		return true
	case vb.pre == "":
		return false
	}
	return va.pre > vb.pre
}

type version struct {
	n   [3]int
	pre string
}

func parse(s string) (version, bool) {
	var v version
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s, v.pre = s[:i], s[i+1:]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}
