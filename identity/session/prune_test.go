package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// TestPruneDeletesSessionsExpiredBeforeTheCutoff: expired sessions, active
// or revoked, go once their expiry is before the cutoff; a revoked session
// that has not expired yet stays listed until then.
func TestPruneDeletesSessionsExpiredBeforeTheCutoff(t *testing.T) {
	f := setup(t, nil)
	ctx := context.Background()
	old, _ := f.issue(t)
	oldRevoked, _ := f.issue(t)
	if err := f.m.Revoke(ctx, oldRevoked.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(30 * time.Minute)
	young, _ := f.issue(t)
	youngRevoked, _ := f.issue(t)
	if err := f.m.Revoke(ctx, youngRevoked.ID); err != nil {
		t.Fatal(err)
	}

	// Lifespan is an hour: the first two expire at 13:00, the others 13:30.
	f.clock.Add(45 * time.Minute)
	if n, err := f.m.Prune(ctx, old.ExpiresAt); err != nil || n != 0 {
		t.Fatalf("a cutoff at the expiry itself pruned %d (%v)", n, err)
	}
	n, err := f.m.Prune(ctx, f.clock.Now())
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want the two expired sessions", n, err)
	}
	if _, err := f.m.Get(ctx, old.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	if _, err := f.m.Get(ctx, oldRevoked.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("expired revoked session: %v", err)
	}
	if _, err := f.m.Get(ctx, young.ID); err != nil {
		t.Errorf("active session: %v", err)
	}
	if s, err := f.m.Get(ctx, youngRevoked.ID); err != nil || s.Active {
		t.Errorf("revoked, unexpired session must stay listed as inactive: %+v %v", s, err)
	}
}
