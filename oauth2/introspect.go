package oauth2

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ory/fosite"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// introspection is RFC 7662 §2.2's response in Hydra's shape.
type introspection struct {
	Active            bool           `json:"active"`
	Scope             string         `json:"scope,omitempty"`
	ClientID          string         `json:"client_id,omitempty"`
	Subject           string         `json:"sub,omitempty"`
	ObfuscatedSubject string         `json:"obfuscated_subject,omitempty"`
	ExpiresAt         int64          `json:"exp,omitempty"`
	IssuedAt          int64          `json:"iat,omitempty"`
	NotBefore         int64          `json:"nbf,omitempty"`
	Username          string         `json:"username,omitempty"`
	Audience          []string       `json:"aud,omitempty"`
	Issuer            string         `json:"iss,omitempty"`
	TokenType         string         `json:"token_type,omitempty"`
	TokenUse          string         `json:"token_use,omitempty"`
	Extra             map[string]any `json:"ext,omitempty"`
}

var inactive = []byte(`{"active":false}`)

// introspect serves POST /admin/oauth2/introspect (RFC 7662). The admin
// listener is private, so, as in Hydra, the caller does not authenticate.
// Anything wrong with the token, including a scope it was not granted,
// answers {"active": false} (§2.2).
func (h *Head) introspect(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fosite.ErrInvalidRequest.WithHint("The body must be application/x-www-form-urlencoded.").WithWrap(err)
	}
	token := r.PostForm.Get("token")
	if token == "" {
		return fosite.ErrInvalidRequest.WithHint("The token parameter is missing (RFC 7662 §2.1).")
	}
	var scopes []string
	if s := r.PostForm.Get("scope"); s != "" {
		scopes = strings.Fields(s)
	}
	w.Header().Set("Cache-Control", "no-store")
	if body, ok := h.fastIntrospect(r.Context(), token, r.PostForm.Get("token_type_hint"), scopes); ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return nil
	}
	out, ok := h.introspection(r.Context(), token, r.PostForm.Get("token_type_hint"), scopes)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(inactive)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// introspection introspects token; ok is false for an inactive token.
func (h *Head) introspection(ctx context.Context, token, hint string, scopes []string) (*introspection, bool) {
	session := NewSession()
	use, ar, err := h.provider.IntrospectToken(ctx, token, fosite.TokenUse(hint), session, scopes...)
	if err != nil {
		return nil, false
	}
	return h.describe(use, ar, session), true
}

// describe renders a token's introspection answer.
func (h *Head) describe(use fosite.TokenUse, ar fosite.Requester, session fosite.Session) *introspection {
	s, _ := session.(*Session)
	if s == nil {
		s = NewSession()
	}
	out := &introspection{
		Active:    true,
		Scope:     strings.Join(ar.GetGrantedScopes(), " "),
		ClientID:  ar.GetClient().GetID(),
		Subject:   s.GetSubject(),
		IssuedAt:  ar.GetRequestedAt().Unix(),
		NotBefore: ar.GetRequestedAt().Unix(),
		Username:  s.GetUsername(),
		Audience:  ar.GetGrantedAudience(),
		Issuer:    h.s.issuer,
		Extra:     s.Extra,
	}
	switch use {
	case fosite.AccessToken:
		out.TokenType, out.TokenUse = "Bearer", "access_token"
		out.ExpiresAt = session.GetExpiresAt(fosite.AccessToken).Unix()
	case fosite.RefreshToken:
		out.TokenUse = "refresh_token"
		if exp := s.GetExpiresAt(fosite.RefreshToken); !exp.IsZero() {
			out.ExpiresAt = exp.Unix()
		}
	}
	return out
}

// precomputeIntrospection renders an access token's answer at issuance
// (store.Store.Introspection).
// JWT access tokens never take the fast path: none is stored for them.
func (h *Head) precomputeIntrospection(r fosite.Requester) ([]byte, error) {
	if h.strategy.useJWT(r.GetClient()) {
		return nil, nil
	}
	return json.Marshal(h.describe(fosite.AccessToken, r, r.GetSession()))
}

// fastIntrospect answers for an opaque access token from the answer
// stored at issuance: an HMAC check, one indexed read, one decryption.
// handled is false when the full path must answer (another token type, a
// scope to check, a row without a stored answer).
func (h *Head) fastIntrospect(ctx context.Context, token, hint string, scopes []string) (body []byte, handled bool) {
	rest, ok := strings.CutPrefix(token, "ory_at_")
	if !ok || len(scopes) > 0 || (hint != "" && hint != "access_token") {
		return nil, false
	}
	if h.enigma.Validate(ctx, rest) != nil {
		return inactive, true
	}
	body, found, precomputed, err := h.store.FastIntrospection(ctx, h.enigma.Signature(rest))
	switch {
	case err != nil || !precomputed:
		return nil, false
	case !found:
		return inactive, true
	}
	return body, true
}

// Introspect answers as POST /admin/oauth2/introspect does, for callers in
// this process (the proxy's oauth2_introspection authenticator): the JSON
// body, {"active":false} for a token that is not active.
func (h *Head) Introspect(ctx context.Context, token, scope string) ([]byte, error) {
	if token == "" {
		return inactive, nil
	}
	if body, ok := h.fastIntrospect(ctx, token, "", strings.Fields(scope)); ok {
		return body, nil
	}
	out, ok := h.introspection(ctx, token, "", strings.Fields(scope))
	if !ok {
		return inactive, nil
	}
	return json.Marshal(out)
}
