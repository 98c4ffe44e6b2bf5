package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// alwaysListening stands in for a Notifier whose notifications never
// arrive: the store must not need them for its own writes.
type alwaysListening struct{}

func (alwaysListening) Listening() bool { return true }

// A write through this instance's store takes effect on its very next
// lookup, without waiting for the change notification (which is
// asynchronous and reaches this instance too, but later): a rotated secret
// or a deleted client must never be answered from the old entry.
func TestOwnWritesReachTheCacheAtOnce(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	s := NewStore(pool, time.Now)
	s.watching = alwaysListening{}

	c := &Client{ID: "app", Name: "App"}
	c.SetHashedSecret([]byte("hash-1"))
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Lookup(ctx, pool, "app"); err != nil || string(got.GetHashedSecret()) != "hash-1" {
		t.Fatalf("first lookup: %v %v", got, err)
	}
	if _, err := s.Update(ctx, "app", func(c *Client) error { c.SetHashedSecret([]byte("hash-2")); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Lookup(ctx, pool, "app"); err != nil || string(got.GetHashedSecret()) != "hash-2" {
		t.Fatalf("lookup right after rotating the secret: %s %v", got.GetHashedSecret(), err)
	}
	if err := s.Delete(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ctx, pool, "app"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("lookup right after deleting: %v", err)
	}
	c = &Client{ID: "app", Name: "App again"}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Lookup(ctx, pool, "app"); err != nil || got.Name != "App again" {
		t.Fatalf("lookup of a re-created client: %v %v", got, err)
	}
}
