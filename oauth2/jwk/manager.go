package jwk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Options configure a Manager.
type Options struct {
	Pool *pgxpool.Pool
	Box  *secretbox.Box
	// Algorithm of the default keys (RS256, ES256 or EdDSA).
	Algorithm string
	RSABits   int
	// Retention returns how long a retired key must stay published: the
	// longest lifespan of a token it may have signed.
	Retention func(ctx context.Context) (time.Duration, error)
	Now       func() time.Time
	Rand      io.Reader
	Log       *slog.Logger
	// Notifier tells this instance at once when another one rotates keys;
	// without it, rotations are seen by the minute's reload or when a token
	// names an unknown key.
	Notifier *storage.Notifier
}

// Manager creates, rotates and serves the signing keys.
type Manager struct {
	o       Options
	ring    atomic.Pointer[Ring]
	version atomic.Uint64
	// reloadMu serializes reloads so an older read never replaces a newer.
	reloadMu sync.Mutex
	// lastMiss rate-limits reloads triggered by unknown key ids.
	lastMiss atomic.Int64
}

// ErrUnknownSet is returned for a key set Cerberus does not manage.
var ErrUnknownSet = errors.New("unknown key set")

// ErrUnsupportedAlgorithm is returned for an algorithm Cerberus does not
// generate keys for.
var ErrUnsupportedAlgorithm = errors.New("unsupported key algorithm (use RS256, ES256 or EdDSA)")

// NewManager returns a Manager; call Start before use.
func NewManager(o Options) *Manager {
	if o.RSABits == 0 {
		o.RSABits = 2048
	}
	m := &Manager{o: o}
	m.ring.Store(newRing(nil, 0))
	if o.Notifier != nil {
		reload := func(ctx context.Context) {
			if err := m.Reload(ctx); err != nil && ctx.Err() == nil {
				m.o.Log.Warn("reloading signing keys", "error", err)
			}
		}
		// A reset (listening started or resumed) reloads too: changes made
		// while not listening were not announced.
		o.Notifier.Subscribe(notifyChannel, storage.Subscription{
			Notify: func(ctx context.Context, _ string) { reload(ctx) },
			Reset:  reload,
		})
	}
	return m
}

// Start makes sure every set has a key of the default algorithm, creating
// them under the advisory lock, and loads the ring.
func (m *Manager) Start(ctx context.Context) error {
	return m.EnsureAlgorithms(ctx, m.o.Algorithm)
}

// Ring returns the current key ring.
func (m *Manager) Ring() *Ring { return m.ring.Load() }

// DefaultAlgorithm returns oauth2.keys.algorithm.
func (m *Manager) DefaultAlgorithm() string { return m.o.Algorithm }

