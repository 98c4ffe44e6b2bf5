package client

import (
	"testing"
	"time"
)

// A lookup that read a client row just before a concurrent edit must not
// put that old row in the cache after the edit's notification evicted it:
// the stale entry would outlive the edit.
func TestCachePutAfterEvictionIsDropped(t *testing.T) {
	var cc clientCache
	now := time.Now()
	old := &Client{ID: "c1", UpdatedAt: now, hashedSecret: []byte("old-hash")}

	gen := cc.generation() // the lookup starts reading
	cc.evict("c1")         // the edit's notification arrives
	cc.put(old, now, gen)  // the lookup finishes with the row it read
	if c := cc.trusted("c1", now); c != nil {
		t.Fatal("a row read before an eviction was cached after it")
	}

	cc.put(old, now, cc.generation())
	if cc.trusted("c1", now) == nil {
		t.Fatal("a fresh read was not cached")
	}
	if cc.trusted("c1", now.Add(cacheTrust)) != nil {
		t.Fatal("an entry is trusted past cacheTrust without being confirmed")
	}
	cc.clear()
	if cc.trusted("c1", now) != nil || cc.updatedAt("c1") != nil {
		t.Fatal("clear left an entry")
	}
}
