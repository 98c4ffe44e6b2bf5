package flow

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Error is a user-facing error shown by the error page: the browser is
// sent to the error UI with ?id=, which fetches it from
// /self-service/errors.
type Error struct {
	ID        uuid.UUID       `json:"id"`
	Error     json.RawMessage `json:"error"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// ErrorStore keeps errors shown to browsers.
type ErrorStore interface {
	CreateError(ctx context.Context, e *Error) error
	// GetError returns storage.ErrNotFound for an unknown id.
	GetError(ctx context.Context, id uuid.UUID) (*Error, error)
}
