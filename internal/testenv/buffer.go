package testenv

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// SyncBuffer collects a child's output: safe for its writer goroutine and
// concurrent readers (a strings.Builder handed to exec.Cmd is not).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// WaitFor fails t unless s appears in the output within 15 seconds.
func (b *SyncBuffer) WaitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output: %q", s, b.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
