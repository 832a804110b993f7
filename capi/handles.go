package main

import (
	"context"
	"errors"
	"sync"

	"github.com/redisclient/redisclient/core"
)

// Why not github.com/mattn/go-pointer: it malloc()s a one-byte key per
// value and free()s it on Unref, so malloc may hand the same address to the
// next client. A stale rc_client* kept by the caller then silently aliases
// that new client, and a second rc_close is a double Unref that deletes it
// (or a double free). A tombstone that is never Unref'd would keep every
// closed client's key and value alive forever. (It is also not in go.mod.)
//
// Why not runtime/cgo.Handle behind a C allocation: to detect a stale
// handle we would have to dereference the caller's pointer, so the C
// allocation could never be freed, and a garbage pointer would crash.
//
// Instead a handle is a token: a counter that is never reused, with a tag in
// the top 16 bits. The tag makes it a non-canonical address on x86-64 and
// arm64, so it never equals a real pointer (a wrong-type or garbage pointer
// is simply unknown) and Go's GC ignores it. The token is never
// dereferenced, by C or Go. Closed clients need no tombstone: every id up to
// the last issued one that is no longer live was closed.
const (
	tokenTag  uint64 = 0x7263 << 48 // "rc"
	tokenMask uint64 = 0xffff << 48
)

var (
	errInvalidHandle = errors.New("invalid handle: NULL or not a client returned by rc_open")
	errClosedHandle  = errors.New("client is closed")
)

// client is one open rc_client. ctx is cancelled by rc_close so that calls
// in flight on other threads return at once.
type client struct {
	cache  *core.Cache
	ctx    context.Context
	cancel context.CancelFunc
}

type handleTable struct {
	mu   sync.RWMutex
	last uint64 // the last id issued; ids start at 1
	live map[uint64]*client
}

var handles = handleTable{live: map[uint64]*client{}}

func (t *handleTable) add(c *client) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last++
	t.live[t.last] = c
	return tokenTag | t.last
}

func (t *handleTable) get(token uint64) (*client, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.find(token)
}

// remove takes the client out of the table: the token answers "closed"
// from now on, and only one rc_close can win it.
func (t *handleTable) remove(token uint64) (*client, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.find(token)
	if err == nil {
		delete(t.live, token&^tokenMask)
	}
	return c, err
}

func (t *handleTable) find(token uint64) (*client, error) {
	id := token &^ tokenMask
	if token&tokenMask != tokenTag || id == 0 || id > t.last {
		return nil, errInvalidHandle
	}
	if c, ok := t.live[id]; ok {
		return c, nil
	}
	return nil, errClosedHandle
}

func newClientContext() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
