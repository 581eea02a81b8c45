package python

import (
	"os"
	"path/filepath"
	"testing"
)

// testdataFiles returns the valid settings files under testdata/.
func testdataFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "bad" || d.Name() == "fuzz") {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Ext(path) == ".py" {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files[path] = src
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatal("no testdata files")
	}
	return files
}

// BenchmarkParse parses every valid testdata file per iteration and
// reports the throughput in MB/s.
func BenchmarkParse(b *testing.B) {
	files := testdataFiles(b)
	var total int64
	for _, src := range files {
		total += int64(len(src))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for name, src := range files {
			if m := Parse(name, src); len(m.Diagnostics) != 0 {
				b.Fatalf("%s: %v", name, m.Diagnostics[0])
			}
		}
	}
}

// BenchmarkTokenize measures the tokenizer alone.
func BenchmarkTokenize(b *testing.B) {
	files := testdataFiles(b)
	var total int64
	for _, src := range files {
		total += int64(len(src))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range files {
			Tokenize(src)
		}
	}
}

// BenchmarkParseLarge parses one large file made of all testdata files
// repeated, to measure throughput without per-file overhead.
func BenchmarkParseLarge(b *testing.B) {
	var src []byte
	for i := 0; i < 20; i++ {
		for _, f := range testdataFiles(b) {
			src = append(src, f...)
			src = append(src, '\n')
		}
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("large.py", src)
	}
}
