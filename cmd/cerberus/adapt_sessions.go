package main

import (
	"context"
	"errors"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/proxy/authn"
)

// sessionSource adapts the identity head's session manager to the proxy's
// authn.SessionSource: the cookie_session authenticator resolves sessions
// in process, with the same answer GET /sessions/whoami would give.
type sessionSource struct{ m *session.Manager }

// CookieName implements authn.SessionSource.
func (s sessionSource) CookieName() string {
	if s.m == nil {
		return session.DefaultCookieName
	}
	return s.m.CookieName()
}

// Whoami implements authn.SessionSource. A session that fails the AAL
// policy is no session to the proxy, as Kratos's 403 is to Oathkeeper.
func (s sessionSource) Whoami(ctx context.Context, cred authn.SessionCredential) ([]byte, error) {
	if s.m == nil {
		return nil, authn.ErrNoSession
	}
	token := cred.Token
	if token == "" {
		token = cred.Cookie
	}
	body, _, err := s.m.WhoamiJSON(ctx, token)
	if errors.Is(err, session.ErrNoSession) || errors.Is(err, session.ErrAAL2Required) {
		return nil, authn.ErrNoSession
	}
	return body, err
}

// Interface guards
var _ authn.SessionSource = sessionSource{}
