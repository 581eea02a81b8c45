package targets

import (
	"errors"
	"fmt"

	"github.com/ctlops/ctl/internal/dotenv"
)

// MergeEnvFile applies changes to a dotenv file's content (data, read
// from where) as it is now: a change whose key holds what it held when
// the change was planned (or already the new value) is applied; a key
// changed meanwhile to something else is a conflict, reported as an
// *EnvConflictError naming every such key, and nothing is returned.
// Other keys, comments and layout stay as they are (dotenv.Edit).
func MergeEnvFile(where string, data []byte, changes []EnvChange) ([]byte, error) {
	vars, err := dotenv.Parse(where, data)
	if err != nil {
		var pe *dotenv.ParseError
		if errors.As(err, &pe) { // the line, never its content
			return nil, fmt.Errorf("%s: line %d: %s", where, pe.Line, pe.Msg)
		}
		return nil, err
	}
	set := map[string]string{}
	var unset, conflicts []string
	for _, c := range changes {
		if c.Source.Kind != SourceFile {
			return nil, fmt.Errorf("%s: defined in %s, which ctl does not write", c.Key, c.Source)
		}
		key := c.Source.Key
		if key == "" {
			key = c.Key
		}
		cur, ok := dotenv.Lookup(vars, key)
		switch {
		case c.Delete && !ok, !c.Delete && ok && cur.Value == c.New:
		case ok == c.HadOld && cur.Value == c.Old:
		default:
			conflicts = append(conflicts, c.Key)
			continue
		}
		if c.Delete {
			unset = append(unset, key)
		} else {
			set[key] = c.New
		}
	}
	if len(conflicts) > 0 {
		return nil, &EnvConflictError{Where: where, Keys: conflicts}
	}
	return dotenv.Edit(where, data, set, unset)
}
