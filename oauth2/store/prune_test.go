package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/oauth2/store"
)

// TestPruneDeletesTokensExpiredBeforeTheCutoff: tokens and seen assertion
// ids whose expiry is before the cutoff go; later ones, and tokens without
// an expiry, stay.
func TestPruneDeletesTokensExpiredBeforeTheCutoff(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	if _, err := pool.Exec(ctx, `INSERT INTO oauth2_clients (id, body, created_at, updated_at) VALUES ('c', '{}', $1, $1)`, now); err != nil {
		t.Fatal(err)
	}
	for sig, exp := range map[string]*time.Time{
		"expired-long-ago": ptr(now.Add(-2 * time.Hour)),
		"expired-recently": ptr(now.Add(-30 * time.Minute)),
		"valid":            ptr(now.Add(time.Hour)),
		"no-expiry":        nil,
	} {
		if _, err := pool.Exec(ctx, `INSERT INTO oauth2_tokens (signature, kind, request_id, client_id, requested_at, expires_at, session)
			VALUES ($1, 'refresh', 'r', 'c', $2, $3, '\x00')`, []byte(sig), now.Add(-3*time.Hour), exp); err != nil {
			t.Fatal(err)
		}
	}
	for jti, exp := range map[string]time.Time{"old": now.Add(-2 * time.Hour), "new": now.Add(time.Hour)} {
		if _, err := pool.Exec(ctx, `INSERT INTO oauth2_jti (jti, expires_at) VALUES ($1, $2)`, []byte(jti), exp); err != nil {
			t.Fatal(err)
		}
	}

	n, err := store.New(pool, nil, nil, func() time.Time { return now }).Prune(ctx, now.Add(-time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want the token that expired over an hour ago", n, err)
	}
	var left []string
	rows, _ := pool.Query(ctx, `SELECT convert_from(signature, 'UTF8') FROM oauth2_tokens ORDER BY 1`)
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		left = append(left, s)
	}
	if rows.Err() != nil || len(left) != 3 || left[0] != "expired-recently" || left[1] != "no-expiry" || left[2] != "valid" {
		t.Errorf("tokens left: %v (%v)", left, rows.Err())
	}
	var jtis int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM oauth2_jti WHERE jti = 'new'`).Scan(&jtis); err != nil || jtis != 1 {
		t.Errorf("unexpired assertion id: %d (%v)", jtis, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM oauth2_jti`).Scan(&jtis); err != nil || jtis != 1 {
		t.Errorf("assertion ids left: %d (%v), want 1", jtis, err)
	}
}

func ptr[T any](v T) *T { return &v }
