package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Store keeps clients in Postgres (table oauth2_clients).
type Store struct {
	pool     *pgxpool.Pool
	now      func() time.Time
	cache    clientCache
	watching interface{ Listening() bool }
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool, now func() time.Time) *Store {
	return &Store{pool: pool, now: now}
}

// ListFilter selects and pages clients.
type ListFilter struct {
	Name, Owner string
	PageSize    int
	// PageToken is the opaque cursor of the previous page's last client.
	PageToken string
}

const selectClient = `SELECT id, secret_hash, body, created_at, updated_at FROM oauth2_clients`

// Create inserts c with its hashed secret (c.SetHashedSecret); the plain
// secret is never stored. storage.ErrAlreadyExists when the id is taken.
func (s *Store) Create(ctx context.Context, c *Client) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	c.CreatedAt, c.UpdatedAt = now, now
	body, err := encodeBody(c)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO oauth2_clients (id, secret_hash, client_name, owner, body, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, c.ID, string(c.hashedSecret), c.Name, c.Owner, body, now)
	if err != nil {
		return storage.Translate(err)
	}
	s.forget(c.ID)
	return nil
}

// forget drops id from this instance's cache once a write to it has
// committed. Other instances hear of the write through the change
// notification; this one must not wait for its own, or a request right
// after the write (a rotated secret, a deleted client) could still be
// answered from the old entry. Dropping after the commit, not before,
// means a lookup racing the write cannot cache the old row again: it read
// at the previous generation, and forget moves the generation on.
func (s *Store) forget(id string) { s.cache.evict(id) }

// Get returns the client with id, or storage.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Client, error) {
	return scanClient(s.pool.QueryRow(ctx, selectClient+` WHERE id = $1`, id))
}

// Update applies fn to the current client under a row lock and stores the
// result; fn may change the hashed secret. The id cannot change.
func (s *Store) Update(ctx context.Context, id string, fn func(c *Client) error) (*Client, error) {
	var out *Client
	err := storage.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := scanClient(tx.QueryRow(ctx, selectClient+` WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		created := c.CreatedAt
		if err := fn(c); err != nil {
			return err
		}
		c.ID, c.CreatedAt = id, created
		c.UpdatedAt = s.now().UTC().Truncate(time.Microsecond)
		body, err := encodeBody(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE oauth2_clients SET secret_hash = $2, client_name = $3, owner = $4, body = $5, updated_at = $6
			WHERE id = $1`, id, string(c.hashedSecret), c.Name, c.Owner, body, c.UpdatedAt)
		out = c
		return err
	})
	if err == nil {
		s.forget(id)
	}
	return out, err
}

