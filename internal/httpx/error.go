package httpx

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Error is an application error: a stable id, the HTTP status, the message a
// client may see, and the internal cause that only the log sees. It renders
// as Ory's error JSON: {"error":{"id","code","status","reason","message",
// "request","details"}}.
type Error struct {
	// ID is a stable machine-readable identifier such as
	// "self_service_flow_expired"; empty for generic errors.
	ID string
	// Code is the HTTP status code.
	Code int
	// Message is the short, user-safe description.
	Message string
	// Reason is a longer user-safe explanation.
	Reason string
	// Details carries structured, user-safe extra data.
	Details map[string]any
	// Extra is merged into the top level of the JSON body, beside "error"
	// (Kratos puts use_flow_id and redirect_browser_to there).
	Extra map[string]any
	// Cause is logged, never sent to a client.
	Cause error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s", e.Code, e.Message)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// Status is the HTTP status text of the code.
func (e *Error) Status() string { return http.StatusText(e.Code) }

// NewError returns an error with the given status and message.
func NewError(code int, message string) *Error { return &Error{Code: code, Message: message} }

// WithID returns a copy with the stable id set.
func (e *Error) WithID(id string) *Error { c := *e; c.ID = id; return &c }

// WithReason returns a copy with a user-safe reason.
func (e *Error) WithReason(format string, args ...any) *Error {
	c := *e
	c.Reason = fmt.Sprintf(format, args...)
	return &c
}

// WithCause returns a copy that carries an internal cause for the log.
func (e *Error) WithCause(err error) *Error { c := *e; c.Cause = err; return &c }

// WithDetail returns a copy with one more detail.
func (e *Error) WithDetail(key string, v any) *Error {
	c := *e
	c.Details = make(map[string]any, len(e.Details)+1)
	for k, x := range e.Details {
		c.Details[k] = x
	}
	c.Details[key] = v
	return &c
}

// WithExtra returns a copy with one more top-level body field.
func (e *Error) WithExtra(key string, v any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, x := range e.Extra {
		c.Extra[k] = x
	}
	c.Extra[key] = v
	return &c
}

// The generic errors, with Ory's default messages.
var (
	ErrBadRequest       = NewError(http.StatusBadRequest, "The request was malformed or contained invalid parameters")
	ErrUnauthorized     = NewError(http.StatusUnauthorized, "The request could not be authorized")
	ErrForbidden        = NewError(http.StatusForbidden, "The requested action was forbidden")
	ErrNotFound         = NewError(http.StatusNotFound, "The requested resource could not be found")
	ErrMethodNotAllowed = NewError(http.StatusMethodNotAllowed, "The method is not allowed for this resource")
	ErrConflict         = NewError(http.StatusConflict, "The resource could not be created due to a conflict")
	ErrGone             = NewError(http.StatusGone, "The requested resource is no longer available")
	ErrTooLarge         = NewError(http.StatusRequestEntityTooLarge, "The request body is too large")
	ErrUnsupportedMedia = NewError(http.StatusUnsupportedMediaType, "The request's content type is not supported")
	ErrTooManyRequests  = NewError(http.StatusTooManyRequests, "Too many requests, please try again later")
	ErrInternal         = NewError(http.StatusInternalServerError, "An internal server error occurred, please contact the system administrator")
	ErrUnavailable      = NewError(http.StatusServiceUnavailable, "The service is temporarily unavailable")
)

// AsError converts any error into an *Error. Store sentinels map onto 404
// and 409; request-body limits onto 413; anything unknown is a 500 whose
// cause is kept for the log.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return ErrTooLarge.WithReason("The request body must not exceed %d bytes.", mbe.Limit).WithCause(err)
	case errors.Is(err, storage.ErrNotFound):
		return ErrNotFound.WithCause(err)
	case errors.Is(err, storage.ErrAlreadyExists), errors.Is(err, storage.ErrConflict):
		return ErrConflict.WithCause(err)
	}
	return ErrInternal.WithCause(err)
}
