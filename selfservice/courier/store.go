package courier

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Store is the Postgres outbox. Message content is sealed with box, bound
// to the message id, so a row cannot be swapped onto another.
type Store struct {
	pool *pgxpool.Pool
	box  *secretbox.Box
}

// NewStore returns a store on pool sealing content with box.
func NewStore(pool *pgxpool.Pool, box *secretbox.Box) *Store { return &Store{pool: pool, box: box} }

func (s *Store) seal(id uuid.UUID, c Content) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return s.box.Seal(b, id[:])
}

func (s *Store) open(id uuid.UUID, sealed []byte) (Content, error) {
	var c Content
	b, err := s.box.Open(sealed, id[:])
	if err != nil {
		return c, fmt.Errorf("courier: message %s: content cannot be opened with the configured secrets.system: %w", id, err)
	}
	return c, json.Unmarshal(b, &c)
}

// Insert queues m (status queued, due at m.NextAttemptAt).
func (s *Store) Insert(ctx context.Context, m *Message) error {
	sealed, err := s.seal(m.ID, m.Content)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO courier_messages
		(id, status, recipient, template_type, content, send_count, next_attempt_at, created_at, updated_at)
		VALUES ($1, 'queued', $2, $3, $4, 0, $5, $6, $6)`,
		m.ID, m.Recipient, m.TemplateType, sealed, m.NextAttemptAt, m.CreatedAt)
	return storage.Translate(err)
}

// Claim leases up to n due messages to owner until now+lease and counts
// the attempt. A message is due when it is queued and its retry time has
// come, or when it is processing and its lease has run out (the instance
// sending it died). SKIP LOCKED lets concurrent claimers take disjoint
// sets without waiting on each other.
func (s *Store) Claim(ctx context.Context, owner uuid.UUID, now time.Time, lease time.Duration, n int) ([]*Message, error) {
	rows, err := s.pool.Query(ctx, `UPDATE courier_messages m
		SET status = 'processing', lease_owner = $1, next_attempt_at = $3, send_count = m.send_count + 1, updated_at = $2
		FROM (SELECT id FROM courier_messages
		      WHERE status IN ('queued', 'processing') AND next_attempt_at <= $2
		      ORDER BY next_attempt_at, id
		      LIMIT $4
		      FOR UPDATE SKIP LOCKED) due
		WHERE m.id = due.id
		RETURNING m.id, m.recipient, m.template_type, m.content, m.send_count, m.created_at, m.updated_at`,
		owner, now, now.Add(lease), n)
	if err != nil {
		return nil, storage.Translate(err)
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m := &Message{Status: StatusProcessing, NextAttemptAt: now.Add(lease)}
		var sealed []byte
		if err := rows.Scan(&m.ID, &m.Recipient, &m.TemplateType, &sealed, &m.SendCount, &m.CreatedAt, &m.UpdatedAt); err != nil {
			return nil, storage.Translate(err)
		}
		if m.Content, err = s.open(m.ID, sealed); err != nil {
			// Kept in the batch with empty content: the worker abandons it
			// with the reason instead of retrying forever.
			m.Content = Content{}
			m.openErr = err
		}
		out = append(out, m)
	}
	return out, storage.Translate(rows.Err())
}

// Outcome is what became of one delivery attempt.
type Outcome struct {
	Status Status // sent, queued (retry later) or abandoned
	// RetryAt is when a queued message is due again.
	RetryAt time.Time
	// Err is the failure, recorded in the dispatch.
	Err error
}

// Finish records the outcome of owner's attempt at message id. It returns
// false when owner no longer holds the lease (it ran out and another
// instance claimed the message): the row is then left to that instance.
func (s *Store) Finish(ctx context.Context, id, owner, dispatchID uuid.UUID, now time.Time, o Outcome) (bool, error) {
	var ok bool
	err := storage.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		next := now
		if o.Status == StatusQueued {
			next = o.RetryAt
		}
		tag, err := tx.Exec(ctx, `UPDATE courier_messages SET status = $3, lease_owner = NULL, next_attempt_at = $4, updated_at = $5
			WHERE id = $1 AND lease_owner = $2 AND status = 'processing'`, id, owner, o.Status, next, now)
		if err != nil {
			return err
		}
		if ok = tag.RowsAffected() == 1; !ok {
			return nil
		}
		st, errDoc := DispatchSuccess, []byte(nil)
		if o.Err != nil {
			st = DispatchFailed
			errDoc, _ = json.Marshal(map[string]any{"message": o.Err.Error()})
		}
		_, err = tx.Exec(ctx, `INSERT INTO courier_message_dispatches (id, message_id, status, error, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, dispatchID, id, st, errDoc, now)
		return err
	})
	return ok, storage.Translate(err)
}

