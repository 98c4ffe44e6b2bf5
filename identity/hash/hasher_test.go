package hash

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestArgon2idIsTheDefaultAndRoundTrips(t *testing.T) {
	h, err := New(Config{Argon2: Argon2Params{Memory: 64, Iterations: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc, err := h.Hash(ctx, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash = %q, want argon2id with the configured parameters", enc)
	}
	if err := h.Verify(ctx, []byte("s3cret"), enc); err != nil {
		t.Fatal(err)
	}
	if err := h.Verify(ctx, []byte("s3creT"), enc); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	if h.NeedsRehash(enc) {
		t.Error("a hash made with the current parameters needs no rehash")
	}
	again, _ := h.Hash(ctx, []byte("s3cret"))
	if again == enc {
		t.Error("two hashes of one password share a salt")
	}

	// Raising the cost makes existing hashes due for an upgrade.
	stronger, _ := New(Config{Argon2: Argon2Params{Memory: 128, Iterations: 1}})
	if !stronger.NeedsRehash(enc) {
		t.Error("a hash made with weaker parameters must be rehashed")
	}
	// So does switching algorithm.
	b, _ := New(Config{Algorithm: AlgorithmBcrypt, BcryptCost: 4})
	if !b.NeedsRehash(enc) {
		t.Error("an argon2 hash must be rehashed when bcrypt is configured")
	}
}

func TestBcryptHasher(t *testing.T) {
	h, err := New(Config{Algorithm: AlgorithmBcrypt, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc, err := h.Hash(ctx, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$2a$04$") {
		t.Fatalf("hash = %q", enc)
	}
	if err := h.Verify(ctx, []byte("s3cret"), enc); err != nil {
		t.Fatal(err)
	}
	if h.NeedsRehash(enc) {
		t.Error("current bcrypt hash needs no rehash")
	}
	// bcrypt reads 72 bytes: a longer password must be refused, not
	// silently truncated (which would make every suffix a valid password).
	if _, err := h.Hash(ctx, []byte(strings.Repeat("a", 73))); !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("73-byte password: %v", err)
	}
	long := strings.Repeat("a", 72)
	enc, _ = h.Hash(ctx, []byte(long))
	if err := h.Verify(ctx, []byte(long+"b"), enc); !errors.Is(err, ErrMismatch) {
		t.Fatalf("password extending a 72-byte one matched: %v", err)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for name, c := range map[string]Config{
		"unknown algorithm": {Algorithm: "md5"},
		"bcrypt cost low":   {Algorithm: AlgorithmBcrypt, BcryptCost: 3},
		"bcrypt cost high":  {Algorithm: AlgorithmBcrypt, BcryptCost: 32},
		"argon2 key short":  {Argon2: Argon2Params{KeyLength: 8}},
		"argon2 memory big": {Argon2: Argon2Params{Memory: 2 << 20}},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted %+v", name, c)
		}
	}
}

func TestVerifyAbsentNeverMatches(t *testing.T) {
	h, _ := New(Config{Argon2: Argon2Params{Memory: 64, Iterations: 1}})
	if err := h.VerifyAbsent(context.Background(), []byte("cerberus: no such identity")); !errors.Is(err, ErrMismatch) {
		t.Fatalf("VerifyAbsent = %v", err)
	}
}

func TestHashingRespectsCancellation(t *testing.T) {
	h, _ := New(Config{MaxConcurrent: 1, Argon2: Argon2Params{Memory: 64, Iterations: 1}})
	h.slots <- struct{}{} // every slot busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with all slots busy and a cancelled context = %v", err)
	}
}
