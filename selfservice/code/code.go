package code

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Purpose is what a secret is for.
type Purpose string

// Purposes.
const (
	Recovery     Purpose = "recovery"
	Verification Purpose = "verification"
)

// Method is how the secret travels.
type Method string

// Methods.
const (
	MethodCode Method = "code"
	MethodLink Method = "link"
)

// Code is one issued secret (without the secret).
type Code struct {
	ID         uuid.UUID
	FlowID     uuid.UUID
	Purpose    Purpose
	Method     Method
	IdentityID uuid.UUID
	// Address is the address the secret was sent to.
	Address   string
	ExpiresAt time.Time
	CreatedAt time.Time
	UsedAt    *time.Time
}

// Errors of redeeming a secret. They are deliberately coarse: a wrong, an
// expired and an already used secret look the same to the person
// guessing.
var (
	ErrInvalid = errors.New("code: invalid, expired or already used")
	// ErrTooManyAttempts: the flow took its share of wrong codes and
	// accepts none any more, not even the right one.
	ErrTooManyAttempts = errors.New("code: too many wrong codes for this flow")
)

// Store keeps secrets in Postgres.
type Store struct {
	pool *pgxpool.Pool
	keys [][]byte
	rand io.Reader
}

// New returns a store whose HMAC keys derive from secrets (the first
// hashes new secrets, all are tried when redeeming, so rotating
// secrets.system keeps outstanding codes working).
func New(pool *pgxpool.Pool, secrets []string, rnd io.Reader) (*Store, error) {
	if len(secrets) == 0 {
		return nil, errors.New("code: at least one secret is required")
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	s := &Store{pool: pool, rand: rnd}
	for _, sec := range secrets {
		k, err := hkdf.Key(sha256.New, []byte(sec), nil, "cerberus selfservice codes v1", 32)
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

func (s *Store) hashes(p Purpose, m Method, flowID uuid.UUID, secret string) [][]byte {
	out := make([][]byte, len(s.keys))
	for i, k := range s.keys {
		mac := hmac.New(sha256.New, k)
		mac.Write([]byte(string(p) + "\x00" + string(m) + "\x00"))
		mac.Write(flowID[:])
		mac.Write([]byte(secret))
		out[i] = mac.Sum(nil)
	}
	return out
}

// newSecret draws a six-digit code (uniform over 000000-999999) or a
// 256-bit link token.
func (s *Store) newSecret(m Method) (string, error) {
	if m == MethodCode {
		n, err := rand.Int(s.rand, big.NewInt(1_000_000))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%06d", n.Int64()), nil
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Issue stores a new secret for c (ID and CreatedAt are filled in) and
// returns it; it is never stored or returned again.
func (s *Store) Issue(ctx context.Context, c *Code) (string, error) {
	secret, err := s.newSecret(c.Method)
	if err != nil {
		return "", err
	}
	if c.ID, err = uuid.NewRandomFromReader(s.rand); err != nil {
		return "", err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO selfservice_codes
		(id, flow_id, purpose, method, hash, identity_id, address, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		c.ID, c.FlowID, c.Purpose, c.Method, s.hashes(c.Purpose, c.Method, c.FlowID, secret)[0], c.IdentityID, c.Address,
		c.ExpiresAt, c.CreatedAt)
	if err != nil {
		return "", storage.Translate(err)
	}
	return secret, nil
}

// UseLink redeems a link token of flowID: it must be for this purpose and
// this flow, unexpired and unused. It is used up either way.
func (s *Store) UseLink(ctx context.Context, p Purpose, flowID uuid.UUID, token string, now time.Time) (*Code, error) {
	if token == "" {
		return nil, ErrInvalid
	}
	var c *Code
	err := storage.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM selfservice_codes
			WHERE method = 'link' AND hash = ANY($1) FOR UPDATE`, s.hashes(p, MethodLink, flowID, token))
		if err != nil {
			return err
		}
		found, err := pgx.CollectRows(rows, scan)
		if err != nil {
			return err
		}
		if len(found) != 1 || found[0].UsedAt != nil || !now.Before(found[0].ExpiresAt) || found[0].Purpose != p {
			return ErrInvalid
		}
		c = found[0]
		return s.markUsed(ctx, tx, c, now)
	})
	if err != nil {
		return nil, translate(err)
	}
	return c, nil
}

// UseCode redeems a six-digit code of flowID. A wrong code counts against
// the flow; once maxAttempts wrong codes were tried, every code of the
// flow is refused with ErrTooManyAttempts.
func (s *Store) UseCode(ctx context.Context, p Purpose, flowID uuid.UUID, code string, now time.Time, maxAttempts int) (*Code, error) {
	var c *Code
	var failed bool
	err := storage.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the flow's counter (creating it first), so concurrent
		// guesses are serialised and each is counted before the next runs.
		if _, err := tx.Exec(ctx, `INSERT INTO selfservice_code_failures (flow_id, failures) VALUES ($1, 0)
			ON CONFLICT (flow_id) DO NOTHING`, flowID); err != nil {
			return err
		}
		var failures int
		if err := tx.QueryRow(ctx, `SELECT failures FROM selfservice_code_failures WHERE flow_id = $1 FOR UPDATE`,
			flowID).Scan(&failures); err != nil {
			return err
		}
		if failures >= maxAttempts {
			return ErrTooManyAttempts
		}
		rows, err := tx.Query(ctx, `SELECT `+columns+`, hash FROM selfservice_codes
			WHERE flow_id = $1 AND purpose = $2 AND method = 'code' AND used_at IS NULL AND expires_at > $3`, flowID, p, now)
		if err != nil {
			return err
		}
		open, err := pgx.CollectRows(rows, scanWithHash)
		if err != nil {
			return err
		}
		want := s.hashes(p, MethodCode, flowID, code)
		for _, o := range open {
			for _, h := range want {
				// Every candidate is compared in full: no early exit that
				// would time which one matched.
				if hmac.Equal(o.hash, h) {
					c = o.Code
				}
			}
		}
		if c != nil && len(code) == 6 {
			return s.markUsed(ctx, tx, c, now)
		}
		c, failed = nil, true
		_, err = tx.Exec(ctx, `UPDATE selfservice_code_failures SET failures = failures + 1 WHERE flow_id = $1`, flowID)
		return err
	})
	if err != nil {
		return nil, translate(err)
	}
	if failed {
		return nil, ErrInvalid
	}
	return c, nil
}

// markUsed uses up c and every other open secret of its flow: after one
// succeeded, the flow is done.
func (s *Store) markUsed(ctx context.Context, tx pgx.Tx, c *Code, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE selfservice_codes SET used_at = $2 WHERE flow_id = $1 AND used_at IS NULL`, c.FlowID, now)
	c.UsedAt = &now
	return err
}

// Revoke uses up every open secret of a flow (a new one was sent, or the
// flow ended).
func (s *Store) Revoke(ctx context.Context, flowID uuid.UUID, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE selfservice_codes SET used_at = $2 WHERE flow_id = $1 AND used_at IS NULL`, flowID, now)
	return storage.Translate(err)
}

// Failures returns how many wrong codes flowID has taken.
func (s *Store) Failures(ctx context.Context, flowID uuid.UUID) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT failures FROM selfservice_code_failures WHERE flow_id = $1`, flowID).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, storage.Translate(err)
}

const columns = `id, flow_id, purpose, method, identity_id, address, expires_at, created_at, used_at`

func scan(row pgx.CollectableRow) (*Code, error) {
	c := &Code{}
	err := row.Scan(&c.ID, &c.FlowID, &c.Purpose, &c.Method, &c.IdentityID, &c.Address, &c.ExpiresAt, &c.CreatedAt, &c.UsedAt)
	return c, err
}

type hashed struct {
	*Code
	hash []byte
}

func scanWithHash(row pgx.CollectableRow) (hashed, error) {
	h := hashed{Code: &Code{}}
	c := h.Code
	err := row.Scan(&c.ID, &c.FlowID, &c.Purpose, &c.Method, &c.IdentityID, &c.Address, &c.ExpiresAt, &c.CreatedAt, &c.UsedAt, &h.hash)
	return h, err
}

func translate(err error) error {
	if errors.Is(err, ErrInvalid) || errors.Is(err, ErrTooManyAttempts) {
		return err
	}
	return storage.Translate(err)
}