// CountSince counts the messages queued for recipient since t.
func (s *Store) CountSince(ctx context.Context, recipient string, t time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM courier_messages WHERE lower(recipient) = lower($1) AND created_at > $2`,
		recipient, t).Scan(&n)
	return n, storage.Translate(err)
}

// Release hands claimed messages that owner did not start sending back to
// the queue at once (the instance is shutting down), without counting the
// attempt.
func (s *Store) Release(ctx context.Context, owner uuid.UUID, ids []uuid.UUID, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE courier_messages SET status = 'queued', lease_owner = NULL, next_attempt_at = $3,
		send_count = send_count - 1, updated_at = $3 WHERE id = ANY($2) AND lease_owner = $1 AND status = 'processing'`,
		owner, ids, now)
	return storage.Translate(err)
}

// ListParams select a page of messages, newest first.
type ListParams struct {
	Status    Status
	Recipient string
	// Before is the last id of the previous page (uuid.Nil for the first).
	Before uuid.UUID
	Size   int
}

const messageColumns = `id, status, recipient, template_type, content, send_count, next_attempt_at, created_at, updated_at`

// List returns a page and whether more follow.
func (s *Store) List(ctx context.Context, p ListParams) ([]*Message, bool, error) {
	q := `SELECT ` + messageColumns + ` FROM courier_messages WHERE ($1 = '' OR status = $1) AND ($2 = '' OR recipient = $2)
		AND ($3::uuid IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`
	var before *uuid.UUID
	if p.Before != uuid.Nil {
		before = &p.Before
	}
	rows, err := s.pool.Query(ctx, q, string(p.Status), p.Recipient, before, p.Size+1)
	if err != nil {
		return nil, false, storage.Translate(err)
	}
	out, err := pgx.CollectRows(rows, s.scanMessage)
	if err != nil {
		return nil, false, storage.Translate(err)
	}
	more := len(out) > p.Size
	if more {
		out = out[:p.Size]
	}
	return out, more, nil
}

// Get returns one message with its dispatches, oldest first.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*Message, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM courier_messages WHERE id = $1`, id)
	if err != nil {
		return nil, storage.Translate(err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, s.scanMessage)
	if err != nil {
		return nil, storage.Translate(err)
	}
	rows, err = s.pool.Query(ctx, `SELECT id, message_id, status, error, created_at, updated_at
		FROM courier_message_dispatches WHERE message_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, storage.Translate(err)
	}
	m.Dispatches, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Dispatch, error) {
		var d Dispatch
		err := row.Scan(&d.ID, &d.MessageID, &d.Status, &d.Error, &d.CreatedAt, &d.UpdatedAt)
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		return d, err
	})
	if m.Dispatches == nil {
		m.Dispatches = []Dispatch{}
	}
	return m, storage.Translate(err)
}

func (s *Store) scanMessage(row pgx.CollectableRow) (*Message, error) {
	m := &Message{}
	var sealed []byte
	if err := row.Scan(&m.ID, &m.Status, &m.Recipient, &m.TemplateType, &sealed, &m.SendCount, &m.NextAttemptAt,
		&m.CreatedAt, &m.UpdatedAt); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt, m.NextAttemptAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC(), m.NextAttemptAt.UTC()
	c, err := s.open(m.ID, sealed)
	if err != nil {
		// An operator listing messages after dropping an old secret still
		// sees the rest of the row.
		c = Content{Subject: "(sealed with a secret no longer configured)"}
	}
	m.Content = c
	return m, nil
}

// Prune deletes messages that were sent or abandoned before cutoff, with
// their dispatches, and returns how many went. Queued messages and those
// being sent are never touched, however old.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	return storage.DeleteBefore(ctx, s.pool, cutoff,
		`DELETE FROM courier_messages WHERE status IN ('sent', 'abandoned') AND updated_at < $1`)
}
