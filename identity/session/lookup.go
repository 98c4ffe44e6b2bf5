package session

import (
	"context"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// byToken is the hottest query of the product: every whoami and every
// proxied request with a cookie_session rule runs it. One index probe on
// sessions.token_hash, one primary-key probe on identities, no aggregation:
// the identity's whoami form is precomputed in identities.document by every
// identity write. Nothing is cached, so a revoked or expired session, or a
// deactivated identity, is refused on the very next request.
const byToken = selectSession + ` WHERE s.token_hash = $1`

// byTokens is byToken for a batch of lookups (see coalescer).
const byTokens = `SELECT s.token_hash, ` + sessionColumns + sessionFrom + ` WHERE s.token_hash = ANY($1)`

// Resolved is a session found by its token, ready to render.
type Resolved struct {
	Session *Session
	// JSON is the session exactly as GET /sessions/whoami returns it.
	JSON []byte
}

// Whoami resolves a session token to the session JSON that
// GET /sessions/whoami returns, applying expiry, revocation, identity state
// and session.whoami.required_aal. It returns ErrNoSession or
// ErrAAL2Required (with the session, for the error's context).
func (m *Manager) Whoami(ctx context.Context, token string) (*Resolved, error) {
	s, methods, devices, err := m.lookup(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := m.checkAAL(s); err != nil {
		return &Resolved{Session: s}, err
	}
	buf := make([]byte, 0, 512+len(s.identityDoc)+len(methods)+len(devices))
	buf = m.appendSession(buf, s, methods, devices, true, true)
	return &Resolved{Session: s, JSON: buf}, nil
}

// WhoamiJSON is Whoami for in-process consumers such as the proxy's
// cookie_session authenticator: the whoami body and the identity id.
func (m *Manager) WhoamiJSON(ctx context.Context, token string) ([]byte, uuid.UUID, error) {
	r, err := m.Whoami(ctx, token)
	if err != nil {
		return nil, uuid.Nil, err
	}
	return r.JSON, r.Session.IdentityID, nil
}

// ByToken resolves a token to its session (identity document loaded),
// applying expiry, revocation and identity state but not the AAL policy.
func (m *Manager) ByToken(ctx context.Context, token string) (*Session, error) {
	s, methods, devices, err := m.lookup(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := decodeLists(s, methods, devices); err != nil {
		return nil, err
	}
	return s, nil
}

func (m *Manager) lookup(ctx context.Context, token string) (*Session, []byte, []byte, error) {
	if !wellFormed(token, TokenPrefix) {
		return nil, nil, nil, ErrNoSession
	}
	row, err := m.lookups.lookup(ctx, hashToken(token))
	if err == nil && row == nil {
		return nil, nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, nil, storage.Translate(err)
	}
	if !row.s.IsActive(m.now()) {
		return nil, nil, nil, ErrNoSession
	}
	return row.s, row.methods, row.devices, nil
}

// checkAAL applies session.whoami.required_aal.
func (m *Manager) checkAAL(s *Session) error {
	if m.requireAAL == RequireHighestAvailable && s.availableAAL == identity.AAL2 && s.AAL < identity.AAL2 {
		return ErrAAL2Required
	}
	return nil
}

// CheckAAL applies session.whoami.required_aal to a session loaded with
// ByToken or FromRequest.
func (m *Manager) CheckAAL(s *Session) error { return m.checkAAL(s) }

// AAL2LoginURL is where a browser goes to step up to aal2.
func (m *Manager) AAL2LoginURL() string { return m.baseURL + "/self-service/login/browser?aal=aal2" }

func utcTimes(s *Session) {
	s.IssuedAt, s.AuthenticatedAt, s.ExpiresAt = s.IssuedAt.UTC(), s.AuthenticatedAt.UTC(), s.ExpiresAt.UTC()
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
}
