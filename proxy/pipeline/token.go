package pipeline

import (
	"net/http"
	"strings"
)

// BearerToken reads a token from where from says: a header (the
// Authorization header means its Bearer token), a query parameter, a
// cookie, or by default the Authorization header's Bearer token.
func BearerToken(r *http.Request, from *TokenFrom) string {
	switch {
	case from == nil:
	case from.Header != "":
		if http.CanonicalHeaderKey(from.Header) == "Authorization" {
			return bearer(r)
		}
		return r.Header.Get(from.Header)
	case from.QueryParameter != "":
		return r.URL.Query().Get(from.QueryParameter)
	case from.Cookie != "":
		c, err := r.Cookie(from.Cookie)
		if err != nil {
			return ""
		}
		return c.Value
	}
	return bearer(r)
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is
// case-insensitive.
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
