package storage

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// InTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise. Errors are translated.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	return Translate(pgx.BeginFunc(ctx, pool, fn))
}
