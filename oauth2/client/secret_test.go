package client

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"
)

func newTestHasher(t testing.TB, algo string, now *time.Time) *Hasher {
	t.Helper()
	h, err := NewHasher(HasherOptions{Algorithm: algo, PBKDF2Iterations: 25000, BCryptCost: 10,
		Now: func() time.Time { return *now }, Rand: rand.Reader, CacheTTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHasherVerifiesAndRemembers(t *testing.T) {
	ctx := context.Background()
	for _, algo := range []string{"pbkdf2", "bcrypt"} {
		t.Run(algo, func(t *testing.T) {
			now := time.Unix(1000, 0)
			h := newTestHasher(t, algo, &now)
			hash, err := h.Hash(ctx, []byte("correct horse"))
			if err != nil {
				t.Fatal(err)
			}
			if err := h.Compare(ctx, hash, []byte("correct horse")); err != nil {
				t.Fatal(err)
			}
			if len(h.known) != 1 {
				t.Fatalf("a verified secret must be remembered, have %d", len(h.known))
			}
			// A wrong secret is refused, from the cache path too, and is
			// never remembered.
			for range 2 {
				if err := h.Compare(ctx, hash, []byte("wrong horse")); !errors.Is(err, ErrSecretMismatch) {
					t.Fatalf("wrong secret: %v", err)
				}
			}
			if len(h.known) != 1 {
				t.Fatal("a failure was remembered")
			}
			// Rotation: a new hash for the same client misses the cache, so
			// the old secret no longer works anywhere.
			rotated, _ := h.Hash(ctx, []byte("new secret"))
			if err := h.Compare(ctx, rotated, []byte("correct horse")); !errors.Is(err, ErrSecretMismatch) {
				t.Fatalf("old secret accepted after rotation: %v", err)
			}
			// Entries expire.
			now = now.Add(2 * time.Minute)
			key := h.cacheKey(hash, []byte("correct horse"))
			if h.known[key] > now.UnixNano() {
				t.Fatal("entry outlived its TTL")
			}
			if err := h.Compare(ctx, hash, []byte("correct horse")); err != nil {
				t.Fatal(err)
			}
			// An empty hash (public client) never matches.
			if err := h.Compare(ctx, nil, nil); err == nil {
				t.Fatal("empty hash matched")
			}
		})
	}
}

func TestHasherRefusesMalformedHashes(t *testing.T) {
	now := time.Unix(1000, 0)
	h := newTestHasher(t, "pbkdf2", &now)
	for _, bad := range []string{"plain", "$pbkdf2-sha256$i=x$a$b", "$pbkdf2-sha256$i=10,l=32$!!$!!", "$2a$bad"} {
		if err := h.Compare(context.Background(), []byte(bad), []byte("secret")); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// BenchmarkClientSecret measures the token endpoint's secret check: the
// KDF on a first request (Cold) and the remembered path after (Cached).
func BenchmarkClientSecret(b *testing.B) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	h, _ := NewHasher(HasherOptions{Algorithm: "pbkdf2", Now: func() time.Time { return now }, Rand: rand.Reader})
	hash, _ := h.Hash(ctx, []byte("client-secret-0123456789"))
	b.Run("Cold", func(b *testing.B) {
		for b.Loop() {
			if err := verify(hash, []byte("client-secret-0123456789")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Cached", func(b *testing.B) {
		_ = h.Compare(ctx, hash, []byte("client-secret-0123456789"))
		for b.Loop() {
			if err := h.Compare(ctx, hash, []byte("client-secret-0123456789")); err != nil {
				b.Fatal(err)
			}
		}
	})
}
