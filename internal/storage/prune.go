package storage

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DeleteBefore runs each DELETE statement with cutoff as $1 and returns how
// many rows they removed together: the housekeeping of a store whose rows
// go out of use at a time. It stops at the first failure.
func DeleteBefore(ctx context.Context, pool *pgxpool.Pool, cutoff time.Time, deletes ...string) (int64, error) {
	var n int64
	for _, q := range deletes {
		tag, err := pool.Exec(ctx, q, cutoff)
		if err != nil {
			return n, Translate(err)
		}
		n += tag.RowsAffected()
	}
	return n, nil
}
