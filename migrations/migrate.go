package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var embedded embed.FS

// FS returns the embedded migrations.
func FS() fs.FS { return embedded }

// Migrator applies and inspects migrations on one database.
type Migrator struct {
	// Log receives one line per applied migration (slog.Default() by default).
	Log      *slog.Logger
	db       *sql.DB
	provider *goose.Provider
}

// New returns a Migrator for pool using fsys (FS() in production).
func New(pool *pgxpool.Pool, fsys fs.FS) (*Migrator, error) {
	db := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker(
		// Wait up to 10 minutes for another instance's migration (5s x 120).
		lock.WithLockTimeout(5, 120),
	)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker),
		goose.WithTableName("cerberus_migrations"),
		goose.WithDisableGlobalRegistry(true),
		// Heads add migrations on parallel branches, named by timestamp; a
		// database that applied a later-named one first must still accept
		// an earlier-named one that landed after it. Each head's migrations
		// touch only its own tables, so their relative order is free.
		goose.WithAllowOutofOrder(true),
	)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("loading migrations: %w", err)
	}
	return &Migrator{Log: slog.Default(), db: db, provider: p}, nil
}

// Close releases the migrator's database handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and returns how many ran.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	for _, r := range res {
		if r.Error == nil {
			m.Log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration_ms", r.Duration.Milliseconds())
		}
	}
	if err != nil {
		var pe *goose.PartialError
		if errors.As(err, &pe) && pe.Failed != nil {
			return len(pe.Applied), fmt.Errorf("migration %s failed and was rolled back: %w", pe.Failed.Source.Path, pe.Err)
		}
		return len(res), fmt.Errorf("migrating: %w", err)
	}
	return len(res), nil
}

// Pending reports whether the database is behind the binary.
func (m *Migrator) Pending(ctx context.Context) (bool, error) {
	return m.provider.HasPending(ctx)
}

// Status is one migration's state.
type Status struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Status lists every known migration and whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]Status, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, len(st))
	for i, s := range st {
		out[i] = Status{
			Version: s.Source.Version, Name: s.Source.Path,
			Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt,
		}
	}
	return out, nil
}
