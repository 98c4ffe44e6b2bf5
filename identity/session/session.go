package session

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
)

// Session is an authenticated identity's session.
type Session struct {
	ID         uuid.UUID
	IdentityID uuid.UUID
	// Active is false once revoked. IsActive also checks expiry.
	Active          bool
	AAL             identity.AAL
	Methods         []AuthenticationMethod
	Devices         []Device
	IssuedAt        time.Time
	AuthenticatedAt time.Time
	ExpiresAt       time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// IdentityActive is the owning identity's state at load time.
	IdentityActive bool
	// identityDoc is the identity's stored whoami document (without
	// schema_url), when the session was loaded with its identity.
	identityDoc  []byte
	schemaID     string
	availableAAL identity.AAL
}

// IsActive reports whether the session may be used at now: not revoked, not
// expired, and its identity active.
func (s *Session) IsActive(now time.Time) bool {
	return s.Active && now.Before(s.ExpiresAt) && s.IdentityActive
}

// AvailableAAL is the highest AAL the identity could reach (loaded with the
// session).
func (s *Session) AvailableAAL() identity.AAL { return s.availableAAL }

// AuthenticationMethod records one completed authentication step.
type AuthenticationMethod struct {
	// Method: password, oidc, totp, webauthn, lookup_secret, code, passkey,
	// link_recovery, code_recovery.
	Method      string       `json:"method"`
	AAL         identity.AAL `json:"aal"`
	CompletedAt time.Time    `json:"completed_at"`
	// Provider is the OIDC provider id for method oidc.
	Provider     string `json:"provider,omitempty"`
	Organization string `json:"organization,omitempty"`
}

// Device is where a session was used from.
type Device struct {
	ID        uuid.UUID `json:"id"`
	IPAddress *string   `json:"ip_address"`
	UserAgent *string   `json:"user_agent"`
	Location  *string   `json:"location"`
}

// aalOf is the session AAL the completed methods reach: aal2 when a second
// factor completed, aal1 with a first factor only.
func aalOf(methods []AuthenticationMethod) identity.AAL {
	out := identity.AAL0
	for _, m := range methods {
		if m.AAL > out {
			out = m.AAL
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs are marshalled here
	}
	return b
}
