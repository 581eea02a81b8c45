package dotenv

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Quote renders value for a KEY=VALUE line that both Parse and a POSIX
// shell sourcing the file (`set -a; . FILE`) read back as value: bare
// when it holds only safe characters, else single-quoted; a value with a
// single quote is double-quoted when nothing in it means something to the
// shell inside double quotes. A value neither form can carry (a newline,
// or a single quote together with $ ` \ or ") is an error naming no part
// of the value.
func Quote(value string) (string, error) {
	if value == "" {
		return "''", nil
	}
	if strings.ContainsAny(value, "\n\r\x00") {
		return "", fmt.Errorf("a value with a line break cannot be written to an env file the shell sources")
	}
	safe := true
	for _, r := range value {
		if !(r == '_' || r == '-' || r == '.' || r == '/' || r == ':' || r == ',' || r == '@' || r == '+' || r == '=' || r == '%' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			safe = false
			break
		}
	}
	switch {
	case safe:
		return value, nil
	case !strings.Contains(value, "'"):
		return "'" + value + "'", nil
	case !strings.ContainsAny(value, "$`\\\"!"):
		return `"` + value + `"`, nil
	}
	return "", fmt.Errorf("a value holding both a single quote and one of $ ` \\ \" cannot be written to an env file the shell sources")
}

// Edit rewrites dotenv content: each key of set gets its new value on the
// line of its last assignment (earlier assignments of it are removed, so
// the file says it once), or on a new line at the end; each key of unset
// loses every assignment. Comments, blank lines, other keys and the
// `export ` prefix of a rewritten line are kept. name is used in errors.
func Edit(name string, data []byte, set map[string]string, unset []string) ([]byte, error) {
	vars, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	last := map[string]int{}
	for _, v := range vars {
		last[v.Key] = v.Line
	}
	drop := map[int]bool{}
	for _, v := range vars {
		if _, ok := set[v.Key]; ok && last[v.Key] != v.Line {
			drop[v.Line] = true
		}
	}
	for _, k := range unset {
		for _, v := range vars {
			if v.Key == k {
				drop[v.Line] = true
			}
		}
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	var out bytes.Buffer
	for i, l := range lines {
		n := i + 1
		if drop[n] {
			continue
		}
		replaced := false
		for k, val := range set {
			if last[k] != n {
				continue
			}
			q, err := Quote(val)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, k, err)
			}
			prefix := ""
			if strings.HasPrefix(strings.TrimLeft(string(l), " \t"), "export ") {
				prefix = "export "
			}
			out.WriteString(prefix + k + "=" + q + "\n")
			replaced = true
		}
		if !replaced {
			out.Write(l)
			if !bytes.HasSuffix(l, []byte("\n")) {
				out.WriteByte('\n')
			}
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		if _, ok := last[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !validKey(k) {
			return nil, fmt.Errorf("%s: invalid variable name %q", name, k)
		}
		q, err := Quote(set[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, k, err)
		}
		out.WriteString(k + "=" + q + "\n")
	}
	return out.Bytes(), nil
}

// ValidKey reports whether k may be a variable's name in a dotenv file.
func ValidKey(k string) bool { return validKey(k) }
