package throttle

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := New(pool, Limit{3, 10 * time.Minute, time.Minute}, Limit{5, 10 * time.Minute, 2 * time.Minute}, c.now)

	wait := func(id, ip string) time.Duration {
		t.Helper()
		d, err := th.Check(ctx, id, ip)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	fail := func(id, ip string) {
		t.Helper()
		if err := th.Fail(ctx, id, ip); err != nil {
			t.Fatal(err)
		}
	}

	for i := 0; i < 2; i++ {
		fail("alice@example.com", "192.0.2.1")
	}
	if d := wait("alice@example.com", "192.0.2.1"); d != 0 {
		t.Fatalf("paused after 2 of 3 failures: %v", d)
	}
	fail("alice@example.com", "192.0.2.1")
	if d := wait("alice@example.com", "192.0.2.9"); d != time.Minute {
		t.Fatalf("identifier pause from another address = %v, want 1m", d)
	}
	if d := wait("bob@example.com", "192.0.2.9"); d != 0 {
		t.Fatalf("another identifier from another address must not wait: %v", d)
	}
	c.add(time.Minute)
	if d := wait("alice@example.com", "192.0.2.9"); d != 0 {
		t.Fatalf("pause must end after the lockout: %v", d)
	}

	// Per address: five failures on five identifiers (an unknown identifier
	// counts the same as a known one).
	for i, id := range []string{"a", "b", "c", "d", "nobody-has-this"} {
		fail(id, "2001:db8::1")
		_ = i
	}
	if d := wait("fresh", "2001:db8::ffff"); d != 2*time.Minute {
		t.Fatalf("address pause for the same /64 = %v, want 2m", d)
	}
	if d := wait("fresh", "2001:db8:1::1"); d != 0 {
		t.Fatalf("another /64 must not wait: %v", d)
	}

	// Success clears the identifier, not the address.
	fail("carol", "198.51.100.1")
	fail("carol", "198.51.100.1")
	if err := th.Succeed(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	fail("carol", "198.51.100.1")
	if d := wait("carol", "198.51.100.2"); d != 0 {
		t.Fatalf("count must restart after a success: %v", d)
	}

	// A window that has passed starts over.
	c.add(11 * time.Minute)
	fail("carol", "198.51.100.3")
	fail("carol", "198.51.100.3")
	if d := wait("carol", "198.51.100.4"); d != 0 {
		t.Fatalf("old failures must not count: %v", d)
	}
	c.add(30 * time.Minute)
	if n, err := th.Prune(ctx); err != nil || n == 0 {
		t.Fatalf("prune = %d, %v", n, err)
	}
}

// Two instances failing at once must both count (no lost updates).
func TestThrottleConcurrent(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := New(pool, Limit{20, time.Hour, time.Minute}, Limit{1000, time.Hour, time.Minute}, c.now)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := th.Fail(ctx, "x", "192.0.2.7"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d, _ := th.Check(ctx, "x", "192.0.2.8"); d != time.Minute {
		t.Fatalf("20 concurrent failures must reach the limit of 20: wait %v", d)
	}
}
