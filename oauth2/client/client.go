package client

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
)

// Client is an OAuth2 client in Hydra's OAuth2Client JSON shape. It
// implements fosite's client interfaces.
type Client struct {
	ID   string `json:"client_id"`
	Name string `json:"client_name"`
	// Secret is set only in the response to a create (or a secret change);
	// it is stored hashed.
	Secret          string `json:"client_secret,omitempty"`
	SecretExpiresAt int64  `json:"client_secret_expires_at"`

	RedirectURIs  []string `json:"redirect_uris"`
	GrantTypes    []string `json:"grant_types"`
	ResponseTypes []string `json:"response_types"`
	// Scope is the space-separated list of scopes the client may request.
	Scope    string   `json:"scope"`
	Audience []string `json:"audience"`

	Owner              string   `json:"owner"`
	PolicyURI          string   `json:"policy_uri"`
	TOSURI             string   `json:"tos_uri"`
	ClientURI          string   `json:"client_uri"`
	LogoURI            string   `json:"logo_uri"`
	Contacts           []string `json:"contacts"`
	AllowedCORSOrigins []string `json:"allowed_cors_origins"`

	SubjectType         string              `json:"subject_type"`
	SectorIdentifierURI string              `json:"sector_identifier_uri,omitempty"`
	JWKS                *jose.JSONWebKeySet `json:"jwks,omitempty"`
	JWKSURI             string              `json:"jwks_uri,omitempty"`

	TokenEndpointAuthMethod     string   `json:"token_endpoint_auth_method"`
	TokenEndpointAuthSigningAlg string   `json:"token_endpoint_auth_signing_alg,omitempty"`
	RequestURIs                 []string `json:"request_uris,omitempty"`
	RequestObjectSigningAlg     string   `json:"request_object_signing_alg,omitempty"`
	UserinfoSignedResponseAlg   string   `json:"userinfo_signed_response_alg,omitempty"`
	// IDTokenSignedResponseAlg (OpenID Connect Dynamic Client Registration)
	// picks the ID token signing algorithm; empty means oauth2.keys.algorithm.
	IDTokenSignedResponseAlg string `json:"id_token_signed_response_alg,omitempty"`
	// AccessTokenSignedResponseAlg is Cerberus's: the signing algorithm of
	// this client's JWT access tokens; empty means oauth2.keys.algorithm.
	AccessTokenSignedResponseAlg string `json:"access_token_signed_response_alg,omitempty"`
	// AccessTokenStrategy (jwt|opaque) overrides oauth2.strategies.access_token.
	AccessTokenStrategy string `json:"access_token_strategy,omitempty"`

	PostLogoutRedirectURIs            []string `json:"post_logout_redirect_uris"`
	FrontchannelLogoutURI             string   `json:"frontchannel_logout_uri,omitempty"`
	FrontchannelLogoutSessionRequired bool     `json:"frontchannel_logout_session_required"`
	BackchannelLogoutURI              string   `json:"backchannel_logout_uri,omitempty"`
	BackchannelLogoutSessionRequired  bool     `json:"backchannel_logout_session_required"`

	SkipConsent       bool  `json:"skip_consent"`
	SkipLogoutConsent *bool `json:"skip_logout_consent"`

	// Metadata is free JSON for the operator; admin API only.
	Metadata json.RawMessage `json:"metadata,omitempty"`

	Lifespans

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// Accepted from Hydra exports and ignored (dynamic client registration
	// is not offered).
	RegistrationAccessToken string `json:"registration_access_token,omitempty"`
	RegistrationClientURI   string `json:"registration_client_uri,omitempty"`

	// hashedSecret is the KDF hash at rest; never serialized.
	hashedSecret []byte
}

// Interface guards
var (
	_ fosite.Client                         = (*Client)(nil)
	_ fosite.OpenIDConnectClient            = (*Client)(nil)
	_ fosite.ClientWithCustomTokenLifespans = (*Client)(nil)
)

// GetID returns the client id.
func (c *Client) GetID() string { return c.ID }

// GetHashedSecret returns the stored secret hash.
func (c *Client) GetHashedSecret() []byte { return c.hashedSecret }

// SetHashedSecret sets the stored secret hash (stores and tests).
func (c *Client) SetHashedSecret(h []byte) { c.hashedSecret = h }

// GetRedirectURIs returns the registered redirect URIs (exact match).
func (c *Client) GetRedirectURIs() []string { return c.RedirectURIs }

// GetGrantTypes returns the allowed grant types.
func (c *Client) GetGrantTypes() fosite.Arguments { return c.GrantTypes }

// GetResponseTypes returns the allowed response types.
func (c *Client) GetResponseTypes() fosite.Arguments { return c.ResponseTypes }

// GetScopes returns the scopes the client may request.
func (c *Client) GetScopes() fosite.Arguments { return strings.Fields(c.Scope) }

// IsPublic reports whether the client authenticates with no secret.
func (c *Client) IsPublic() bool { return c.TokenEndpointAuthMethod == "none" }

// GetAudience returns the audiences the client may request.
func (c *Client) GetAudience() fosite.Arguments { return c.Audience }

// GetRequestURIs returns the pre-registered request_uri values.
func (c *Client) GetRequestURIs() []string { return c.RequestURIs }

// GetJSONWebKeys returns the client's inline keys (private_key_jwt).
func (c *Client) GetJSONWebKeys() *jose.JSONWebKeySet { return c.JWKS }

// GetJSONWebKeysURI returns where the client's keys are published.
func (c *Client) GetJSONWebKeysURI() string { return c.JWKSURI }

// GetRequestObjectSigningAlgorithm returns the request object algorithm.
func (c *Client) GetRequestObjectSigningAlgorithm() string { return c.RequestObjectSigningAlg }

// GetTokenEndpointAuthMethod returns how the client authenticates.
func (c *Client) GetTokenEndpointAuthMethod() string { return c.TokenEndpointAuthMethod }

// GetTokenEndpointAuthSigningAlgorithm returns the private_key_jwt
// algorithm (RS256 unless set).
func (c *Client) GetTokenEndpointAuthSigningAlgorithm() string {
	if c.TokenEndpointAuthSigningAlg == "" {
		return "RS256"
	}
	return c.TokenEndpointAuthSigningAlg
}

// SkipsLogoutConsent reports skip_logout_consent (null means false).
func (c *Client) SkipsLogoutConsent() bool {
	return c.SkipLogoutConsent != nil && *c.SkipLogoutConsent
}

// Public returns a copy fit for a relying party or a login/consent app:
// no secret, no metadata (Hydra hides metadata outside the admin API only
// on the public side; the admin login/consent requests carry it).
func (c *Client) Public() *Client {
	cp := *c
	cp.Secret = ""
	cp.hashedSecret = nil
	return &cp
}
