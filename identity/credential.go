package identity

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// CredentialType names a way to authenticate.
type CredentialType string

// Credential types, as Kratos names them.
const (
	CredentialPassword     CredentialType = "password"
	CredentialOIDC         CredentialType = "oidc"
	CredentialTOTP         CredentialType = "totp"
	CredentialLookupSecret CredentialType = "lookup_secret"
	CredentialWebAuthn     CredentialType = "webauthn"
	CredentialPasskey      CredentialType = "passkey"
	CredentialCode         CredentialType = "code"
)

// Credential is one way an identity authenticates. Identifiers are what a
// login looks the identity up by; they are unique per type across all
// identities (the database enforces it).
type Credential struct {
	ID          uuid.UUID       `json:"-"`
	Type        CredentialType  `json:"type"`
	Identifiers []string        `json:"identifiers"`
	Config      json.RawMessage `json:"config,omitempty"`
	Version     int             `json:"version"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// PasswordConfig is the password credential's config.
type PasswordConfig struct {
	// HashedPassword is an encoded hash (see identity/hash). Never leaves
	// the process.
	HashedPassword string `json:"hashed_password,omitempty"`
}

// OIDCProvider links an identity to an account at an upstream provider.
type OIDCProvider struct {
	Provider            string     `json:"provider"`
	Subject             string     `json:"subject"`
	InitialIDToken      string     `json:"initial_id_token,omitempty"`
	InitialAccessToken  string     `json:"initial_access_token,omitempty"`
	InitialRefreshToken string     `json:"initial_refresh_token,omitempty"`
	Organization        *uuid.UUID `json:"organization,omitempty"`
}

// OIDCConfig is the oidc credential's config.
type OIDCConfig struct {
	Providers []OIDCProvider `json:"providers"`
}

// OIDCIdentifier is the identifier of a provider link: "provider:subject".
func OIDCIdentifier(provider, subject string) string { return provider + ":" + subject }

// firstFactors and secondFactors decide the identity's available AAL.
var (
	firstFactors  = map[CredentialType]bool{CredentialPassword: true, CredentialOIDC: true, CredentialCode: true, CredentialPasskey: true}
	secondFactors = map[CredentialType]bool{CredentialTOTP: true, CredentialLookupSecret: true}
)

// availableAAL: aal1 with any first factor, aal2 when a second factor is
// there too. WebAuthn keys count as a first factor when registered for
// passwordless login and as a second factor otherwise.
func availableAAL(creds map[CredentialType]*Credential) AAL {
	first, second := false, false
	for t, c := range creds {
		switch {
		case firstFactors[t]:
			first = true
		case secondFactors[t]:
			second = true
		case t == CredentialWebAuthn:
			var cfg struct {
				Credentials []struct {
					IsPasswordless bool `json:"is_passwordless"`
				} `json:"credentials"`
			}
			_ = json.Unmarshal(c.Config, &cfg)
			for _, k := range cfg.Credentials {
				if k.IsPasswordless {
					first = true
				} else {
					second = true
				}
			}
		}
	}
	switch {
	case first && second:
		return AAL2
	case first:
		return AAL1
	}
	return AAL0
}
