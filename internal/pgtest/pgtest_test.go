package pgtest_test

import (
	"context"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

func TestNewGivesIsolatedMigratedDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.New(t), pgtest.New(t)
	if _, err := a.Exec(ctx, `INSERT INTO identities (id, schema_id, traits, created_at, updated_at)
		VALUES (gen_random_uuid(), 'default', '{}', now(), now())`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, `SELECT count(*) FROM identities`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("databases are not isolated: second sees %d rows", n)
	}
}
