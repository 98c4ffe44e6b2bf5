package authn

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// CookieSessionConfig is cookie_session's config.
type CookieSessionConfig struct {
	SessionCheckConfig
	// Only lists cookie names of which one must be present for this
	// authenticator to take the request.
	Only []string `json:"only"`
}

// CookieSession authenticates browsers by their session cookie.
type CookieSession struct {
	sc   *sessionCheck
	only []string
}

// NewCookieSession builds the authenticator.
func NewCookieSession(c CookieSessionConfig, d *Deps) (*CookieSession, error) {
	sc, err := newSessionCheck(c.SessionCheckConfig, d, "Cookie", "subject")
	if err != nil {
		return nil, err
	}
	return &CookieSession{sc: sc, only: c.Only}, nil
}

// Authenticate implements pipeline.Authenticator.
func (a *CookieSession) Authenticate(r *http.Request, s *pipeline.Session) error {
	if !a.responsible(r) {
		return pipeline.ErrNotResponsible
	}
	var cred SessionCredential
	if a.sc.remote == nil {
		c, err := r.Cookie(a.sc.d.Sessions.CookieName())
		if err != nil || c.Value == "" {
			return pipeline.ErrUnauthorized.WithReason("The request carries no session cookie.")
		}
		cred.Cookie = c.Value
	}
	return a.sc.authenticate(r, cred, s)
}

// responsible: with `only`, one of those cookies must be present; without,
// any cookie (remote, as Oathkeeper) or the session cookie (in process).
func (a *CookieSession) responsible(r *http.Request) bool {
	if len(a.only) > 0 {
		for _, name := range a.only {
			if _, err := r.Cookie(name); err == nil {
				return true
			}
		}
		return false
	}
	if a.sc.remote != nil {
		return len(r.Cookies()) > 0
	}
	_, err := r.Cookie(a.sc.d.Sessions.CookieName())
	return err == nil
}

// BearerTokenConfig is bearer_token's config.
type BearerTokenConfig struct {
	SessionCheckConfig
	TokenFrom *pipeline.TokenFrom `json:"token_from"`
	// Prefix must start the token for this authenticator to take it.
	Prefix string `json:"prefix"`
}

// BearerToken authenticates API clients by a session token.
type BearerToken struct {
	sc     *sessionCheck
	from   *pipeline.TokenFrom
	prefix string
}

// NewBearerToken builds the authenticator.
func NewBearerToken(c BearerTokenConfig, d *Deps) (*BearerToken, error) {
	sc, err := newSessionCheck(c.SessionCheckConfig, d, "Authorization", "sub")
	if err != nil {
		return nil, err
	}
	return &BearerToken{sc: sc, from: c.TokenFrom, prefix: c.Prefix}, nil
}

// Authenticate implements pipeline.Authenticator.
func (a *BearerToken) Authenticate(r *http.Request, s *pipeline.Session) error {
	token := pipeline.BearerToken(r, a.from)
	if token == "" || !hasPrefix(token, a.prefix) {
		return pipeline.ErrNotResponsible
	}
	return a.sc.authenticate(r, SessionCredential{Token: token}, s)
}

// Interface guards
var (
	_ pipeline.Authenticator = (*CookieSession)(nil)
	_ pipeline.Authenticator = (*BearerToken)(nil)
)
