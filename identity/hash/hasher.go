package hash

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Algorithms a Hasher can hash new passwords with (hashers.algorithm).
const (
	AlgorithmArgon2 = "argon2"
	AlgorithmBcrypt = "bcrypt"
)

// Config configures a Hasher.
type Config struct {
	// Algorithm is AlgorithmArgon2 (argon2id) or AlgorithmBcrypt.
	Algorithm string
	// Argon2 parameters; zero fields take DefaultArgon2.
	Argon2 Argon2Params
	// BcryptCost; zero takes DefaultBcryptCost.
	BcryptCost int
	// MaxConcurrent bounds simultaneous hash computations; zero means
	// GOMAXPROCS. Each argon2 computation holds Argon2.Memory KiB.
	MaxConcurrent int
	// Rand supplies salts; nil means crypto/rand.
	Rand io.Reader
}

// DefaultArgon2 is OWASP's first recommended argon2id configuration
// (Password Storage Cheat Sheet: "a minimum configuration of 19 MiB of
// memory, an iteration count of 2, and 1 degree of parallelism").
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// DefaultBcryptCost matches Kratos's default.
const DefaultBcryptCost = 12

// ErrPasswordTooLong: bcrypt only reads 72 bytes, so longer passwords are
// refused instead of being silently truncated.
var ErrPasswordTooLong = errors.New("hash: password is longer than the 72 bytes bcrypt supports")

// Hasher hashes new passwords and verifies stored hashes.
type Hasher struct {
	alg    string
	argon  Argon2Params
	cost   int
	rand   io.Reader
	slots  chan struct{}
	absent func() (Digest, error)
}

// New returns a Hasher for c, refusing parameters outside what it can
// verify later.
func New(c Config) (*Hasher, error) {
	h := &Hasher{alg: c.Algorithm, argon: c.Argon2, cost: c.BcryptCost, rand: c.Rand}
	if h.alg == "" {
		h.alg = AlgorithmArgon2
	}
	if h.rand == nil {
		h.rand = rand.Reader
	}
	d := DefaultArgon2
	if h.argon.Memory == 0 {
		h.argon.Memory = d.Memory
	}
	if h.argon.Iterations == 0 {
		h.argon.Iterations = d.Iterations
	}
	if h.argon.Parallelism == 0 {
		h.argon.Parallelism = d.Parallelism
	}
	if h.argon.SaltLength == 0 {
		h.argon.SaltLength = d.SaltLength
	}
	if h.argon.KeyLength == 0 {
		h.argon.KeyLength = d.KeyLength
	}
	if h.cost == 0 {
		h.cost = DefaultBcryptCost
	}
	switch h.alg {
	case AlgorithmArgon2:
		if h.argon.Memory < 8*uint32(h.argon.Parallelism) || h.argon.Memory > 1<<20 {
			return nil, fmt.Errorf("hashers.argon2.memory must be between 8 KiB per lane and 1 GiB")
		}
		if h.argon.Iterations > 64 {
			return nil, fmt.Errorf("hashers.argon2.iterations must be at most 64")
		}
		if h.argon.SaltLength < 8 || h.argon.KeyLength < 16 || h.argon.KeyLength > 1024 {
			return nil, fmt.Errorf("hashers.argon2: salt_length must be at least 8 and key_length 16 to 1024")
		}
	case AlgorithmBcrypt:
		if h.cost < bcrypt.MinCost || h.cost > bcrypt.MaxCost {
			return nil, fmt.Errorf("hashers.bcrypt.cost must be between %d and %d", bcrypt.MinCost, bcrypt.MaxCost)
		}
	default:
		return nil, fmt.Errorf("hashers.algorithm %q is not one of argon2, bcrypt", h.alg)
	}
	n := c.MaxConcurrent
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	h.slots = make(chan struct{}, n)
	// The stand-in hash for unknown identifiers is made once, lazily, with
	// the current parameters so that comparing against it costs what a real
	// comparison costs.
	h.absent = sync.OnceValues(func() (Digest, error) {
		enc, err := h.generate([]byte("cerberus: no such identity"))
		if err != nil {
			return nil, err
		}
		return Parse(enc)
	})
	return h, nil
}

// Algorithm returns the configured algorithm.
func (h *Hasher) Algorithm() string { return h.alg }

// acquire waits for a hashing slot or the context.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns a new encoded hash of password with the configured algorithm.
func (h *Hasher) Hash(ctx context.Context, password []byte) (string, error) {
	if h.alg == AlgorithmBcrypt && len(password) > 72 {
		return "", ErrPasswordTooLong
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.generate(password)
}

func (h *Hasher) generate(password []byte) (string, error) {
	if h.alg == AlgorithmBcrypt {
		b, err := bcrypt.GenerateFromPassword(password, h.cost)
		return string(b), err
	}
	salt := make([]byte, h.argon.SaltLength)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", fmt.Errorf("hash: reading salt: %w", err)
	}
	key := argon2.IDKey(password, salt, h.argon.Iterations, h.argon.Memory, h.argon.Parallelism, h.argon.KeyLength)
	return encodeArgon2id(h.argon, salt, key), nil
}

// Verify reports nil when password matches encoded, ErrMismatch when it does
// not, and a parse error when encoded is in no usable format.
func (h *Hasher) Verify(ctx context.Context, password []byte, encoded string) error {
	d, err := Parse(encoded)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	if !d.Match(password) {
		return ErrMismatch
	}
	return nil
}

// VerifyAbsent does the work of a Verify against a hash of the current
// configuration and always returns ErrMismatch. Login calls it when the
// identifier is unknown, so both paths take the same time.
func (h *Hasher) VerifyAbsent(ctx context.Context, password []byte) error {
	d, err := h.absent()
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	d.Match(password)
	return ErrMismatch
}

// NeedsRehash reports whether encoded should be replaced by a hash from
// the current configuration: another algorithm, or the same one with other
// parameters. Login rehashes after a successful Verify when this is true.
func (h *Hasher) NeedsRehash(encoded string) bool {
	d, err := Parse(encoded)
	if err != nil {
		return true
	}
	switch d := d.(type) {
	case *argon2Digest:
		return h.alg != AlgorithmArgon2 || d.variant != "argon2id" || d.p != h.argon
	case *bcryptDigest:
		return h.alg != AlgorithmBcrypt || d.cost != h.cost
	}
	return true
}
