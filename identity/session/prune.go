package session

import (
	"context"
	"time"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Prune deletes sessions that expired before cutoff, revoked or not, and
// returns how many went. An expired session can never be used again; the
// caller keeps a while of history (admin listings show inactive sessions)
// by choosing cutoff in the past.
func (m *Manager) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	return storage.DeleteBefore(ctx, m.pool, cutoff, `DELETE FROM sessions WHERE expires_at < $1`)
}
