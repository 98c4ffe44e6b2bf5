package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/ory/fosite"
)

// RFC 7591 §3.2.2 error codes for refused client metadata.
var (
	ErrInvalidClientMetadata = &fosite.RFC6749Error{
		ErrorField:       "invalid_client_metadata",
		DescriptionField: "The value of one of the Client Metadata fields is invalid and the server has rejected this request.",
		CodeField:        400,
	}
	ErrInvalidRedirectURI = &fosite.RFC6749Error{
		ErrorField:       "invalid_redirect_uri",
		DescriptionField: "The value of one or more redirect_uris is invalid.",
		CodeField:        400,
	}
)

// Supported values.
var (
	GrantTypes       = []string{"authorization_code", "refresh_token", "client_credentials", "implicit"}
	AuthMethods      = []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}
	SigningAlgs      = []string{"RS256", "ES256", "EdDSA"}
	AssertionAlgs    = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
	responseTypeSets = [][]string{
		{"code"}, {"token"}, {"id_token"}, {"code", "id_token"}, {"code", "token"},
		{"id_token", "token"}, {"code", "id_token", "token"},
	}
)

// Normalize fills Hydra's defaults for fields left empty.
func (c *Client) Normalize() {
	if len(c.GrantTypes) == 0 {
		c.GrantTypes = []string{"authorization_code"}
	}
	if len(c.ResponseTypes) == 0 {
		c.ResponseTypes = []string{"code"}
	}
	if c.TokenEndpointAuthMethod == "" {
		c.TokenEndpointAuthMethod = "client_secret_basic"
	}
	if c.SubjectType == "" {
		c.SubjectType = "public"
	}
	c.Scope = strings.Join(strings.Fields(c.Scope), " ")
	for _, l := range []*[]string{&c.RedirectURIs, &c.Audience, &c.Contacts, &c.AllowedCORSOrigins, &c.PostLogoutRedirectURIs, &c.RequestURIs} {
		if *l == nil {
			*l = []string{}
		}
	}
	if len(c.Metadata) == 0 || bytes.Equal(c.Metadata, []byte("null")) {
		c.Metadata = json.RawMessage("{}")
	}
	c.SecretExpiresAt = 0
}

