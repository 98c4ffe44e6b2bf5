package oauth2

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"

	"github.com/cerberus-iam/cerberus/oauth2/store"
)

// token serves POST /oauth2/token (RFC 6749 §3.2): client_credentials,
// authorization_code and refresh_token grants. fosite authenticates the
// client, validates the grant and writes RFC 6749 §5.2 errors.
func (h *Head) token(w http.ResponseWriter, r *http.Request) {
	ctx := store.WithArrival(r.Context(), h.o.Now())
	session := NewSession()
	if err := precheckTokenRequest(r); err != nil {
		h.provider.WriteAccessError(ctx, w, fosite.NewAccessRequest(session), err)
		return
	}
	ar, err := h.provider.NewAccessRequest(ctx, r, session)
	if errors.Is(err, fosite.ErrJTIKnown) {
		// A replayed client assertion is failed client authentication
		// (RFC 7523 §3 item 7, RFC 6749 §5.2), not fosite's own error code.
		err = fosite.ErrInvalidClient.WithHint("The client assertion was already used: its jti must be unique.").WithWrap(err)
	}
	if err != nil {
		h.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	cl := ar.GetClient()
	if ar.GetGrantTypes().ExactOne("client_credentials") {
		// RFC 6749 §4.4: the client acts on its own behalf; fosite has
		// checked every requested scope and audience against the client.
		scopes := ar.GetRequestedScopes()
		if len(scopes) == 0 && h.o.Config.OAuth2.ClientCredentials.DefaultGrantAllowedScope {
			scopes = cl.GetScopes()
		}
		for _, s := range scopes {
			ar.GrantScope(s)
		}
		for _, a := range ar.GetRequestedAudience() {
			ar.GrantAudience(a)
		}
		session.SetSubject(cl.GetID())
		session.ClientID = cl.GetID()
		h.stampSession(session)
	}
	ctx = withClientAlgorithms(ctx, cl)
	resp, err := h.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		h.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	h.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// precheckTokenRequest answers the two cases where fosite's generic
// invalid_request is less precise than RFC 6749 §5.2: a grant type this
// server does not offer is unsupported_grant_type, and a request with no
// client authentication at all is invalid_client.
func precheckTokenRequest(r *http.Request) error {
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		return fosite.ErrInvalidRequest.WithHint("The body must be application/x-www-form-urlencoded.").WithWrap(err)
	}
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code", "refresh_token", "client_credentials":
	case "":
		return fosite.ErrInvalidRequest.WithHint("The grant_type parameter is missing.")
	default:
		return fosite.ErrUnsupportedGrantType.WithHintf("The grant type %q is not offered by this server.", gt)
	}
	if r.Header.Get("Authorization") == "" && r.PostForm.Get("client_id") == "" && r.PostForm.Get("client_assertion") == "" {
		return fosite.ErrInvalidClient.WithHint("The request carries no client authentication.")
	}
	return nil
}

// stampSession records the claim settings in force at issuance.
func (h *Head) stampSession(s *Session) {
	c := h.o.Config.OAuth2
	s.ExcludeNotBeforeClaim = c.ExcludeNotBeforeClaim
	s.AllowedTopLevelClaims = c.AllowedTopLevelClaims
	s.MirrorTopLevelClaims = c.MirrorsTopLevelClaims()
}

// revoke serves POST /oauth2/revoke (RFC 7009). Revoking a refresh token
// revokes its access tokens too (§2.1); unknown tokens answer 200 (§2.2).
func (h *Head) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := h.provider.NewRevocationRequest(ctx, r)
	h.provider.WriteRevocationResponse(ctx, w, err)
}

// Interface guards
var _ fosite.Session = (*Session)(nil)
