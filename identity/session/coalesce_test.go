package session

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

// With one query allowed at a time, concurrent lookups must share round
// trips, and each must still get its own answer (here: none).
func TestCoalescerMergesConcurrentLookups(t *testing.T) {
	c := newCoalescer(pgtest.New(t))
	c.maxBusy = 1
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := hashToken(TokenPrefix + string(rune('A'+k%26)))
			row, err := c.lookup(context.Background(), h)
			if err != nil || row != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unknown token: row or error %v", err)
	}
	if q := c.queries.Load(); q >= n {
		t.Fatalf("%d lookups took %d queries; none were merged", n, q)
	}
	// The last runner releases its slot just after answering.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		busy, queued := c.busy, len(c.queue)
		c.mu.Unlock()
		if busy == 0 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left busy=%d queue=%d", busy, queued)
		}
		time.Sleep(time.Millisecond)
	}
}
