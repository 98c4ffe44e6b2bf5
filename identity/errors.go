package identity

import (
	"errors"
	"fmt"
)

// Errors the Service returns besides storage.ErrNotFound, *ConflictError
// and *schema.ValidationError.
var (
	// ErrUnknownSchema: the schema_id names no configured schema.
	ErrUnknownSchema = errors.New("unknown identity schema")
	// ErrInvalidCredentials: the identifier is unknown or the password is
	// wrong. The two are deliberately indistinguishable.
	ErrInvalidCredentials = errors.New("the provided credentials are invalid")
	// ErrInactive: the password was right but the identity is inactive.
	ErrInactive = errors.New("the identity is inactive")
	// ErrFirstFactor: password and code credentials cannot be removed
	// through the admin credential endpoint.
	ErrFirstFactor = errors.New("first-factor credentials cannot be removed")
)

// InputError is a request the service refuses on its merits: a field that
// is well-formed JSON but not usable.
type InputError struct {
	// Field is the JSON path of the offending field.
	Field  string
	Reason string
}

func (e *InputError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
