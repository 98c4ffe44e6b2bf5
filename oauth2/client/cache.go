package client

import (
	"context"
	"sync"
	"time"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// ChangeChannel is the Postgres notification channel on which every write
// to oauth2_clients announces the client id (a trigger, see the
// oauth2_clients_notify migration), whoever made it.
const ChangeChannel = "cerberus_oauth2_clients"

// cacheTrust bounds how long a cached client is used without asking the
// database, even while notifications flow: a defence in depth should a
// notification ever be lost without the connection failing.
const cacheTrust = 30 * time.Second

// clientCache keeps decoded clients keyed by id: the token endpoint reads
// the client on every request, and decoding its JSON is most of that cost.
type clientCache struct {
	mu  sync.RWMutex
	m   map[string]*cacheEntry
	gen uint64 // bumped by every eviction
}

type cacheEntry struct {
	c       *Client
	checked time.Time // last confirmed against the database
}

// Watch makes the store answer Lookup from memory while n delivers client
// change notifications, dropping an entry when its client changes and
// everything when listening (re)starts. Call before n.Run.
func (s *Store) Watch(n *storage.Notifier) {
	s.watching = n
	n.Subscribe(ChangeChannel, storage.Subscription{
		Notify: func(_ context.Context, id string) { s.cache.evict(id) },
		Reset:  func(context.Context) { s.cache.clear() },
	})
}

func (cc *clientCache) generation() uint64 {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	return cc.gen
}

// get returns the cached client if it matches the row's version.
func (cc *clientCache) get(id string, updated time.Time, hash string) *Client {
	cc.mu.RLock()
	e := cc.m[id]
	cc.mu.RUnlock()
	if e != nil && e.c.UpdatedAt.Equal(updated) && string(e.c.hashedSecret) == hash {
		return e.c
	}
	return nil
}

// trusted returns the cached client if it was confirmed within cacheTrust.
func (cc *clientCache) trusted(id string, now time.Time) *Client {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	if e := cc.m[id]; e != nil && now.Sub(e.checked) < cacheTrust {
		return e.c
	}
	return nil
}

// updatedAt is the cached row version of id, or nil.
func (cc *clientCache) updatedAt(id string) *time.Time {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	if e := cc.m[id]; e != nil {
		t := e.c.UpdatedAt
		return &t
	}
	return nil
}

// checked records that the cached entry matched the database at now.
func (cc *clientCache) checked(id string, now time.Time) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if e := cc.m[id]; e != nil {
		e.checked = now
	}
}

// put caches c, read from the database at generation gen, unless a change
// was announced since.
func (cc *clientCache) put(c *Client, now time.Time, gen uint64) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if gen != cc.gen {
		return
	}
	if cc.m == nil || len(cc.m) > 10000 {
		cc.m = map[string]*cacheEntry{}
	}
	cc.m[c.ID] = &cacheEntry{c: c, checked: now}
}

func (cc *clientCache) evict(id string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	delete(cc.m, id)
	cc.gen++
}

func (cc *clientCache) clear() {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.m = nil
	cc.gen++
}
