package authn

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/proxy/jwks"
)

// SessionSource answers, in process, what Kratos's GET /sessions/whoami
// answers. The identity head satisfies it through an adapter in
// cmd/cerberus.
type SessionSource interface {
	// CookieName is the name of the session cookie (session.cookie.name).
	CookieName() string
	// Whoami returns the session exactly as GET /sessions/whoami renders it
	// (JSON: id, active, expires_at, identity{id, traits, ...}, ...), for
	// the session cookie's value or a session token, so subject_from and
	// extra_from paths such as identity.id and @this read the same as
	// against Kratos. It returns ErrNoSession when the credential names no
	// active session.
	Whoami(ctx context.Context, cred SessionCredential) ([]byte, error)
}

// SessionCredential is what a request presents: the session cookie's value
// (as the browser sent it) or a session token.
type SessionCredential struct {
	Cookie string
	Token  string
}

// ErrNoSession is returned by a SessionSource for a missing, expired or
// revoked session.
var ErrNoSession = errors.New("no active session")

// Introspector introspects OAuth2 tokens in process (RFC 7662). The OAuth2
// head satisfies it through an adapter in cmd/cerberus.
type Introspector interface {
	// Introspect returns the introspection response as JSON, exactly as
	// POST /admin/oauth2/introspect answers for token and scope (space
	// separated, "" for none): {"active":false} for unknown tokens.
	Introspect(ctx context.Context, token, scope string) ([]byte, error)
}

// Deps are what the authenticators share.
type Deps struct {
	// Client makes remote calls (session checks, introspection, token
	// endpoints). Required.
	Client *http.Client
	// Sessions, Keys and Introspector are the in-process sources; nil when
	// this binary has none.
	Sessions     SessionSource
	Keys         jwks.KeySource
	Introspector Introspector
	// JWKS caches remote key sets (jwks_urls).
	JWKS *jwks.Cache
	// Local caches the parsed in-process key set.
	Local *jwks.Local
	// Now is the clock token lifetimes are checked against.
	Now func() time.Time
}
