package storage

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Notifier delivers Postgres notifications (LISTEN/NOTIFY) to in-process
// subscribers over one dedicated connection, so that an instance learns of
// a change another instance committed (a rotated signing key, an edited
// OAuth2 client) within milliseconds, without polling.
//
// Notifications sent while the connection is down are lost, so a
// subscriber's Reset runs every time listening (re)starts: it must drop or
// reload whatever it derived from the database. Listening reports whether
// notifications are flowing right now; a cache that relies on them must
// not answer from memory while it is false.
type Notifier struct {
	pool      *pgxpool.Pool
	log       *slog.Logger
	subs      map[string][]Subscription
	mu        sync.Mutex
	started   bool
	listening atomic.Bool
	retry     time.Duration
	ping      time.Duration
}

// Subscription is what a subscriber does with a channel's notifications.
type Subscription struct {
	// Notify runs for each notification, with its payload.
	Notify func(ctx context.Context, payload string)
	// Reset runs whenever listening starts or resumes.
	Reset func(ctx context.Context)
}

// NewNotifier returns a Notifier that connects with pool's settings.
func NewNotifier(pool *pgxpool.Pool, log *slog.Logger) *Notifier {
	return &Notifier{pool: pool, log: log, subs: map[string][]Subscription{}, retry: 5 * time.Second, ping: 10 * time.Second}
}

// Subscribe registers s for channel. It must be called before Run.
func (n *Notifier) Subscribe(channel string, s Subscription) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started {
		panic("storage: Notifier.Subscribe after Run")
	}
	n.subs[channel] = append(n.subs[channel], s)
}

// Listening reports whether notifications are being received.
func (n *Notifier) Listening() bool { return n.listening.Load() }

// Run listens until ctx is done, reconnecting after failures.
func (n *Notifier) Run(ctx context.Context) {
	n.mu.Lock()
	n.started = true
	n.mu.Unlock()
	if len(n.subs) == 0 {
		return
	}
	for ctx.Err() == nil {
		err := n.listen(ctx)
		n.listening.Store(false)
		if ctx.Err() != nil {
			return
		}
		n.log.Warn("listening for database notifications; retrying", "error", err, "in", n.retry.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(n.retry):
		}
	}
}

func (n *Notifier) listen(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, n.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for channel := range n.subs {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			return err
		}
	}
	// Anything committed before this point is visible to the resets;
	// anything after arrives as a notification.
	n.listening.Store(true)
	for _, subs := range n.subs {
		for _, s := range subs {
			if s.Reset != nil {
				s.Reset(ctx)
			}
		}
	}
	for {
		// A connection that died silently (a partition, not a restart)
		// would leave Listening true while notifications go nowhere: wake
		// up every ping interval and check the connection answers.
		wctx, cancel := context.WithTimeout(ctx, n.ping)
		note, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil || wctx.Err() == nil {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, n.ping)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		for _, s := range n.subs[note.Channel] {
			if s.Notify != nil {
				s.Notify(ctx, note.Payload)
			}
		}
	}
}
