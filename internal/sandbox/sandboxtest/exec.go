// Package sandboxtest holds the test helpers shared by the sandbox's own
// tests (internal/sandbox, which go through the API server, and the fake
// kubelet's, which talk to it directly): running a command over an exec
// stream and capturing what it printed.
package sandboxtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// ExecOptions are the streams of one exec.
type ExecOptions struct {
	Stdin  io.Reader // nil: no stdin stream
	Stdout io.Writer // nil: captured and returned by Stream
	TTY    bool      // a terminal: stdout and stderr are one stream
	Size   *remotecommand.TerminalSize
	// Timeout bounds the whole stream (default 30 s).
	Timeout time.Duration
}

// Stream runs the exec of ex with o's streams and returns what stdout and
// stderr captured, and the stream's error (a non-zero exit is a
// k8s.io/client-go/util/exec.CodeExitError).
func Stream(ex remotecommand.Executor, o ExecOptions) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	opts := remotecommand.StreamOptions{Stdin: o.Stdin, Stdout: &out, Tty: o.TTY}
	if o.Stdout != nil {
		opts.Stdout = o.Stdout
	}
	if !o.TTY {
		opts.Stderr = &errOut
	}
	if o.Size != nil {
		opts.TerminalSizeQueue = OneSize(*o.Size)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err = ex.StreamWithContext(ctx, opts)
	return out.String(), errOut.String(), err
}

// SPDYExecutor is client-go's SPDY executor (POST) for an exec URL,
// failing the test when it cannot be built.
func SPDYExecutor(t testing.TB, cfg *rest.Config, u *url.URL) remotecommand.Executor {
	t.Helper()
	ex, err := remotecommand.NewSPDYExecutor(cfg, http.MethodPost, u)
	if err != nil {
		t.Fatalf("SPDY executor for %s: %v", u.Redacted(), err)
	}
	return ex
}

// OneSize is a TerminalSizeQueue that reports size once, then nil, which
// ends the queue.
func OneSize(size remotecommand.TerminalSize) remotecommand.TerminalSizeQueue {
	return &oneSize{size: size}
}

type oneSize struct {
	size remotecommand.TerminalSize
	sent bool
}

func (o *oneSize) Next() *remotecommand.TerminalSize {
	if o.sent {
		return nil
	}
	o.sent = true
	return &o.size
}
