package config

import (
	"strings"
	"time"
)

// OAuth2 is the OAuth2 / OpenID Connect head's section: Ory Hydra's keys one
// level down. Hydra's top-level keys (urls, strategies, ttl, oidc, webfinger)
// and the keys of Hydra's own oauth2 section (pkce, hashers, ...) sit side by
// side here.
type OAuth2 struct {
	URLs       OAuth2URLs       `json:"urls"`
	Strategies OAuth2Strategies `json:"strategies"`
	TTL        OAuth2TTL        `json:"ttl"`
	PKCE       OAuth2PKCE       `json:"pkce"`
	Hashers    OAuth2Hashers    `json:"hashers"`
	// ClientCredentials tunes the client_credentials grant.
	ClientCredentials struct {
		// DefaultGrantAllowedScope grants every allowed scope when a
		// client_credentials request names none.
		DefaultGrantAllowedScope bool `json:"default_grant_allowed_scope,omitempty"`
	} `json:"client_credentials"`
	OIDC      OAuth2OIDC      `json:"oidc"`
	Webfinger OAuth2Webfinger `json:"webfinger"`
	Keys      OAuth2Keys      `json:"keys"`
	// ExposeInternalErrors sends error_debug to clients (development only).
	ExposeInternalErrors bool `json:"expose_internal_errors,omitempty"`
	// ExcludeNotBeforeClaim leaves nbf out of JWT access tokens.
	ExcludeNotBeforeClaim bool `json:"exclude_not_before_claim,omitempty"`
	// AllowedTopLevelClaims are consent session.access_token claims lifted
	// to the top level of JWT access tokens.
	AllowedTopLevelClaims []string `json:"allowed_top_level_claims,omitempty"`
	// MirrorTopLevelClaims keeps lifted claims in ext too (default true).
	MirrorTopLevelClaims *bool `json:"mirror_top_level_claims,omitempty"`
	// Session is accepted for Hydra compatibility; sessions are always
	// sealed at rest.
	Session struct {
		EncryptAtRest *bool `json:"encrypt_at_rest,omitempty"`
	} `json:"session"`
}

// OAuth2URLs are Hydra's urls.*.
type OAuth2URLs struct {
	Self struct {
		Issuer string `json:"issuer,omitempty"`
		Public string `json:"public,omitempty"`
		Admin  string `json:"admin,omitempty"`
	} `json:"self"`
	Login              string `json:"login,omitempty"`
	Registration       string `json:"registration,omitempty"`
	Consent            string `json:"consent,omitempty"`
	Logout             string `json:"logout,omitempty"`
	Error              string `json:"error,omitempty"`
	PostLogoutRedirect string `json:"post_logout_redirect,omitempty"`
	// IdentityProvider is Hydra's link to a remote Kratos; unused in
	// process, accepted so Hydra configs paste in.
	IdentityProvider struct {
		URL       string            `json:"url,omitempty"`
		PublicURL string            `json:"publicUrl,omitempty"`
		Headers   map[string]string `json:"headers,omitempty"`
	} `json:"identity_provider"`
}

// OAuth2Strategies are Hydra's strategies.*.
type OAuth2Strategies struct {
	// AccessToken is opaque (default) or jwt.
	AccessToken string `json:"access_token,omitempty"`
	// Scope is wildcard (default) or exact.
	Scope string `json:"scope,omitempty"`
	JWT   struct {
		// ScopeClaim is list (scp, default), string (scope) or both.
		ScopeClaim string `json:"scope_claim,omitempty"`
	} `json:"jwt"`
}

// OAuth2TTL are Hydra's ttl.* lifespans.
type OAuth2TTL struct {
	LoginConsentRequest Duration `json:"login_consent_request,omitempty"`
	AccessToken         Duration `json:"access_token,omitempty"`
	RefreshToken        Duration `json:"refresh_token,omitempty"`
	IDToken             Duration `json:"id_token,omitempty"`
	AuthCode            Duration `json:"auth_code,omitempty"`
}

