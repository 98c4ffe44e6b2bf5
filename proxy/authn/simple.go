package authn

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Noop lets every request through with an empty subject and no checks.
type Noop struct{}

// Authenticate implements pipeline.Authenticator.
func (Noop) Authenticate(*http.Request, *pipeline.Session) error { return nil }

// Unauthorized refuses every request with 401.
type Unauthorized struct{}

// Authenticate implements pipeline.Authenticator.
func (Unauthorized) Authenticate(*http.Request, *pipeline.Session) error {
	return pipeline.ErrUnauthorized.WithReason("The rule's unauthorized authenticator refuses every request.")
}

// AnonymousConfig is anonymous's config.
type AnonymousConfig struct {
	// Subject is given to requests without credentials (default "anonymous").
	Subject string `json:"subject"`
}

// Anonymous takes requests without an Authorization header and gives them
// a fixed subject.
type Anonymous struct{ subject string }

// NewAnonymous builds the authenticator.
func NewAnonymous(c AnonymousConfig) *Anonymous {
	if c.Subject == "" {
		c.Subject = "anonymous"
	}
	return &Anonymous{subject: c.Subject}
}

// Authenticate implements pipeline.Authenticator.
func (a *Anonymous) Authenticate(r *http.Request, s *pipeline.Session) error {
	// A request that carries credentials is for another authenticator: it
	// must not be downgraded to anonymous by accident.
	if r.Header.Get("Authorization") != "" {
		return pipeline.ErrNotResponsible
	}
	s.Subject = a.subject
	return nil
}

// Interface guards
var (
	_ pipeline.Authenticator = Noop{}
	_ pipeline.Authenticator = Unauthorized{}
	_ pipeline.Authenticator = (*Anonymous)(nil)
)
