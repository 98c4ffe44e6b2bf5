package pipeline

import (
	"crypto/sha256"
	"sync"
	"time"
)

// CacheKey hashes what a cached answer depends on, so tokens are not kept
// in memory in the clear.
func CacheKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// Cache is a small bounded cache with per-entry expiry; a nil Cache
// caches nothing.
type Cache[V any] struct {
	mu  sync.Mutex
	max int
	now func() time.Time
	m   map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v   V
	exp time.Time
}

// NewCache returns a cache of at most max entries.
func NewCache[V any](max int, now func() time.Time) *Cache[V] {
	return &Cache[V]{max: max, now: now, m: map[string]cacheEntry[V]{}}
}

// Get returns an unexpired entry.
func (c *Cache[V]) Get(k string) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return zero, false
	}
	if !e.exp.IsZero() && !c.now().Before(e.exp) {
		delete(c.m, k)
		return zero, false
	}
	return e.v, true
}

// Put stores v for ttl (0: until evicted).
func (c *Cache[V]) Put(k string, v V, ttl time.Duration) {
	if c == nil || ttl < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		// Drop expired entries; if still full, drop an arbitrary one.
		now := c.now()
		for key, e := range c.m {
			if !e.exp.IsZero() && !now.Before(e.exp) {
				delete(c.m, key)
			}
		}
		for key := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, key)
		}
	}
	var exp time.Time
	if ttl > 0 {
		exp = c.now().Add(ttl)
	}
	c.m[k] = cacheEntry[V]{v: v, exp: exp}
}