// Delete removes the client; its tokens and flows go with it (cascade).
func (s *Store) Delete(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM oauth2_clients WHERE id = $1`, id)
	if err != nil {
		return storage.Translate(err)
	}
	s.forget(id)
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// List returns one page of clients ordered by id and the next page token
// ("" on the last page).
func (s *Store) List(ctx context.Context, f ListFilter) ([]*Client, string, error) {
	after := ""
	if f.PageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.PageToken)
		if err != nil {
			return nil, "", ErrBadPageToken
		}
		after = string(b)
	}
	rows, err := s.pool.Query(ctx, selectClient+`
		WHERE id > $1 AND ($2 = '' OR client_name = $2) AND ($3 = '' OR owner = $3)
		ORDER BY id LIMIT $4`, after, f.Name, f.Owner, f.PageSize+1)
	if err != nil {
		return nil, "", storage.Translate(err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", storage.Translate(err)
	}
	next := ""
	if len(out) > f.PageSize {
		out = out[:f.PageSize]
		next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1].ID))
	}
	return out, next, nil
}

// ErrBadPageToken is returned for a page token this store did not issue.
var ErrBadPageToken = errors.New("malformed page token")

// LongestLifespan returns the longest per-client token lifespan any client
// sets (0 when none does): how long a retired signing key must stay
// published.
func (s *Store) LongestLifespan(ctx context.Context) (time.Duration, error) {
	rows, err := s.pool.Query(ctx, `SELECT body FROM oauth2_clients WHERE body::text LIKE '%_lifespan":"%'`)
	if err != nil {
		return 0, storage.Translate(err)
	}
	defer rows.Close()
	var m time.Duration
	for rows.Next() {
		var l Lifespans
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return 0, storage.Translate(err)
		}
		if err := json.Unmarshal(b, &l); err == nil && l.Longest() > m {
			m = l.Longest()
		}
	}
	return m, storage.Translate(rows.Err())
}

func encodeBody(c *Client) ([]byte, error) {
	cp := *c
	cp.Secret = ""
	cp.RegistrationAccessToken, cp.RegistrationClientURI = "", ""
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil, fmt.Errorf("encoding client: %w", err)
	}
	return b, nil
}

func scanClient(row pgx.Row) (*Client, error) {
	var (
		id, hash string
		body     []byte
		c        Client
		created  time.Time
		updated  time.Time
	)
	if err := row.Scan(&id, &hash, &body, &created, &updated); err != nil {
		return nil, storage.Translate(err)
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("decoding client %s: %w", id, err)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, created.UTC(), updated.UTC()
	c.hashedSecret = []byte(hash)
	return &c, nil
}

// Decode builds a client from its stored columns, reusing a cached decode
// when the row has not changed. The result is shared: callers must not
// modify it.
func (s *Store) Decode(id, hash string, body []byte, created, updated time.Time) (*Client, error) {
	return s.decode(id, hash, body, created, updated, s.cache.generation())
}

// decode is Decode for a row read while the cache was at generation gen:
// the decode is cached only if no change was announced since, so a row read
// just before a concurrent edit never outlives the edit in the cache.
func (s *Store) decode(id, hash string, body []byte, created, updated time.Time, gen uint64) (*Client, error) {
	if c := s.cache.get(id, updated.UTC(), hash); c != nil {
		s.cache.checked(id, s.now())
		return c, nil
	}
	var c Client
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("decoding client %s: %w", id, err)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, created.UTC(), updated.UTC()
	c.hashedSecret = []byte(hash)
	s.cache.put(&c, s.now(), gen)
	return &c, nil
}

// Lookup returns the client with id for read-only use (fosite's
// GetClient): a shared, cached decode.
//
// While the Store is watching for client changes (Watch) and the entry was
// confirmed against the database less than cacheTrust ago, it answers from
// memory: every write to oauth2_clients notifies every instance, which
// drops the entry at once. Otherwise the query sends the cached row's
// updated_at, and Postgres leaves the body out when it has not changed: on
// the token endpoint's hot path the answer is a few dozen bytes.
func (s *Store) Lookup(ctx context.Context, db Queryer, id string) (*Client, error) {
	if s.watching != nil && s.watching.Listening() {
		if c := s.cache.trusted(id, s.now()); c != nil {
			return c, nil
		}
	}
	gen := s.cache.generation()
	known := s.cache.updatedAt(id)
	var (
		hash             string
		body             []byte
		created, updated time.Time
	)
	err := db.QueryRow(ctx, `SELECT secret_hash, CASE WHEN updated_at = $2 THEN NULL ELSE body END, created_at, updated_at
		FROM oauth2_clients WHERE id = $1`, id, known).Scan(&hash, &body, &created, &updated)
	if err != nil {
		return nil, storage.Translate(err)
	}
	if body == nil {
		if c := s.cache.get(id, updated.UTC(), hash); c != nil {
			s.cache.checked(id, s.now())
			return c, nil
		}
		// Evicted meanwhile, or the secret changed in the same
		// microsecond: read it whole.
		err := db.QueryRow(ctx, `SELECT secret_hash, body, created_at, updated_at FROM oauth2_clients WHERE id = $1`, id).
			Scan(&hash, &body, &created, &updated)
		if err != nil {
			return nil, storage.Translate(err)
		}
	}
	return s.decode(id, hash, body, created, updated, gen)
}

// Queryer is a pool or a transaction.
type Queryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
