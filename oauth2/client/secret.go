package client

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ory/fosite"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sync/singleflight"
)

// ErrSecretMismatch is returned when a presented secret does not match.
var ErrSecretMismatch = errors.New("client secret does not match")

// HasherOptions configure how new secrets are hashed.
type HasherOptions struct {
	// Algorithm is pbkdf2 or bcrypt (oauth2.hashers.algorithm).
	Algorithm        string
	PBKDF2Iterations int
	BCryptCost       int
	// CacheTTL bounds how long a verified secret is remembered (default 5m).
	CacheTTL time.Duration
	// CacheSize bounds the number of remembered secrets (default 10000).
	CacheSize int
	Now       func() time.Time
	Rand      io.Reader
}

// Hasher hashes client secrets with a strong KDF and remembers recently
// verified ones, so a client that authenticates on every token request
// pays for the KDF once per CacheTTL instead of on every request (Hydra
// spends most of its token-endpoint time there).
//
// The cache key is HMAC-SHA256 under a per-process random key of the stored
// hash and the presented secret. The stored hash carries the client's random
// salt, so it stands for "this client with this secret": rotating the secret
// changes the stored hash, every instance misses on its next request, and no
// coordination between instances is needed. Only successes are remembered,
// the key never leaves memory, and entries expire after CacheTTL.
type Hasher struct {
	opts  HasherOptions
	key   []byte
	group singleflight.Group
	// kdf bounds concurrent KDF runs so a flood of wrong secrets queues
	// instead of eating every core.
	kdf chan struct{}

	mu    sync.RWMutex
	known map[[sha256.Size]byte]int64 // expiry, unix nanoseconds
}

// Interface guards
var _ fosite.Hasher = (*Hasher)(nil)

// NewHasher returns a Hasher. It reads its cache key from opts.Rand.
func NewHasher(opts HasherOptions) (*Hasher, error) {
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 5 * time.Minute
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 10000
	}
	if opts.PBKDF2Iterations == 0 {
		opts.PBKDF2Iterations = 600_000
	}
	if opts.BCryptCost == 0 {
		opts.BCryptCost = 12
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(opts.Rand, key); err != nil {
		return nil, err
	}
	return &Hasher{
		opts: opts, key: key,
		kdf:   make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		known: make(map[[sha256.Size]byte]int64),
	}, nil
}

// Hash returns the KDF hash of secret in the configured algorithm.
func (h *Hasher) Hash(_ context.Context, secret []byte) ([]byte, error) {
	if h.opts.Algorithm == "bcrypt" {
		if len(secret) > 72 {
			// bcrypt ignores bytes past 72; pre-hash so long secrets keep
			// all their entropy.
			sum := sha256.Sum256(secret)
			secret = []byte(base64.RawStdEncoding.EncodeToString(sum[:]))
		}
		return bcrypt.GenerateFromPassword(secret, h.opts.BCryptCost)
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(h.opts.Rand, salt); err != nil {
		return nil, err
	}
	dk, err := pbkdf2.Key(sha256.New, string(secret), salt, h.opts.PBKDF2Iterations, 32)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "$pbkdf2-sha256$i=%d,l=32$%s$%s", h.opts.PBKDF2Iterations,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(dk)), nil
}

// Compare checks secret against a stored hash: from memory when this
// exact pair was verified within CacheTTL, else with the KDF.
func (h *Hasher) Compare(ctx context.Context, hash, secret []byte) error {
	if len(hash) == 0 {
		return ErrSecretMismatch
	}
	key := h.cacheKey(hash, secret)
	now := h.opts.Now().UnixNano()
	h.mu.RLock()
	exp, ok := h.known[key]
	h.mu.RUnlock()
	if ok && exp > now {
		return nil
	}
	// Concurrent first requests of one client run the KDF once.
	_, err, _ := h.group.Do(string(key[:]), func() (any, error) {
		select {
		case h.kdf <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-h.kdf }()
		return nil, verify(hash, secret)
	})
	if err != nil {
		return err
	}
	h.remember(key, now)
	return nil
}

func (h *Hasher) cacheKey(hash, secret []byte) [sha256.Size]byte {
	m := hmac.New(sha256.New, h.key)
	// Length-prefix the hash so (hash, secret) pairs cannot be shifted
	// into one another.
	m.Write(strconv.AppendInt(nil, int64(len(hash)), 10))
	m.Write([]byte{0})
	m.Write(hash)
	m.Write(secret)
	var k [sha256.Size]byte
	m.Sum(k[:0])
	return k
}

func (h *Hasher) remember(key [sha256.Size]byte, now int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.known) >= h.opts.CacheSize {
		for k, exp := range h.known {
			if exp <= now {
				delete(h.known, k)
			}
		}
		// Still full of live entries: forget an arbitrary half.
		if len(h.known) >= h.opts.CacheSize {
			n := 0
			for k := range h.known {
				delete(h.known, k)
				if n++; n >= h.opts.CacheSize/2 {
					break
				}
			}
		}
	}
	h.known[key] = now + int64(h.opts.CacheTTL)
}

// verify runs the KDF named by the hash's prefix.
func verify(hash, secret []byte) error {
	s := string(hash)
	switch {
	case strings.HasPrefix(s, "$pbkdf2-sha256$"):
		parts := strings.Split(s, "$")
		// "", "pbkdf2-sha256", "i=N,l=32", salt, key
		if len(parts) != 5 {
			return errors.New("malformed pbkdf2 hash")
		}
		var iter, l int
		if _, err := fmt.Sscanf(parts[2], "i=%d,l=%d", &iter, &l); err != nil || iter < 1 || l < 16 || l > 64 {
			return errors.New("malformed pbkdf2 parameters")
		}
		salt, err1 := base64.RawStdEncoding.DecodeString(parts[3])
		want, err2 := base64.RawStdEncoding.DecodeString(parts[4])
		if err1 != nil || err2 != nil || len(want) != l {
			return errors.New("malformed pbkdf2 hash")
		}
		got, err := pbkdf2.Key(sha256.New, string(secret), salt, iter, l)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(got, want) != 1 {
			return ErrSecretMismatch
		}
		return nil
	case strings.HasPrefix(s, "$2"):
		if len(secret) > 72 {
			sum := sha256.Sum256(secret)
			secret = []byte(base64.RawStdEncoding.EncodeToString(sum[:]))
		}
		if err := bcrypt.CompareHashAndPassword(hash, secret); err != nil {
			return ErrSecretMismatch
		}
		return nil
	}
	return errors.New("unknown client secret hash format")
}
