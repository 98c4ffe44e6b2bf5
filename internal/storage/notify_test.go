package storage_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

type recorder struct {
	mu       sync.Mutex
	payloads []string
	resets   int
}

func (r *recorder) sub() storage.Subscription {
	return storage.Subscription{
		Notify: func(_ context.Context, p string) { r.mu.Lock(); r.payloads = append(r.payloads, p); r.mu.Unlock() },
		Reset:  func(context.Context) { r.mu.Lock(); r.resets++; r.mu.Unlock() },
	}
}

func (r *recorder) state() ([]string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.payloads...), r.resets
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Notifications reach the subscribers of their channel only; a dropped
// listening connection is noticed, reopened, and announced with a reset
// (notifications sent meanwhile are lost, so subscribers must reload).
func TestNotifierDeliversAndRecovers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := pgtest.New(t)
	n := storage.NewNotifier(pool, slog.New(slog.DiscardHandler))
	storage.SetNotifierRetry(n, 50*time.Millisecond)
	var a, b recorder
	n.Subscribe("chan_a", a.sub())
	n.Subscribe("chan_b", b.sub())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()

	eventually(t, "listening", n.Listening)
	if _, resets := a.state(); resets != 1 {
		t.Fatalf("resets at start: %d", resets)
	}
	if _, err := pool.Exec(ctx, `SELECT pg_notify('chan_a', 'client-1'), pg_notify('chan_c', 'nobody')`); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the notification", func() bool { p, _ := a.state(); return len(p) == 1 && p[0] == "client-1" })
	if p, _ := b.state(); len(p) != 0 {
		t.Fatalf("chan_b got %v", p)
	}

	// The listening connection is killed (as a failover or a restart would).
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a reset after reconnecting", func() bool { _, r := a.state(); return r == 2 })
	eventually(t, "listening again", n.Listening)
	if _, err := pool.Exec(ctx, `SELECT pg_notify('chan_b', 'x')`); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delivery after reconnecting", func() bool { p, _ := b.state(); return len(p) == 1 })

	cancel()
	<-done
	if n.Listening() {
		t.Fatal("still listening after Run returned")
	}
}