// Validate checks every field and returns the first problem as an RFC 7591
// error naming the field.
func (c *Client) Validate() error {
	bad := func(format string, args ...any) error {
		return ErrInvalidClientMetadata.WithHintf(format, args...)
	}
	if c.ID == "" || len(c.ID) > 255 || strings.ContainsFunc(c.ID, isSpaceOrControl) {
		return bad("Field client_id must be 1 to 255 characters without spaces.")
	}
	if len(c.Name) > 1024 {
		return bad("Field client_name must not exceed 1024 characters.")
	}
	if !slices.Contains(AuthMethods, c.TokenEndpointAuthMethod) {
		return bad("Field token_endpoint_auth_method must be one of %s.", strings.Join(AuthMethods, ", "))
	}
	if c.Secret != "" && len(c.Secret) < 6 {
		return bad("Field client_secret must be at least 6 characters long.")
	}
	if c.TokenEndpointAuthMethod == "none" && c.Secret != "" {
		return bad("A client with token_endpoint_auth_method none (a public client) must not have a client_secret.")
	}
	if c.TokenEndpointAuthMethod == "private_key_jwt" && c.Secret != "" {
		return bad("A client with token_endpoint_auth_method private_key_jwt authenticates with its keys, not a client_secret.")
	}
	if c.JWKS != nil && c.JWKSURI != "" {
		return bad("Fields jwks and jwks_uri must not both be set.")
	}
	if c.TokenEndpointAuthMethod == "private_key_jwt" && c.JWKS == nil && c.JWKSURI == "" {
		return bad("Token endpoint auth method private_key_jwt needs jwks or jwks_uri.")
	}
	if c.TokenEndpointAuthSigningAlg != "" && !slices.Contains(AssertionAlgs, c.TokenEndpointAuthSigningAlg) {
		return bad("Field token_endpoint_auth_signing_alg must be one of %s.", strings.Join(AssertionAlgs, ", "))
	}
	if c.JWKS != nil {
		for _, k := range c.JWKS.Keys {
			if !k.Valid() || !k.IsPublic() {
				return bad("Field jwks must hold valid public keys only.")
			}
		}
	}
	for _, g := range c.GrantTypes {
		if !slices.Contains(GrantTypes, g) {
			return bad("Grant type %q is not supported; use %s.", g, strings.Join(GrantTypes, ", "))
		}
	}
	if slices.Contains(c.GrantTypes, "client_credentials") && c.IsPublic() {
		return bad("A public client (token_endpoint_auth_method none) cannot use the client_credentials grant.")
	}
	for _, rt := range c.ResponseTypes {
		if !validResponseType(rt) {
			return bad("Response type %q is not supported.", rt)
		}
	}
	for _, s := range strings.Fields(c.Scope) {
		if strings.ContainsAny(s, "\"\\") {
			return bad("Scope %q contains a character RFC 6749 §3.3 does not allow.", s)
		}
	}
	for _, a := range c.Audience {
		if a == "" || strings.ContainsFunc(a, isSpaceOrControl) {
			return bad("Audience %q must be a non-empty value without spaces.", a)
		}
	}
	for _, u := range c.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return ErrInvalidRedirectURI.WithHintf("Redirect URI %q %s.", u, err)
		}
	}
	for _, u := range c.PostLogoutRedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return bad("Post-logout redirect URI %q %s.", u, err)
		}
		if !sharesOrigin(u, c.RedirectURIs) {
			return bad("Post-logout redirect URI %q must have the scheme, host and port of one of the redirect_uris.", u)
		}
	}
	for name, u := range map[string]string{
		"policy_uri": c.PolicyURI, "tos_uri": c.TOSURI, "client_uri": c.ClientURI, "logo_uri": c.LogoURI,
		"jwks_uri": c.JWKSURI, "frontchannel_logout_uri": c.FrontchannelLogoutURI,
		"backchannel_logout_uri": c.BackchannelLogoutURI, "sector_identifier_uri": c.SectorIdentifierURI,
	} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return bad("Field %s must be an absolute http(s) URL.", name)
		}
	}
	for _, u := range c.RequestURIs {
		if p, err := url.Parse(u); err != nil || !p.IsAbs() {
			return bad("Request URI %q must be an absolute URL.", u)
		}
	}
	for _, o := range c.AllowedCORSOrigins {
		if p, err := url.Parse(o); err != nil || p.Scheme == "" || p.Host == "" || (p.Path != "" && p.Path != "/") {
			return bad("CORS origin %q must be scheme://host[:port].", o)
		}
	}
	if c.SubjectType != "public" {
		return bad("Field subject_type must be public; pairwise subject identifiers are not supported by this version.")
	}
	switch c.AccessTokenStrategy {
	case "", "jwt", "opaque":
	default:
		return bad("Field access_token_strategy must be jwt or opaque.")
	}
	for name, alg := range map[string]string{
		"id_token_signed_response_alg": c.IDTokenSignedResponseAlg, "access_token_signed_response_alg": c.AccessTokenSignedResponseAlg,
	} {
		if alg != "" && !slices.Contains(SigningAlgs, alg) {
			return bad("Field %s must be one of %s.", name, strings.Join(SigningAlgs, ", "))
		}
	}
	if a := c.UserinfoSignedResponseAlg; a != "" && a != "none" && !slices.Contains(SigningAlgs, a) {
		return bad("Field userinfo_signed_response_alg must be none or one of %s.", strings.Join(SigningAlgs, ", "))
	}
	if a := c.RequestObjectSigningAlg; a != "" && a != "none" && !slices.Contains(AssertionAlgs, a) {
		return bad("Field request_object_signing_alg must be none or one of %s.", strings.Join(AssertionAlgs, ", "))
	}
	if len(c.Metadata) > 0 {
		var m map[string]any
		if err := json.Unmarshal(c.Metadata, &m); err != nil {
			return bad("Field metadata must be a JSON object.")
		}
	}
	for name, d := range c.Lifespans.all() {
		if d.Valid && d.D <= 0 {
			return bad("Field %s must be a positive duration or null.", name)
		}
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

func validResponseType(rt string) bool {
	parts := strings.Fields(rt)
	slices.Sort(parts)
	for _, set := range responseTypeSets {
		s := slices.Clone(set)
		slices.Sort(s)
		if slices.Equal(s, parts) {
			return true
		}
	}
	return false
}

// checkRedirectURI enforces RFC 6749 §3.1.2: absolute, no fragment.
func checkRedirectURI(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("is not a URL")
	}
	if !p.IsAbs() {
		return fmt.Errorf("must be absolute (RFC 6749 §3.1.2)")
	}
	if p.Fragment != "" || strings.Contains(u, "#") {
		return fmt.Errorf("must not contain a fragment (RFC 6749 §3.1.2)")
	}
	if (p.Scheme == "http" || p.Scheme == "https") && p.Host == "" {
		return fmt.Errorf("has no host")
	}
	return nil
}

func sharesOrigin(u string, redirects []string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	for _, r := range redirects {
		q, err := url.Parse(r)
		if err == nil && q.Scheme == p.Scheme && q.Host == p.Host {
			return true
		}
	}
	return false
}
