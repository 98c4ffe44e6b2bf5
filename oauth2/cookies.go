package oauth2

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// Cookie names. The CSRF cookie is per client, as Hydra's is, because the
// browser brings a verifier back to the authorization endpoint for a known
// client but not for a known flow.
const (
	sessionCookie    = "cerberus_oauth2_session"
	csrfCookiePrefix = "cerberus_oauth2_csrf_"
)

func csrfCookieName(clientID string) string {
	sum := sha256.Sum256([]byte(clientID))
	return csrfCookiePrefix + hex.EncodeToString(sum[:6])
}

func (h *Head) secureCookies() bool { return strings.HasPrefix(h.s.publicURL, "https://") }

func (h *Head) setCookie(w http.ResponseWriter, name, value, path string, maxAge time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: path, HttpOnly: true, Secure: h.secureCookies(),
		// Lax: the flow returns through top-level redirects, which carry
		// Lax cookies; cross-site subrequests do not.
		SameSite: http.SameSiteLaxMode,
	}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}
