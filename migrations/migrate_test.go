package migrations_test

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/migrations"
)

// An interrupted migration (SIGTERM cancels the context) must leave the
// schema at the last whole version: the running migration is rolled back.
func TestInterruptedMigrationRollsBack(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewEmptyDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	fsys := fstest.MapFS{
		"00001_first.sql": {Data: []byte("-- +goose Up\nCREATE TABLE first (id int);\n-- +goose Down\nDROP TABLE first;\n")},
		"00002_slow.sql": {Data: []byte("-- +goose Up\nCREATE TABLE second (id int);\nSELECT pg_sleep(60);\n" +
			"-- +goose Down\nDROP TABLE second;\n")},
	}
	m, err := migrations.New(pool, fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	runCtx, cancel := context.WithCancel(ctx)
	go func() {
		// Cancel once the slow migration is running.
		for {
			var running bool
			_ = pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid())`).Scan(&running)
			if running {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	if _, err := m.Up(runCtx); err == nil {
		t.Fatal("interrupted migration reported success")
	}
	var first, second bool
	_ = pool.QueryRow(ctx, `SELECT to_regclass('first') IS NOT NULL, to_regclass('second') IS NOT NULL`).Scan(&first, &second)
	if !first || second {
		t.Fatalf("schema is half-migrated: first=%v second=%v", first, second)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st[0].Applied || st[1].Applied {
		t.Fatalf("status after interruption: %+v", st)
	}
	if pending, _ := m.Pending(ctx); !pending {
		t.Fatal("the interrupted migration is not pending")
	}
	// Running again completes it.
	fast := fstest.MapFS{"00001_first.sql": fsys["00001_first.sql"],
		"00002_slow.sql": {Data: []byte("-- +goose Up\nCREATE TABLE second (id int);\n-- +goose Down\nDROP TABLE second;\n")}}
	m2, err := migrations.New(pool, fast)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if n, err := m2.Up(ctx); err != nil || n != 1 {
		t.Fatalf("resume: %d %v", n, err)
	}
}
