package throttle

import (
	"context"
	"crypto/sha256"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Limit is one dimension: MaxFailures within Window start a Lockout.
type Limit struct {
	MaxFailures int
	Window      time.Duration
	Lockout     time.Duration
}

// Throttle counts failed sign-ins.
type Throttle struct {
	pool       *pgxpool.Pool
	identifier Limit
	clientIP   Limit
	now        func() time.Time
}

// New returns a throttle with the two limits.
func New(pool *pgxpool.Pool, identifier, clientIP Limit, now func() time.Time) *Throttle {
	return &Throttle{pool: pool, identifier: identifier, clientIP: clientIP, now: now}
}

// Check returns how long the caller must wait before trying identifier
// from ip, or 0 when it may try now. identifier must already be
// normalised the way credentials are compared.
func (t *Throttle) Check(ctx context.Context, identifier, ip string) (time.Duration, error) {
	now := t.now()
	var until *time.Time
	err := t.pool.QueryRow(ctx, `SELECT max(locked_until) FROM login_throttles WHERE key = ANY($1) AND locked_until > $2`,
		[][]byte{identifierKey(identifier), ipKey(ip)}, now).Scan(&until)
	if err != nil {
		return 0, storage.Translate(err)
	}
	if until == nil {
		return 0, nil
	}
	return until.Sub(now), nil
}

// Fail records a failed attempt for identifier and ip.
func (t *Throttle) Fail(ctx context.Context, identifier, ip string) error {
	now := t.now()
	for _, k := range []struct {
		key   []byte
		limit Limit
	}{{identifierKey(identifier), t.identifier}, {ipKey(ip), t.clientIP}} {
		// One statement per key: a window that has passed starts over; the
		// failure that reaches the limit sets the lockout.
		_, err := t.pool.Exec(ctx, `INSERT INTO login_throttles AS t (key, failures, window_start, locked_until)
			VALUES ($1, 1, $2::timestamptz, CASE WHEN $3::int <= 1 THEN $5::timestamptz END)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN t.window_start <= $4::timestamptz THEN 1 ELSE t.failures + 1 END,
				window_start = CASE WHEN t.window_start <= $4::timestamptz THEN $2::timestamptz ELSE t.window_start END,
				locked_until = CASE
					WHEN (CASE WHEN t.window_start <= $4::timestamptz THEN 1 ELSE t.failures + 1 END) >= $3::int
					THEN $5::timestamptz
					ELSE t.locked_until END`,
			k.key, now, k.limit.MaxFailures, now.Add(-k.limit.Window), now.Add(k.limit.Lockout))
		if err != nil {
			return storage.Translate(err)
		}
	}
	return nil
}

// Succeed clears the identifier's count after a successful sign-in. The
// address keeps its count: one right password does not excuse a hundred
// wrong ones for other accounts.
func (t *Throttle) Succeed(ctx context.Context, identifier string) error {
	_, err := t.pool.Exec(ctx, `DELETE FROM login_throttles WHERE key = $1`, identifierKey(identifier))
	return storage.Translate(err)
}

// Prune deletes rows whose window and lockout have both passed.
func (t *Throttle) Prune(ctx context.Context) (int64, error) {
	now := t.now()
	longest := max(t.identifier.Window, t.clientIP.Window)
	tag, err := t.pool.Exec(ctx, `DELETE FROM login_throttles WHERE window_start < $1
		AND (locked_until IS NULL OR locked_until < $2)`, now.Add(-longest), now)
	if err != nil {
		return 0, storage.Translate(err)
	}
	return tag.RowsAffected(), nil
}

func identifierKey(id string) []byte {
	h := sha256.Sum256([]byte("identifier:" + id))
	return h[:]
}

func ipKey(ip string) []byte {
	s := ip
	if a, err := netip.ParseAddr(ip); err == nil {
		a = a.Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64)
			s = p.String()
		} else {
			s = a.String()
		}
	}
	h := sha256.Sum256([]byte("ip:" + s))
	return h[:]
}
