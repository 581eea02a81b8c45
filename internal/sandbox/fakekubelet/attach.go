package main

// attach, as the kubelet serves it to the API server's pods/attach:
// /attach/{ns}/{pod}/{container}?input=&output=&error=&tty=, SPDY or
// WebSocket through k8s.io/cri-streaming's ServeAttach (what the kubelet
// uses). The client reaches the running instance's stdin (a pipe, or the
// PTY of a tty container) and gets its output from then on; resizes go to
// the PTY. With stdinOnce, the container's stdin is closed when the first
// attached client's stdin ends. The stream ends when the instance does.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
)

// ioState is what attach reaches of one instance.
type ioState struct {
	mu      sync.Mutex
	stdin   io.WriteCloser // nil: the container has no stdin
	pty     *os.File       // the PTY of a tty container
	once    bool           // stdinOnce
	used    bool           // a client has attached (stdinOnce)
	running bool
	clients map[*attachClient]struct{}
	ended   chan struct{} // closed when the instance ended
}

type attachClient struct {
	mu          sync.Mutex
	out, errOut io.Writer // nil: not asked for
}

func (s *ioState) start(stdin io.WriteCloser, tty *os.File, once bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stdin, s.pty, s.once, s.running = stdin, tty, once, true
}

// stop ends every attached client's stream; called once the output has
// been read to its end.
func (s *ioState) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	s.running = false
	if s.pty == nil && s.stdin != nil {
		s.stdin.Close() //nolint:errcheck,gosec
	}
	close(s.ended)
}

// broadcast sends output to the attached clients.
func (s *ioState) broadcast(stream string, b []byte) {
	s.mu.Lock()
	clients := make([]*attachClient, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	for _, c := range clients {
		w := c.out
		if stream == "stderr" && c.errOut != nil {
			w = c.errOut
		} else if stream == "stderr" {
			w = nil
		}
		if w == nil {
			continue
		}
		c.mu.Lock()
		w.Write(b) //nolint:errcheck,gosec // a client gone is not the container's problem
		c.mu.Unlock()
	}
}

var errNotRunning = errors.New("container is not running")

// attach joins the client to the running instance until it ends or the
// client goes.
func (s *ioState) attach(ctx context.Context, in io.Reader, out, errOut io.Writer, resize <-chan remotecommand.TerminalSize) error {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return errNotRunning
	}
	c := &attachClient{out: out, errOut: errOut}
	if s.clients == nil {
		s.clients = map[*attachClient]struct{}{}
	}
	s.clients[c] = struct{}{}
	stdin, tty, closeStdin := s.stdin, s.pty, s.once && !s.used
	s.used = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	if in != nil && stdin != nil {
		go func() {
			io.Copy(stdin, in) //nolint:errcheck,gosec // ends with the client or the container
			if closeStdin && tty == nil {
				stdin.Close() //nolint:errcheck,gosec // EOF for the container (stdinOnce)
			}
		}()
	}
	if tty != nil && resize != nil {
		go forwardResizes(tty, resize, s.ended)
	}
	select {
	case <-s.ended:
	case <-ctx.Done():
	}
	return nil
}

func (k *kubelet) serveAttach(w http.ResponseWriter, r *http.Request) {
	ns, pod, uid, name := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("uid"), r.PathValue("container")
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	remotecommand.ServeAttach(w, r, &attacher{k: k, namespace: ns, opts: *opts}, pod, uid, name, opts, idleTimeout, streamCreationTimeout,
		remotecommand.SupportedStreamingProtocols)
}

type attacher struct {
	k         *kubelet
	namespace string
	opts      remotecommand.Options
}

func (a *attacher) AttachContainer(ctx context.Context, pod, _, name string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize) error {
	start := time.Now()
	where := fmt.Sprintf("%s/%s[%s]", a.namespace, pod, name)
	var c *container
	if a.k.runtime != nil {
		c = a.k.runtime.lookup(a.namespace, pod, name)
	}
	var inst *instance
	if c != nil {
		inst = c.current()
	}
	if inst == nil {
		log.Printf("attach %s: no such container", where)
		return fmt.Errorf("container %q of pod %s/%s is not running here", name, a.namespace, pod)
	}
	if !a.opts.Stdin {
		in = nil
	}
	var o, e io.Writer
	if a.opts.Stdout {
		o = out
	}
	if a.opts.Stderr && !tty {
		e = errOut
	}
	err := inst.io.attach(ctx, in, o, e, resize)
	log.Printf("attach %s tty=%v: %v (%s)", where, tty, errOr(err), time.Since(start).Round(time.Millisecond))
	if err != nil {
		return fmt.Errorf("container %q of pod %s/%s: %w", name, a.namespace, pod, err)
	}
	return nil
}

func errOr(err error) string {
	if err == nil {
		return "ended"
	}
	return err.Error()
}
