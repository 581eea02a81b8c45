package pyeval

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// FS is what the evaluator reads: source files, whether a path is a file
// or a directory, glob patterns. Paths are absolute. OSFS is the real
// file system; MapFS an in-memory one (tests, fuzzing).
type FS interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	Glob(pattern string) ([]string, error)
}

// OSFS is the operating system's file system.
type OSFS struct{}

func (OSFS) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (OSFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (OSFS) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }

// MapFS is an in-memory file system: absolute slash paths to contents.
// Directories are the parents of its files.
type MapFS map[string][]byte

func (m MapFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[filepath.ToSlash(name)]; ok {
		return b, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (m MapFS) Stat(name string) (fs.FileInfo, error) {
	n := filepath.ToSlash(name)
	if _, ok := m[n]; ok {
		return mapInfo{name: path.Base(n), size: int64(len(m[n]))}, nil
	}
	prefix := strings.TrimSuffix(n, "/") + "/"
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return mapInfo{name: path.Base(n), dir: true}, nil
		}
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (m MapFS) Glob(pattern string) ([]string, error) {
	pat := filepath.ToSlash(pattern)
	var out []string
	for k := range m {
		if ok, err := path.Match(pat, k); err != nil {
			return nil, err
		} else if ok {
			out = append(out, filepath.FromSlash(k))
		}
	}
	sort.Strings(out)
	return out, nil
}

type mapInfo struct {
	name string
	size int64
	dir  bool
}

func (i mapInfo) Name() string       { return i.name }
func (i mapInfo) Size() int64        { return i.size }
func (i mapInfo) ModTime() time.Time { return time.Time{} }
func (i mapInfo) IsDir() bool        { return i.dir }
func (i mapInfo) Sys() any           { return nil }
func (i mapInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
