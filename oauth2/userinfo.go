package oauth2

import (
	"context"
	"net/http"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

// ClaimsProvider gives the OpenID Connect standard claims of a subject for
// the granted scopes (OpenID Connect Core §5.4: profile, email, phone,
// address), typically from the identity's traits. Claims of unknown
// subjects (a client_credentials token's client) come back empty.
type ClaimsProvider interface {
	Claims(ctx context.Context, subject string, scopes []string) (map[string]any, error)
}

// userinfo serves GET and POST /userinfo (OpenID Connect Core §5.3): the
// subject's claims for an access token granted openid. Identity claims come
// first; claims the consent put in session.id_token override them; sub is
// always the token's subject.
func (h *Head) userinfo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := fosite.AccessTokenFromRequest(r)
	if token == "" {
		bearerError(w, http.StatusUnauthorized, "invalid_request", "The request carries no access token.")
		return
	}
	session := NewSession()
	_, ar, err := h.provider.IntrospectToken(ctx, token, fosite.AccessToken, session)
	if err != nil {
		bearerError(w, http.StatusUnauthorized, "invalid_token", "The access token is not active.")
		return
	}
	if !ar.GetGrantedScopes().Has("openid") {
		bearerError(w, http.StatusForbidden, "insufficient_scope", "The access token was not granted the openid scope.")
		return
	}
	claims := map[string]any{}
	if h.o.Claims != nil {
		c, err := h.o.Claims.Claims(ctx, session.GetSubject(), ar.GetGrantedScopes())
		if err != nil {
			httpx.LogError(r, httpx.ErrInternal.WithCause(err))
			bearerError(w, http.StatusInternalServerError, "server_error", "The claims could not be read.")
			return
		}
		for k, v := range c {
			claims[k] = v
		}
	}
	if idc := session.IDTokenClaims(); idc != nil {
		for k, v := range idc.Extra {
			claims[k] = v
		}
	}
	for _, k := range []string{"iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "auth_time", "rat", "sid"} {
		delete(claims, k)
	}
	claims["sub"] = session.GetSubject()
	cl, _ := ar.GetClient().(*client.Client)
	if cl != nil && cl.UserinfoSignedResponseAlg != "" && cl.UserinfoSignedResponseAlg != "none" {
		// §5.3.2: a signed response is a JWT with iss and aud.
		claims["iss"] = h.s.issuer
		claims["aud"] = []string{cl.ID}
		claims["iat"] = time.Now().Unix()
		ctx = jwk.WithAlgorithm(ctx, jwk.IDTokenSet, cl.UserinfoSignedResponseAlg)
		tok, _, err := h.idSigner.Generate(ctx, jwt.MapClaims(claims), &jwt.Headers{})
		if err != nil {
			httpx.LogError(r, httpx.ErrInternal.WithCause(err))
			bearerError(w, http.StatusInternalServerError, "server_error", "The response could not be signed.")
			return
		}
		w.Header().Set("Content-Type", "application/jwt")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(tok))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, claims)
}

// bearerError answers as RFC 6750 §3 describes.
func bearerError(w http.ResponseWriter, code int, errCode, desc string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="`+errCode+`", error_description="`+desc+`"`)
	httpx.WriteJSON(w, code, map[string]string{"error": errCode, "error_description": desc})
}
