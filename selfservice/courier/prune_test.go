package courier

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// TestPruneDeletesOnlyFinishedMailBeforeTheCutoff: sent and abandoned
// messages go, with their dispatches, once they finished before the
// cutoff; a queued message stays however old it is.
func TestPruneDeletesOnlyFinishedMailBeforeTheCutoff(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	e.smtp.Reject("gone@example.com", 550)
	sent, _ := e.courier.Send(ctx, "jane@example.com", VerificationValid, nil)
	gone, _ := e.courier.Send(ctx, "gone@example.com", VerificationValid, nil)
	if _, err := e.worker(0).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	waiting, _ := e.courier.Send(ctx, "later@example.com", VerificationValid, nil)

	if n, err := e.store.Prune(ctx, e.clock.Now().Add(-time.Minute)); err != nil || n != 0 {
		t.Fatalf("a cutoff before anything finished pruned %d (%v)", n, err)
	}
	e.clock.Add(time.Hour)
	n, err := e.store.Prune(ctx, e.clock.Now())
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want the sent and the abandoned message", n, err)
	}
	for _, id := range []uuid.UUID{sent, gone} {
		if _, err := e.store.Get(ctx, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("pruned message %s: %v", id, err)
		}
	}
	var dispatches int
	if err := e.store.pool.QueryRow(ctx, `SELECT count(*) FROM courier_message_dispatches WHERE message_id = ANY($1)`,
		[]uuid.UUID{sent, gone}).Scan(&dispatches); err != nil || dispatches != 0 {
		t.Errorf("dispatches of pruned messages: %d (%v)", dispatches, err)
	}
	if m, err := e.store.Get(ctx, waiting); err != nil || m.Status != StatusQueued {
		t.Errorf("a queued message must survive pruning: %+v %v", m, err)
	}
}
