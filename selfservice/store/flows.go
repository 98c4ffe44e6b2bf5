package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
)

// Store is the Postgres store of flows and errors.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a store on pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const flowColumns = `id, kind, type, state, request_url, return_to, ui, csrf_token_hash, identity_id, session_id,
	refresh, requested_aal, oauth2_login_challenge, active, issued_at, expires_at, created_at, updated_at, used_at`

// CreateFlow inserts f.
func (s *Store) CreateFlow(ctx context.Context, f *flow.Flow) error {
	ui, err := json.Marshal(f.UI)
	if err != nil {
		return fmt.Errorf("encoding flow form: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO selfservice_flows (`+flowColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
		f.ID, f.Kind, f.Type, f.State, f.RequestURL, f.ReturnTo, ui, tokenHash(f.CSRFToken), f.IdentityID, f.SessionID,
		f.Refresh, f.RequestedAAL, f.OAuth2LoginChallenge, f.Active, f.IssuedAt, f.ExpiresAt, f.CreatedAt, f.UpdatedAt, f.UsedAt)
	if err != nil {
		return storage.Translate(err)
	}
	f.CSRFTokenHash = tokenHash(f.CSRFToken)
	return nil
}

// GetFlow loads a flow. The CSRF token is not stored, only its hash, so
// the returned flow carries the hash in CSRFTokenHash for comparison.
func (s *Store) GetFlow(ctx context.Context, id uuid.UUID) (*flow.Flow, error) {
	var (
		f    flow.Flow
		ui   []byte
		hash []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT `+flowColumns+` FROM selfservice_flows WHERE id = $1`, id).Scan(
		&f.ID, &f.Kind, &f.Type, &f.State, &f.RequestURL, &f.ReturnTo, &ui, &hash, &f.IdentityID, &f.SessionID,
		&f.Refresh, &f.RequestedAAL, &f.OAuth2LoginChallenge, &f.Active, &f.IssuedAt, &f.ExpiresAt, &f.CreatedAt,
		&f.UpdatedAt, &f.UsedAt)
	if err != nil {
		return nil, storage.Translate(err)
	}
	f.UI = &node.Container{}
	if err := json.Unmarshal(ui, f.UI); err != nil {
		return nil, fmt.Errorf("decoding flow form: %w", err)
	}
	f.CSRFTokenHash = hash
	return &f, nil
}

// UpdateFlow saves the mutable parts of f.
func (s *Store) UpdateFlow(ctx context.Context, f *flow.Flow) error {
	ui, err := json.Marshal(f.UI)
	if err != nil {
		return fmt.Errorf("encoding flow form: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE selfservice_flows SET state = $2, return_to = $3, ui = $4, active = $5,
		updated_at = $6, identity_id = $7 WHERE id = $1`, f.ID, f.State, f.ReturnTo, ui, f.Active, f.UpdatedAt, f.IdentityID)
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// MarkFlowUsed claims the flow; only one request ever succeeds.
func (s *Store) MarkFlowUsed(ctx context.Context, id uuid.UUID, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE selfservice_flows SET used_at = $2, updated_at = $2
		WHERE id = $1 AND used_at IS NULL`, id, at)
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return flow.ErrUsed
	}
	return nil
}

// Prune deletes flows and errors that expired before cutoff, and throttle
// rows whose window and lockout have both passed. It returns how many rows
// went.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	return storage.DeleteBefore(ctx, s.pool, cutoff,
		`DELETE FROM selfservice_flows WHERE expires_at < $1`,
		`DELETE FROM selfservice_errors WHERE created_at < $1`)
}

func tokenHash(tok string) []byte {
	if tok == "" {
		return nil
	}
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// Interface guards
var (
	_ flow.Store      = (*Store)(nil)
	_ flow.ErrorStore = (*Store)(nil)
)