// EnsureAlgorithms makes sure both sets can sign with each of algs.
func (m *Manager) EnsureAlgorithms(ctx context.Context, algs ...string) error {
	r := m.Ring()
	missing := false
	for _, alg := range algs {
		if !slices.Contains(Algorithms, alg) {
			return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
		}
		for _, set := range Sets {
			if r.Signing(set, alg) == nil {
				missing = true
			}
		}
	}
	if !missing {
		return nil
	}
	err := m.locked(ctx, func(tx pgx.Tx, now time.Time) error {
		keys, err := loadKeys(ctx, tx, m.o.Box, now)
		if err != nil {
			return err
		}
		ring := newRing(keys, 0)
		for _, alg := range algs {
			for _, set := range Sets {
				if ring.Signing(set, alg) != nil {
					continue
				}
				if _, err := m.create(ctx, tx, set, alg, "", now); err != nil {
					return err
				}
				m.o.Log.Info("created signing key", "set", set, "alg", alg)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return m.Reload(ctx)
}

// Rotate creates a new key for alg (the default when empty) in set (both
// sets when empty), which signs from now on. The keys it replaces stay
// published until the tokens they signed have expired. It returns the new
// keys.
func (m *Manager) Rotate(ctx context.Context, set, alg, kid string) ([]*Key, error) {
	if alg == "" {
		alg = m.o.Algorithm
	}
	if !slices.Contains(Algorithms, alg) {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
	}
	sets := Sets
	if set != "" {
		if !slices.Contains(Sets, set) {
			return nil, ErrUnknownSet
		}
		sets = []string{set}
	}
	keep, err := m.o.Retention(ctx)
	if err != nil {
		return nil, err
	}
	var created []*Key
	err = m.locked(ctx, func(tx pgx.Tx, now time.Time) error {
		for _, s := range sets {
			// Retire before inserting so the new key is the only active one.
			if _, err := tx.Exec(ctx, `UPDATE oauth2_keys SET retired_at = $3, publish_until = $4
				WHERE set_id = $1 AND alg = $2 AND retired_at IS NULL`, s, alg, now, now.Add(keep)); err != nil {
				return storage.Translate(err)
			}
			k, err := m.create(ctx, tx, s, alg, kid, now)
			if err != nil {
				return err
			}
			created = append(created, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, m.Reload(ctx)
}

// Delete removes one key at once (it leaves the JWKS and stops verifying).
// The last signing key of the default algorithm is recreated at once.
func (m *Manager) Delete(ctx context.Context, set, kid string) error {
	if !slices.Contains(Sets, set) {
		return ErrUnknownSet
	}
	err := m.locked(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM oauth2_keys WHERE set_id = $1 AND kid = $2`, set, kid)
		if err != nil {
			return storage.Translate(err)
		}
		if tag.RowsAffected() == 0 {
			return storage.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := m.Reload(ctx); err != nil {
		return err
	}
	return m.EnsureAlgorithms(ctx, m.o.Algorithm)
}

func (m *Manager) create(ctx context.Context, tx pgx.Tx, set, alg, kid string, now time.Time) (*Key, error) {
	priv, err := Generate(alg, m.o.RSABits, m.o.Rand)
	if err != nil {
		return nil, err
	}
	if kid == "" {
		id, err := uuid.NewRandomFromReader(m.o.Rand)
		if err != nil {
			return nil, err
		}
		kid = id.String()
	}
	if err := insertKey(ctx, tx, m.o.Box, set, kid, alg, "sig", priv, now); err != nil {
		return nil, err
	}
	return &Key{Set: set, KID: kid, Alg: alg, Use: "sig", Private: priv, Public: publicJWK(priv, kid, alg, "sig"), CreatedAt: now}, nil
}

// locked runs fn in a transaction holding the key advisory lock and
// notifies every instance when it commits.
func (m *Manager) locked(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	return storage.InTx(ctx, m.o.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockID)); err != nil {
			return err
		}
		now := m.o.Now().UTC().Truncate(time.Microsecond)
		if err := fn(tx, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, notifyChannel)
		return err
	})
}

// Reload reads the published keys and swaps the ring when they changed.
func (m *Manager) Reload(ctx context.Context) error {
	m.reloadMu.Lock()
	defer m.reloadMu.Unlock()
	var keys []*Key
	err := storage.InTx(ctx, m.o.Pool, func(tx pgx.Tx) error {
		var err error
		keys, err = loadKeys(ctx, tx, m.o.Box, m.o.Now())
		return err
	})
	if err != nil {
		return err
	}
	if sameKeys(m.Ring().keys, keys) {
		return nil
	}
	m.ring.Store(newRing(keys, m.version.Add(1)))
	return nil
}

func sameKeys(a, b []*Key) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Set != b[i].Set || a[i].KID != b[i].KID || (a[i].RetiredAt == nil) != (b[i].RetiredAt == nil) {
			return false
		}
	}
	return true
}

// reloadOnMiss reloads at most once a second when a token names a key id
// this instance does not know yet (another instance rotated and the
// notification has not arrived).
func (m *Manager) reloadOnMiss(ctx context.Context) bool {
	now := m.o.Now().UnixNano()
	last := m.lastMiss.Load()
	if now-last < int64(time.Second) || !m.lastMiss.CompareAndSwap(last, now) {
		return false
	}
	return m.Reload(ctx) == nil
}

// Run keeps the ring current: key changes arrive through the Notifier;
// every minute it reloads as a fallback (which also drops keys whose
// publication ended) and removes keys nobody can need any more.
func (m *Manager) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := m.o.Pool.Exec(ctx, `DELETE FROM oauth2_keys WHERE publish_until < $1`, m.o.Now()); err != nil && ctx.Err() == nil {
				m.o.Log.Warn("pruning expired signing keys", "error", err)
			}
			if err := m.Reload(ctx); err != nil && ctx.Err() == nil {
				m.o.Log.Warn("reloading signing keys", "error", err)
			}
		}
	}
}
