package oauth2

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// Validate checks what the schema cannot: the issuer is an http(s) URL
// without query or fragment (OpenID Connect Discovery §3, relying parties
// compare it byte for byte), and the login, consent, logout, error and
// post-logout URLs are absolute, since browsers are sent there from
// /oauth2/auth. Errors name the key.
func Validate(c *config.Config) error {
	u := c.OAuth2.URLs
	if iss := c.OAuth2.Issuer(&c.Serve); iss != "" {
		p, err := url.Parse(iss)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
			return fmt.Errorf("oauth2.urls.self.issuer: %q must be an http(s) URL without query or fragment", iss)
		}
	}
	for key, v := range map[string]string{
		"login": u.Login, "registration": u.Registration, "consent": u.Consent, "logout": u.Logout,
		"error": u.Error, "post_logout_redirect": u.PostLogoutRedirect, "self.public": u.Self.Public, "self.admin": u.Self.Admin,
	} {
		if v == "" {
			continue
		}
		p, err := url.Parse(v)
		if err != nil || !p.IsAbs() || p.Host == "" || !strings.HasPrefix(p.Scheme, "http") {
			return fmt.Errorf("oauth2.urls.%s: %q must be an absolute http(s) URL", key, v)
		}
	}
	return nil
}
