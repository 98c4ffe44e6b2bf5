package oauth2

import (
	"crypto/hkdf"
	"crypto/sha256"
	"net/url"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// settings is the resolved configuration the handlers read.
type settings struct {
	issuer    string
	publicURL string // with trailing slash
	adminURL  string // with trailing slash
	urls      config.OAuth2URLs
	cfg       config.OAuth2
	jwtAccess bool
}

func resolve(c *config.Config) settings {
	o := c.OAuth2
	admin := o.URLs.Self.Admin
	if admin == "" {
		admin = c.Serve.Admin.BaseURL
	}
	if !strings.HasSuffix(admin, "/") {
		admin += "/"
	}
	return settings{
		issuer:    o.Issuer(&c.Serve),
		publicURL: o.PublicURL(&c.Serve),
		adminURL:  admin,
		urls:      o.URLs,
		cfg:       o,
		jwtAccess: o.Strategies.AccessToken == "jwt",
	}
}

// endpoint returns an absolute public URL for path (no leading slash).
func (s settings) endpoint(path string) string { return s.publicURL + path }

// publicPath returns the path part of a public endpoint, for routing.
func (s settings) publicPath(path string) string {
	u, err := url.Parse(s.endpoint(path))
	if err != nil {
		return "/" + path
	}
	return u.Path
}

// fositeConfig builds fosite's configuration. Secrets for the HMAC token
// strategy are derived from secrets.system; the first one signs, all verify.
func fositeConfig(c *config.Config, s settings, hasher fosite.Hasher) (*fosite.Config, error) {
	o := c.OAuth2
	secrets := c.Secrets.SystemSecrets()
	derive := func(sec string) ([]byte, error) {
		return hkdf.Key(sha256.New, []byte(sec), nil, "cerberus oauth2 hmac tokens", 32)
	}
	global, err := derive(secrets[0])
	if err != nil {
		return nil, err
	}
	var rotated [][]byte
	for _, sec := range secrets[1:] {
		k, err := derive(sec)
		if err != nil {
			return nil, err
		}
		rotated = append(rotated, k)
	}
	scope := fosite.WildcardScopeStrategy
	if o.Strategies.Scope == "exact" {
		scope = fosite.ExactScopeStrategy
	}
	claim := jwt.JWTScopeFieldList
	switch o.Strategies.JWT.ScopeClaim {
	case "string":
		claim = jwt.JWTScopeFieldString
	case "both":
		claim = jwt.JWTScopeFieldBoth
	}
	return &fosite.Config{
		AccessTokenLifespan:         o.TTL.AccessToken.D(),
		RefreshTokenLifespan:        o.TTL.RefreshToken.D(),
		AuthorizeCodeLifespan:       o.TTL.AuthCode.D(),
		IDTokenLifespan:             o.TTL.IDToken.D(),
		IDTokenIssuer:               s.issuer,
		AccessTokenIssuer:           s.issuer,
		TokenURL:                    s.endpoint("oauth2/token"),
		ScopeStrategy:               scope,
		AudienceMatchingStrategy:    fosite.DefaultAudienceMatchingStrategy,
		EnforcePKCE:                 o.PKCE.Enforced,
		EnforcePKCEForPublicClients: o.PKCE.EnforcedForPublicClients,
		// RFC 7636 §7.2: plain offers no protection against a stolen
		// code; only S256 is accepted, so no client can be downgraded.
		EnablePKCEPlainChallengeMethod: false,
		JWTScopeClaimKey:               claim,
		GlobalSecret:                   global,
		RotatedGlobalSecrets:           rotated,
		ClientSecretsHasher:            hasher,
		SendDebugMessagesToClients:     o.ExposeInternalErrors,
		MinParameterEntropy:            fosite.MinParameterEntropy,
		GrantTypeJWTBearerMaxDuration:  24 * time.Hour,
	}, nil
}
