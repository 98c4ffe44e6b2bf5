package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ory/fosite/storage"
)

type txKey struct{}

// txState is the transaction fosite wraps a token request in, and the codes
// and refresh tokens it used. Their used_at is stamped again just before
// commit: a competing request that arrived while this one was still running
// then counts as having lost a race (ErrRaced), not as a later replay that
// revokes the grant. Stamped at the UPDATE alone, a request that arrived a
// few milliseconds after it but before the commit was taken for a replay.
type txState struct {
	pgx.Tx
	used [][]byte
}

// db is what a pool and a transaction both offer.
type db interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) db(ctx context.Context) db {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.Tx
	}
	return s.pool
}

// markUsed remembers a signature hash the context's transaction used.
func markUsed(ctx context.Context, sig []byte) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.used = append(st.used, sig)
	}
}

// Interface guards
var _ storage.Transactional = (*Store)(nil)

// BeginTX starts the transaction fosite wraps a token issuance in.
func (s *Store) BeginTX(ctx context.Context) (context.Context, error) {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return ctx, errors.New("a transaction is already open")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, txKey{}, &txState{Tx: tx}), nil
}

// Commit commits the context's transaction.
func (s *Store) Commit(ctx context.Context) error {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return errors.New("no transaction to commit")
	}
	if len(st.used) > 0 {
		if _, err := st.Exec(ctx, `UPDATE oauth2_tokens SET used_at = $2 WHERE signature = ANY($1) AND NOT active`,
			st.used, s.now()); err != nil {
			_ = st.Rollback(context.WithoutCancel(ctx))
			return err
		}
	}
	return st.Commit(ctx)
}

// Rollback rolls the context's transaction back.
func (s *Store) Rollback(ctx context.Context) error {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return errors.New("no transaction to roll back")
	}
	return st.Rollback(context.WithoutCancel(ctx))
}
