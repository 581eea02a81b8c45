// Package term puts the local terminal in raw mode for a remote TTY
// session, reports its size changes, and always restores it: on return,
// on error and on SIGTERM/SIGHUP.
package term

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	xterm "golang.org/x/term"
	"k8s.io/client-go/tools/remotecommand"
)

// TTY is the local terminal of a session.
type TTY struct {
	in, out *os.File
	state   *xterm.State
	once    sync.Once
}

// Open returns the terminal when both in and out are terminals, else nil.
func Open(in, out any) *TTY {
	fi, ok1 := in.(*os.File)
	fo, ok2 := out.(*os.File)
	if !ok1 || !ok2 || !xterm.IsTerminal(int(fi.Fd())) || !xterm.IsTerminal(int(fo.Fd())) {
		return nil
	}
	return &TTY{in: fi, out: fo}
}

// Safe runs fn with the terminal in raw mode and restores it afterwards,
// also when a SIGTERM or SIGHUP arrives (the caller's context should end
// the session on those; this guarantees the terminal either way).
func (t *TTY) Safe(fn func() error) error {
	st, err := xterm.MakeRaw(int(t.in.Fd()))
	if err != nil {
		return fn() // not fatal: run without raw mode, as kubectl does
	}
	t.state = st
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			t.Restore()
		case <-done:
		}
	}()
	defer func() {
		close(done)
		signal.Stop(sigs)
		t.Restore()
	}()
	return fn()
}

// Restore puts the terminal back as it was (idempotent).
func (t *TTY) Restore() {
	t.once.Do(func() {
		if t.state != nil {
			_ = xterm.Restore(int(t.in.Fd()), t.state)
		}
	})
}

// Size is the current terminal size.
func (t *TTY) Size() *remotecommand.TerminalSize {
	w, h, err := xterm.GetSize(int(t.out.Fd()))
	if err != nil {
		return nil
	}
	return &remotecommand.TerminalSize{Width: uint16(w), Height: uint16(h)}
}

// SizeQueue sends the initial size, then one per SIGWINCH, until stop.
func (t *TTY) SizeQueue(stop <-chan struct{}) remotecommand.TerminalSizeQueue {
	q := &sizeQueue{ch: make(chan remotecommand.TerminalSize, 1)}
	if s := t.Size(); s != nil {
		q.ch <- *s
	}
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	go func() {
		defer signal.Stop(winch)
		defer close(q.ch)
		for {
			select {
			case <-stop:
				return
			case <-winch:
				if s := t.Size(); s != nil {
					select {
					case q.ch <- *s:
					case <-stop:
						return
					}
				}
			}
		}
	}()
	return q
}

type sizeQueue struct {
	ch chan remotecommand.TerminalSize
}

func (q *sizeQueue) Next() *remotecommand.TerminalSize {
	s, ok := <-q.ch
	if !ok {
		return nil
	}
	return &s
}
