package session

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// coalescer resolves token lookups, merging those that arrive while the
// database is busy into one query.
//
// Under light load every lookup runs its own query at once. When maxBusy
// queries are already running, new lookups wait in a queue, and whichever
// query finishes first takes the whole queue into one
// "token_hash = ANY($1)" query. A Postgres round trip (two syscalls on each
// side and a wake-up of the backend) costs far more than one more index
// probe in the same query, so at saturation this multiplies what the
// database and the kernel can serve.
//
// Freshness is unchanged: every queued lookup is answered by a query that
// starts after the lookup was queued, so a session revoked before the
// request arrived is seen as revoked. Nothing is cached.
type coalescer struct {
	pool    *pgxpool.Pool
	maxBusy int

	mu    sync.Mutex
	busy  int
	queue []*pendingLookup

	// queries counts round trips, for tests and metrics.
	queries atomic.Int64
}

// maxBatch bounds one merged query.
const maxBatch = 128

type pendingLookup struct {
	hash []byte
	done chan struct{}
	row  *rawSession
	err  error
}

// rawSession is a looked-up row with its lists still as stored JSON.
type rawSession struct {
	s                *Session
	methods, devices []byte
}

func newCoalescer(pool *pgxpool.Pool) *coalescer {
	busy := 2
	if pool != nil {
		busy = max(2, int(pool.Config().MaxConns)/2)
	}
	return &coalescer{pool: pool, maxBusy: busy}
}

// lookup returns the row for a token hash, or nil when there is none.
func (c *coalescer) lookup(ctx context.Context, hash []byte) (*rawSession, error) {
	p := &pendingLookup{hash: hash, done: make(chan struct{})}
	c.mu.Lock()
	if c.busy < c.maxBusy {
		c.busy++
		c.mu.Unlock()
		c.run(ctx, []*pendingLookup{p})
		return p.row, p.err
	}
	c.queue = append(c.queue, p)
	c.mu.Unlock()
	select {
	case <-p.done:
		return p.row, p.err
	case <-ctx.Done():
		// The merged query still answers into p; nobody reads it.
		return nil, ctx.Err()
	}
}

// run answers batch, then hands whatever queued meanwhile to a new runner
// so the caller can return its own answer without waiting for others.
func (c *coalescer) run(ctx context.Context, batch []*pendingLookup) {
	c.query(ctx, batch)
	for _, p := range batch {
		close(p.done)
	}
	c.mu.Lock()
	if len(c.queue) == 0 {
		c.busy--
		c.mu.Unlock()
		return
	}
	next := c.take()
	c.mu.Unlock()
	go c.runQueued(next)
}

// runQueued serves queued lookups until the queue is empty. Their own
// contexts may be gone; a bounded context of its own keeps the query from
// hanging forever.
func (c *coalescer) runQueued(batch []*pendingLookup) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c.run(ctx, batch)
}

// take removes up to maxBatch lookups from the queue (mu held).
func (c *coalescer) take() []*pendingLookup {
	n := min(len(c.queue), maxBatch)
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	if len(c.queue) == 0 {
		c.queue = nil
	}
	return batch
}

// query runs one lookup query for the batch and fills in each answer.
func (c *coalescer) query(ctx context.Context, batch []*pendingLookup) {
	c.queries.Add(1)
	if len(batch) == 1 {
		p := batch[0]
		s, m, d, err := scanRaw(c.pool.QueryRow(ctx, byToken, p.hash))
		switch {
		case err == nil:
			p.row = &rawSession{s, m, d}
		case !errors.Is(err, pgx.ErrNoRows):
			p.err = err
		}
		return
	}
	hashes := make([][]byte, 0, len(batch))
	for _, p := range batch {
		hashes = append(hashes, p.hash)
	}
	rows, err := c.pool.Query(ctx, byTokens, hashes)
	if err != nil {
		for _, p := range batch {
			p.err = err
		}
		return
	}
	defer rows.Close()
	found := make(map[string]*rawSession, len(batch))
	for rows.Next() {
		var h []byte
		s, m, d, err := scanRawWith(rows, &h)
		if err != nil {
			for _, p := range batch {
				p.err = err
			}
			return
		}
		found[string(h)] = &rawSession{s, m, d}
	}
	err = rows.Err()
	for _, p := range batch {
		p.err = err
		if r := found[string(p.hash)]; r != nil {
			// Several requests may carry one token; each gets its own
			// Session (callers fill in its lists).
			s := *r.s
			p.row = &rawSession{&s, r.methods, r.devices}
		}
	}
}
