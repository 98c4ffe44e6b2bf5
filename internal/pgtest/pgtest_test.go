package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

func TestNewGivesIsolatedMigratedDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.New(t), pgtest.New(t)
	// Both are migrated...
	for name, pool := range map[string]*pgxpool.Pool{"a": a, "b": b} {
		var applied bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass('identities') IS NOT NULL`).Scan(&applied); err != nil || !applied {
			t.Fatalf("database %s is not migrated: %v", name, err)
		}
	}
	// ...and separate: what one test writes, another never sees.
	if _, err := a.Exec(ctx, `CREATE TABLE only_in_a (v int)`); err != nil {
		t.Fatal(err)
	}
	var seen bool
	if err := b.QueryRow(ctx, `SELECT to_regclass('only_in_a') IS NOT NULL`).Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen {
		t.Fatal("databases are not isolated")
	}
}
