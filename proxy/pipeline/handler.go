package pipeline

import (
	"encoding/json"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// The request the handlers see is the original request: for the decision
// API its Method and URL are rebuilt from X-Forwarded-* headers; its URL is
// always absolute (scheme, host, path, query). Handlers must not keep it
// past the call.

// Authenticator establishes who sent a request.
type Authenticator interface {
	// Authenticate fills s.Subject and s.Extra, or returns ErrNotResponsible
	// when r carries no credentials this authenticator handles; any other
	// error ends the pipeline.
	Authenticate(r *http.Request, s *Session) error
}

// Authorizer decides whether the authenticated subject may proceed.
type Authorizer interface {
	Authorize(r *http.Request, s *Session) error
}

// Mutator adds what the upstream needs to the session's headers.
type Mutator interface {
	Mutate(r *http.Request, s *Session) error
}

// ErrorHandler answers a refused request.
type ErrorHandler interface {
	// Applies reports whether the handler's `when` conditions select err
	// for r (no conditions: always).
	Applies(r *http.Request, err *httpx.Error) bool
	// Conditional reports whether the handler has `when` conditions.
	Conditional() bool
	// Handle writes the response.
	Handle(w http.ResponseWriter, r *http.Request, err *httpx.Error)
}

// Registry builds handlers from a rule's handler name and config, merged
// over the global config of that handler.
type Registry interface {
	Authenticator(name string, config json.RawMessage) (Authenticator, error)
	Authorizer(name string, config json.RawMessage) (Authorizer, error)
	Mutator(name string, config json.RawMessage) (Mutator, error)
	ErrorHandler(name string, config json.RawMessage) (ErrorHandler, error)
}
