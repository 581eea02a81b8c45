package status

import (
	"context"
	"sync"
	"time"
)

// Sink is where providers put what they see.
type Sink interface {
	// Put replaces the rows of the given environments (by name).
	Put(envs ...Env)
	// SetConn records the state of a provider's connection.
	SetConn(c Conn)
	// Synced says the provider has delivered its first complete picture.
	Synced(provider string)
}

// Provider feeds rows of some environments to a Sink until its context ends.
type Provider interface {
	Name() string
	Run(ctx context.Context, sink Sink) error
	// Refresh asks for a new look now (a re-probe; watches are live anyway).
	Refresh()
}

// MinInterval is the shortest time between two snapshots: at most ~10
// redraws a second, however busy the cluster.
const MinInterval = 100 * time.Millisecond

// Hub merges the providers' rows and publishes coalesced snapshots.
type Hub struct {
	mu        sync.Mutex
	order     []string
	rows      map[string]Env
	conns     map[string]Conn
	connOrder []string
	synced    map[string]bool
	providers []Provider

	poke     chan struct{}
	out      chan Snapshot
	Interval time.Duration
	Now      func() time.Time
	// Errors receives providers' fatal errors (nil: dropped).
	Errors func(provider string, err error)
}

// NewHub starts from the configured rows (in display order); providers
// fill them in.
func NewHub(base []Env, providers ...Provider) *Hub {
	h := &Hub{
		rows: map[string]Env{}, conns: map[string]Conn{}, synced: map[string]bool{},
		providers: providers, poke: make(chan struct{}, 1), out: make(chan Snapshot, 1),
		Interval: MinInterval, Now: time.Now,
	}
	for _, e := range base {
		h.order = append(h.order, e.Name)
		h.rows[e.Name] = e
	}
	return h
}

// Updates delivers snapshots; only the latest one waits (a slow reader
// skips intermediate states, never sees an old one).
func (h *Hub) Updates() <-chan Snapshot { return h.out }

// Put implements Sink.
func (h *Hub) Put(envs ...Env) {
	h.mu.Lock()
	for _, e := range envs {
		if _, ok := h.rows[e.Name]; !ok {
			h.order = append(h.order, e.Name)
		}
		h.rows[e.Name] = e
	}
	h.mu.Unlock()
	h.kick()
}

// SetConn implements Sink.
func (h *Hub) SetConn(c Conn) {
	h.mu.Lock()
	if _, ok := h.conns[c.Name]; !ok {
		h.connOrder = append(h.connOrder, c.Name)
	}
	h.conns[c.Name] = c
	h.mu.Unlock()
	h.kick()
}

// Synced implements Sink.
func (h *Hub) Synced(provider string) {
	h.mu.Lock()
	h.synced[provider] = true
	h.mu.Unlock()
	h.kick()
}

func (h *Hub) kick() {
	select {
	case h.poke <- struct{}{}:
	default:
	}
}

// Refresh asks every provider for a new look.
func (h *Hub) Refresh() {
	for _, p := range h.providers {
		p.Refresh()
	}
	h.kick()
}

// Snapshot builds the current picture.
func (h *Hub) Snapshot() Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Snapshot{Updated: h.Now(), Envs: make([]Env, 0, len(h.order)), Synced: true}
	for _, n := range h.order {
		s.Envs = append(s.Envs, h.rows[n])
	}
	for _, n := range h.connOrder {
		s.Conns = append(s.Conns, h.conns[n])
	}
	for _, p := range h.providers {
		if !h.synced[p.Name()] {
			s.Synced = false
		}
	}
	return s
}

// Run starts the providers and publishes snapshots until ctx ends: one
// right away, then one after each change, at most one per Interval.
// Nothing runs while nothing changes.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, p := range h.providers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Run(ctx, h); err != nil && ctx.Err() == nil && h.Errors != nil {
				h.Errors(p.Name(), err)
			}
		}()
	}
	defer wg.Wait()
	h.kick()
	timer := time.NewTimer(0)
	<-timer.C
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.poke:
		}
		snap := h.Snapshot()
		select {
		case <-h.out:
		default:
		}
		h.out <- snap
		timer.Reset(h.Interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}
