package flow

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/oauth2/client"
)

// Store keeps flows, login sessions and logout requests in Postgres.
type Store struct {
	pool    *pgxpool.Pool
	clients *client.Store
}

// NewStore returns a Store.
func NewStore(pool *pgxpool.Pool, clients *client.Store) *Store {
	return &Store{pool: pool, clients: clients}
}

// Hash is how verifiers, CSRF values and session tokens are stored.
func Hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

const selectFlow = `SELECT f.id, coalesce(f.consent_challenge, ''), f.state, f.subject, coalesce(f.login_session_id, ''),
	f.requested_at, f.expires_at, f.data, c.id, c.secret_hash, c.body, c.created_at, c.updated_at
	FROM oauth2_flows f JOIN oauth2_clients c ON c.id = f.client_id`

func (s *Store) scan(row pgx.Row) (*Flow, error) {
	var (
		f                  Flow
		raw                []byte
		cid, hash          string
		body               []byte
		cCreated, cUpdated time.Time
	)
	if err := row.Scan(&f.ID, &f.ConsentChallenge, &f.State, &f.Subject, &f.LoginSessionID, &f.RequestedAt, &f.ExpiresAt,
		&raw, &cid, &hash, &body, &cCreated, &cUpdated); err != nil {
		return nil, storage.Translate(err)
	}
	if err := json.Unmarshal(raw, &f.data); err != nil {
		return nil, fmt.Errorf("decoding flow %s: %w", f.ID, err)
	}
	c, err := s.clients.Decode(cid, hash, body, cCreated, cUpdated)
	if err != nil {
		return nil, err
	}
	f.ClientID, f.Client = cid, c
	return &f, nil
}

func (s *Store) create(ctx context.Context, f *Flow, csrf []byte) error {
	raw, err := json.Marshal(&f.data)
	if err != nil {
		return err
	}
	var sid *string
	if f.LoginSessionID != "" {
		sid = &f.LoginSessionID
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO oauth2_flows (id, csrf, state, client_id, subject, login_session_id, requested_at, expires_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, csrf, f.State, f.ClientID, f.Subject, sid, f.RequestedAt, f.ExpiresAt, raw)
	return storage.Translate(err)
}

// byChallenge loads a flow by its login (column id) or consent challenge.
func (s *Store) byChallenge(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, column, challenge string, lock bool) (*Flow, error) {
	q := selectFlow + ` WHERE f.` + column + ` = $1`
	if lock {
		q += ` FOR UPDATE OF f`
	}
	return s.scan(db.QueryRow(ctx, q, challenge))
}

// update changes a flow under a row lock.
func (s *Store) update(ctx context.Context, column, challenge string, fn func(f *Flow) (set map[string]any, err error)) (*Flow, error) {
	var out *Flow
	err := storage.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		f, err := s.byChallenge(ctx, tx, column, challenge, true)
		if err != nil {
			return err
		}
		set, err := fn(f)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(&f.data)
		if err != nil {
			return err
		}
		q := `UPDATE oauth2_flows SET state = $2, subject = $3, data = $4`
		args := []any{f.ID, f.State, f.Subject, raw}
		for col, v := range set {
			args = append(args, v)
			q += fmt.Sprintf(", %s = $%d", col, len(args))
		}
		_, err = tx.Exec(ctx, q+` WHERE id = $1`, args...)
		out = f
		return storage.Translate(err)
	})
	return out, err
}

// consume moves a flow from one state to the next by its verifier, only
// when the browser's CSRF value matches and the flow has not expired: one
// statement, so a verifier is good exactly once.
func (s *Store) consume(ctx context.Context, column string, verifier, csrf []byte, from, to string, now time.Time) (*Flow, error) {
	var id string
	err := s.pool.QueryRow(ctx, `UPDATE oauth2_flows SET state = $4
		WHERE `+column+` = $1 AND csrf = $2 AND state = $3 AND expires_at > $5 RETURNING id`,
		verifier, csrf, from, to, now).Scan(&id)
	if err != nil {
		return nil, storage.Translate(err)
	}
	return s.byChallenge(ctx, s.pool, "id", id, false)
}

// LoginSession is a remembered login.
type LoginSession struct {
	ID                        string
	Subject                   string
	Remember                  bool
	AuthenticatedAt           time.Time
	ExpiresAt                 *time.Time
	IdentityProviderSessionID string
}

// LoginSessionByToken returns the login session whose cookie token is tok.
func (s *Store) LoginSessionByToken(ctx context.Context, tok string, now time.Time) (*LoginSession, error) {
	var ls LoginSession
	var auth *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, subject, remember, authenticated_at, expires_at, identity_provider_session_id
		FROM oauth2_login_sessions WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)`, Hash(tok), now).
		Scan(&ls.ID, &ls.Subject, &ls.Remember, &auth, &ls.ExpiresAt, &ls.IdentityProviderSessionID)
	if err != nil {
		return nil, storage.Translate(err)
	}
	if auth != nil {
		ls.AuthenticatedAt = *auth
	}
	return &ls, nil
}

// SaveLoginSession creates or replaces a login session with a new token.
func (s *Store) SaveLoginSession(ctx context.Context, ls *LoginSession, tok string, now time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO oauth2_login_sessions (id, token_hash, subject, remember, authenticated_at, expires_at, identity_provider_session_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET token_hash = $2, subject = $3, remember = $4, authenticated_at = $5, expires_at = $6,
			identity_provider_session_id = $7`,
		ls.ID, Hash(tok), ls.Subject, ls.Remember, ls.AuthenticatedAt, ls.ExpiresAt, ls.IdentityProviderSessionID, now)
	return storage.Translate(err)
}

// DeleteLoginSessions removes login sessions by id or by subject and
// returns the ids removed.
func (s *Store) DeleteLoginSessions(ctx context.Context, sid, subject string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `DELETE FROM oauth2_login_sessions
		WHERE ($1 <> '' AND id = $1) OR ($2 <> '' AND subject = $2) RETURNING id`, sid, subject)
	if err != nil {
		return nil, storage.Translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, storage.Translate(err)
}

// ErrGone marks a request that was already handled.
var ErrGone = errors.New("the request was already handled")

// Prune deletes what nobody can use any more: flows that expired before
// cutoff without a consent (granted consents are consent sessions and
// stay until revoked), logout requests and login sessions past their
// expiry. It returns the number of rows removed.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	return storage.DeleteBefore(ctx, s.pool, cutoff,
		`DELETE FROM oauth2_flows WHERE expires_at < $1 AND consent_handled_at IS NULL`,
		`DELETE FROM oauth2_logout_requests WHERE expires_at < $1`,
		`DELETE FROM oauth2_login_sessions WHERE expires_at < $1`)
}
