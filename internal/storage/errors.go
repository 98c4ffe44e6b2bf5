package storage

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The sentinels every store returns. Callers test them with errors.Is; pgx
// errors never escape a store.
var (
	// ErrNotFound: the row does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a unique constraint refused the write.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the row changed underneath an update, or a foreign key or
	// check constraint refused it.
	ErrConflict = errors.New("conflict")
)

// Constraint carries the name of the unique constraint that refused a write,
// so a caller can say which identifier was taken.
type Constraint struct {
	Sentinel error
	Name     string
	cause    error
}

func (c *Constraint) Error() string { return fmt.Sprintf("%v (%s)", c.Sentinel, c.Name) }

// Is makes errors.Is(err, ErrAlreadyExists) work.
func (c *Constraint) Is(target error) bool { return target == c.Sentinel }

// Unwrap returns the driver error for logs.
func (c *Constraint) Unwrap() error { return c.cause }

// Translate maps pgx errors onto the sentinels; other errors pass through.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return &Constraint{Sentinel: ErrAlreadyExists, Name: pe.ConstraintName, cause: err}
		case "23503", "23514", "40001", "40P01": // foreign key, check, serialization, deadlock
			return &Constraint{Sentinel: ErrConflict, Name: pe.ConstraintName, cause: err}
		case "22P02": // invalid_text_representation, e.g. a malformed uuid
			return ErrNotFound
		}
	}
	return err
}
