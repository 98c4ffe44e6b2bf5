package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// CreateError inserts e.
func (s *Store) CreateError(ctx context.Context, e *flow.Error) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO selfservice_errors (id, error, created_at, updated_at) VALUES ($1,$2,$3,$4)`,
		e.ID, []byte(e.Error), e.CreatedAt, e.UpdatedAt)
	return storage.Translate(err)
}

// GetError loads an error.
func (s *Store) GetError(ctx context.Context, id uuid.UUID) (*flow.Error, error) {
	var (
		e   flow.Error
		raw []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT id, error, created_at, updated_at FROM selfservice_errors WHERE id = $1`, id).
		Scan(&e.ID, &raw, &e.CreatedAt, &e.UpdatedAt)
	if err != nil {
		return nil, storage.Translate(err)
	}
	e.Error = raw
	return &e, nil
}
