package sandboxtest

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Relay forwards TCP connections from a loopback address to a backend (the
// sandbox's API server), so that a test can break the network between ctl
// and the cluster without touching the shared sandbox: Cut drops every
// relayed connection, Stop also refuses new ones, Start listens again on
// the same address.
type Relay struct {
	Addr     string // 127.0.0.1:PORT
	backend  string
	mu       sync.Mutex
	ln       net.Listener
	conns    map[net.Conn]bool
	accepted int
}

// StartRelay listens on a free loopback port and relays to backend
// (host:port) until the test ends.
func StartRelay(t testing.TB, backend string) *Relay {
	t.Helper()
	r := &Relay{Addr: "127.0.0.1:0", backend: backend, conns: map[net.Conn]bool{}}
	r.Start(t)
	t.Cleanup(r.Stop)
	return r
}

// Start listens (again) on Addr and relays what it accepts.
func (r *Relay) Start(t testing.TB) {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", r.Addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.ln, r.Addr = ln, ln.Addr().String()
	r.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", r.backend)
			if err != nil {
				_ = c.Close()
				continue
			}
			r.mu.Lock()
			r.conns[c], r.conns[up] = true, true
			r.accepted++
			r.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
}

// Cut closes every connection relayed so far; new ones are still accepted.
func (r *Relay) Cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.conns {
		_ = c.Close()
		delete(r.conns, c)
	}
}

// Stop closes the listener and every relayed connection.
func (r *Relay) Stop() {
	r.mu.Lock()
	if r.ln != nil {
		_ = r.ln.Close()
	}
	r.mu.Unlock()
	r.Cut()
}

// Accepted is how many connections the relay has forwarded.
func (r *Relay) Accepted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted
}
