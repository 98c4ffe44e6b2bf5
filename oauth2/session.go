package oauth2

import (
	"maps"
	"time"

	"github.com/ory/fosite"
	fositeoauth2 "github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/oauth2/store"
)

// Session is what a grant carries from consent to its tokens: the ID token
// claims (openid.DefaultSession), the access token's extra claims from the
// consent (session.access_token, Hydra's ext), and where it came from.
type Session struct {
	*openid.DefaultSession `json:"id_token"`
	// Extra are the consent's session.access_token claims: introspection's
	// ext and the JWT access token's ext (and top-level when allowed).
	Extra    map[string]any `json:"extra,omitempty"`
	ClientID string         `json:"client_id"`
	// FlowID is the login/consent flow that granted this session.
	FlowID string `json:"flow_id,omitempty"`
	// Resolved at issuance from config, kept so a token looks the same
	// whichever instance refreshes it.
	ExcludeNotBeforeClaim bool     `json:"exclude_nbf_claim,omitempty"`
	AllowedTopLevelClaims []string `json:"allowed_top_level_claims,omitempty"`
	MirrorTopLevelClaims  bool     `json:"mirror_top_level_claims,omitempty"`
}

// Interface guards
var (
	_ fosite.Session                   = (*Session)(nil)
	_ openid.Session                   = (*Session)(nil)
	_ fositeoauth2.JWTSessionContainer = (*Session)(nil)
	_ store.FlowCarrier                = (*Session)(nil)
)

// NewSession returns an empty session for fosite to fill or decode into.
// The ID token claims and headers are created when first asked for, so a
// grant without an ID token (client_credentials) stores none.
func NewSession() *Session {
	return &Session{DefaultSession: &openid.DefaultSession{}}
}

// GetFlowID returns the flow that granted the session.
func (s *Session) GetFlowID() string { return s.FlowID }

// Clone returns a deep enough copy for fosite (maps are copied).
func (s *Session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	c := *s
	if s.DefaultSession != nil {
		c.DefaultSession = s.DefaultSession.Clone().(*openid.DefaultSession)
	}
	c.Extra = maps.Clone(s.Extra)
	return &c
}

// GetJWTClaims returns the claims of a JWT access token: sub, client_id,
// ext (the consent's access token claims) and the allowed top-level
// claims. fosite adds iss, aud, exp, iat, scp and jti.
func (s *Session) GetJWTClaims() jwt.JWTClaimsContainer {
	extra := map[string]any{"client_id": s.ClientID}
	ext := s.Extra
	if ext == nil {
		ext = map[string]any{}
	}
	mirrored := ext
	if !s.MirrorTopLevelClaims && len(s.AllowedTopLevelClaims) > 0 {
		mirrored = maps.Clone(ext)
	}
	for _, name := range s.AllowedTopLevelClaims {
		v, ok := ext[name]
		if !ok || reservedClaims[name] {
			continue
		}
		extra[name] = v
		if !s.MirrorTopLevelClaims {
			delete(mirrored, name)
		}
	}
	extra["ext"] = mirrored
	now := time.Now().UTC()
	c := &jwt.JWTClaims{
		Subject:   s.GetSubject(),
		IssuedAt:  now,
		NotBefore: now,
		Extra:     extra,
	}
	if s.ExcludeNotBeforeClaim {
		c.NotBefore = time.Time{}
	}
	return c
}

// reservedClaims may not be overridden by consent claims.
var reservedClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "iat": true, "nbf": true, "jti": true,
	"scp": true, "scope": true, "client_id": true, "ext": true,
}

// GetJWTHeader returns the JWT access token header extras.
func (s *Session) GetJWTHeader() *jwt.Headers { return &jwt.Headers{} }
