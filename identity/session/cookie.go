package session

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// DefaultCookieName is session.cookie.name's default.
const DefaultCookieName = "cerberus_session"

// CookieConfig shapes the session cookie (session.cookie, falling back to
// cookies).
type CookieConfig struct {
	Name     string
	Domain   string
	Path     string
	SameSite http.SameSite
	// Persistent cookies carry Expires = the session's expiry; otherwise
	// the browser drops the cookie when it closes.
	Persistent bool
	// Secure is false only in --dev on plain http.
	Secure bool
}

// CookieName returns the session cookie's name.
func (m *Manager) CookieName() string { return m.cookie.Name }

// SetCookie puts the session token into the session cookie. The cookie holds
// the token itself: it is 256 bits of randomness, stored server-side only
// as a hash, so signing it would add nothing.
func (m *Manager) SetCookie(w http.ResponseWriter, token string, expiresAt time.Time) {
	c := m.baseCookie()
	c.Value = token
	if m.cookie.Persistent {
		c.Expires = expiresAt
		c.MaxAge = max(1, int(expiresAt.Sub(m.now()).Seconds()))
	}
	http.SetCookie(w, c)
}

// ClearCookie removes the session cookie.
func (m *Manager) ClearCookie(w http.ResponseWriter) {
	c := m.baseCookie()
	c.MaxAge = -1
	http.SetCookie(w, c)
}

func (m *Manager) baseCookie() *http.Cookie {
	path := m.cookie.Path
	if path == "" {
		path = "/"
	}
	return &http.Cookie{
		Name: m.cookie.Name, Domain: m.cookie.Domain, Path: path,
		HttpOnly: true, Secure: m.cookie.Secure || m.cookie.SameSite == http.SameSiteNoneMode,
		SameSite: m.cookie.SameSite,
	}
}

// Token sources, for logs and for telling API clients from browsers.
const (
	SourceNone   = ""
	SourceHeader = "header" // X-Session-Token
	SourceBearer = "bearer" // Authorization: Bearer
	SourceCookie = "cookie"
)

// TokenFromRequest finds the session token: X-Session-Token, then
// Authorization: Bearer, then the session cookie, as Kratos looks.
func (m *Manager) TokenFromRequest(r *http.Request) (token, source string) {
	if t := r.Header.Get("X-Session-Token"); t != "" {
		return strings.TrimSpace(t), SourceHeader
	}
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:]), SourceBearer
	}
	if c, err := r.Cookie(m.cookie.Name); err == nil && c.Value != "" {
		return c.Value, SourceCookie
	}
	return "", SourceNone
}

// FromRequest resolves the request's session (identity loaded), applying
// expiry, revocation and identity state but not the AAL policy (see
// CheckAAL). ErrNoSession when there is none.
func (m *Manager) FromRequest(ctx context.Context, r *http.Request) (*Session, error) {
	t, _ := m.TokenFromRequest(r)
	if t == "" {
		return nil, ErrNoSession
	}
	return m.ByToken(ctx, t)
}
