package jwk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
)

func newManager(t *testing.T, pool *pgxpool.Pool, alg string) *Manager {
	t.Helper()
	box, err := secretbox.New([]string{"test-system-secret-0123456789"}, "oauth2")
	if err != nil {
		t.Fatal(err)
	}
	return NewManager(Options{Pool: pool, Box: box, Algorithm: alg, Now: time.Now, Rand: rand.Reader,
		Retention: func(context.Context) (time.Duration, error) { return time.Hour, nil },
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestConcurrentStartsCreateOneKeyPerSet pins the Hydra problem of a
// first burst creating dozens of keys: instances starting at once create
// exactly one key per set, under the advisory lock.
func TestConcurrentStartsCreateOneKeyPerSet(t *testing.T) {
	pool := pgtest.New(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := newManager(t, pool, "ES256").Start(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM oauth2_keys`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(Sets) {
		t.Fatalf("%d keys, want %d", n, len(Sets))
	}
}

func TestSignerVerifiesAcrossRotationAndRefusesForgeries(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	m := newManager(t, pool, "RS256")
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.EnsureAlgorithms(ctx, "ES256", "EdDSA"); err != nil {
		t.Fatal(err)
	}
	s := &Signer{M: m, Set: AccessTokenSet}
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "x", "exp": time.Now().Add(time.Hour).Unix()}
	}
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		tok, _, err := s.Generate(WithAlgorithm(ctx, AccessTokenSet, alg), claims(), &jwt.Headers{})
		if err != nil {
			t.Fatal(alg, err)
		}
		var h map[string]any
		b, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		_ = json.Unmarshal(b, &h)
		if h["alg"] != alg || h["kid"] == nil {
			t.Fatalf("%s header: %v", alg, h)
		}
		if _, err := s.Validate(ctx, tok); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
	}
	old, _, _ := s.Generate(ctx, claims(), &jwt.Headers{})
	if _, err := m.Rotate(ctx, "", "RS256", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Validate(ctx, old); err != nil {
		t.Fatalf("a token signed before the rotation must verify: %v", err)
	}
	fresh, _, _ := s.Generate(ctx, claims(), &jwt.Headers{})
	if kid(fresh) == kid(old) {
		t.Fatal("the rotated key still signs")
	}
	// The ID token set does not verify access tokens.
	if _, err := (&Signer{M: m, Set: IDTokenSet}).Validate(ctx, fresh); err == nil {
		t.Fatal("a key of another set verified the token")
	}
	// A header naming another algorithm than the key's is refused.
	parts := strings.Split(fresh, ".")
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	forged := strings.Replace(string(hb), `"RS256"`, `"HS256"`, 1)
	bad := base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[1] + "." + parts[2]
	if _, err := s.Validate(ctx, bad); err == nil {
		t.Fatal("algorithm confusion accepted")
	}
	// An unknown kid is refused.
	hb2 := strings.Replace(string(hb), kid(fresh), "nope", 1)
	if _, err := s.Validate(ctx, base64.RawURLEncoding.EncodeToString([]byte(hb2))+"."+parts[1]+"."+parts[2]); err == nil {
		t.Fatal("unknown kid accepted")
	}
	// The retired key leaves the JWKS once its publication ends.
	if _, err := pool.Exec(ctx, `UPDATE oauth2_keys SET publish_until = now() - interval '1 second' WHERE retired_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Validate(ctx, old); err == nil {
		t.Fatal("a key past its publication still verifies")
	}
	body, _ := m.Ring().JWKS()
	if strings.Contains(string(body), kid(old)) {
		t.Fatal("an expired key is still published")
	}
}

func kid(tok string) string {
	b, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	var h struct{ Kid string }
	_ = json.Unmarshal(b, &h)
	return h.Kid
}
