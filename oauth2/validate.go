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
//
// With the built-in UI off (ui.enabled: false), the pages an unset
// login, consent or logout URL falls back to do not exist, and every
// client that needs them could start a flow but never finish one: that is
// refused here rather than discovered by the first person to sign in.
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
	return validatePages(c)
}

// validatePages checks that each page of the login/consent/logout protocol
// is served by someone when the built-in UI is off. A login also works
// without oauth2.urls.login when the self-service login flow has its own
// UI (selfservice.flows.login.ui_url): the challenge travels through it.
func validatePages(c *config.Config) error {
	if c.UI.IsEnabled() {
		return nil
	}
	u := c.OAuth2.URLs
	var missing []string
	if u.Login == "" && c.SelfService.Flows.Login.UIURL == "" {
		missing = append(missing, "oauth2.urls.login (or selfservice.flows.login.ui_url)")
	}
	if u.Consent == "" {
		missing = append(missing, "oauth2.urls.consent")
	}
	if u.Logout == "" {
		missing = append(missing, "oauth2.urls.logout")
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("ui.enabled is false, so the built-in login, consent and logout pages are not served: "+
		"set %s to the app that serves them, or enable the built-in UI", strings.Join(missing, ", "))
}