// OAuth2PKCE is Hydra's oauth2.pkce.
type OAuth2PKCE struct {
	Enforced                 bool `json:"enforced,omitempty"`
	EnforcedForPublicClients bool `json:"enforced_for_public_clients,omitempty"`
}

// OAuth2Hashers chooses how client secrets are hashed at rest.
type OAuth2Hashers struct {
	// Algorithm is pbkdf2 (default) or bcrypt.
	Algorithm string `json:"algorithm,omitempty"`
	BCrypt    struct {
		Cost int `json:"cost,omitempty"`
	} `json:"bcrypt"`
	PBKDF2 struct {
		Iterations int `json:"iterations,omitempty"`
	} `json:"pbkdf2"`
}

// OAuth2OIDC is Hydra's oidc.*.
type OAuth2OIDC struct {
	SubjectIdentifiers struct {
		SupportedTypes []string `json:"supported_types,omitempty"`
	} `json:"subject_identifiers"`
}

// OAuth2Webfinger is Hydra's webfinger.*.
type OAuth2Webfinger struct {
	OIDCDiscovery struct {
		SupportedClaims []string `json:"supported_claims,omitempty"`
		SupportedScope  []string `json:"supported_scope,omitempty"`
	} `json:"oidc_discovery"`
}

// OAuth2Keys configures the signing keys Cerberus generates.
type OAuth2Keys struct {
	// Algorithm of the default keys: RS256 (default), ES256 or EdDSA.
	Algorithm string `json:"algorithm,omitempty"`
	// RSABits is the RSA modulus size (default 2048).
	RSABits int `json:"rsa_bits,omitempty"`
}

// Issuer returns the issuer exactly as configured (relying parties compare
// it byte for byte, trailing slash included), or the public base URL.
func (o *OAuth2) Issuer(s *Serve) string {
	if o.URLs.Self.Issuer != "" {
		return o.URLs.Self.Issuer
	}
	return s.Public.BaseURL
}

// PublicURL returns where the OAuth2 endpoints are reached, with a trailing
// slash.
func (o *OAuth2) PublicURL(s *Serve) string {
	u := o.URLs.Self.Public
	if u == "" {
		u = o.Issuer(s)
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// MirrorsTopLevelClaims reports mirror_top_level_claims (default true).
func (o *OAuth2) MirrorsTopLevelClaims() bool {
	return o.MirrorTopLevelClaims == nil || *o.MirrorTopLevelClaims
}

func (o *OAuth2) applyDefaults() {
	if o.Strategies.AccessToken == "" {
		o.Strategies.AccessToken = "opaque"
	}
	if o.Strategies.Scope == "" {
		o.Strategies.Scope = "wildcard"
	}
	if o.Strategies.JWT.ScopeClaim == "" {
		o.Strategies.JWT.ScopeClaim = "list"
	}
	t := &o.TTL
	setDuration(&t.LoginConsentRequest, 30*time.Minute)
	setDuration(&t.AccessToken, time.Hour)
	setDuration(&t.RefreshToken, 720*time.Hour)
	setDuration(&t.IDToken, time.Hour)
	setDuration(&t.AuthCode, 10*time.Minute)
	if o.Hashers.Algorithm == "" {
		o.Hashers.Algorithm = "pbkdf2"
	}
	if o.Hashers.BCrypt.Cost == 0 {
		o.Hashers.BCrypt.Cost = 12
	}
	if o.Hashers.PBKDF2.Iterations == 0 {
		o.Hashers.PBKDF2.Iterations = 600_000
	}
	if o.Keys.Algorithm == "" {
		o.Keys.Algorithm = "RS256"
	}
	if o.Keys.RSABits == 0 {
		o.Keys.RSABits = 2048
	}
}

func setDuration(d *Duration, def time.Duration) {
	if *d == 0 {
		*d = Duration(def)
	}
}
