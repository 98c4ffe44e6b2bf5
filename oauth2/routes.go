package oauth2

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

// MountPublic registers the public endpoints. Protocol endpoints sit on the
// mux directly: they take no cookies-based CSRF, fosite writes their errors.
func (h *Head) MountPublic(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", h.meta.serveDiscovery)
	mux.HandleFunc("GET /.well-known/jwks.json", h.meta.serveJWKS)
	mux.HandleFunc("POST /oauth2/token", h.token)
	mux.HandleFunc("POST /oauth2/revoke", h.revoke)
	mux.HandleFunc("GET /oauth2/auth", h.authorize)
	mux.HandleFunc("POST /oauth2/auth", h.authorize)
	mux.HandleFunc("GET /oauth2/sessions/logout", h.logout)
	mux.HandleFunc("POST /oauth2/sessions/logout", h.logout)
	mux.HandleFunc("GET /oauth2/sessions/logout/done", h.loggedOut)
	mux.HandleFunc("GET /userinfo", h.userinfo)
	mux.HandleFunc("POST /userinfo", h.userinfo)
}

// MountAdmin registers the admin API.
func (h *Head) MountAdmin(mux *http.ServeMux) {
	onError := h.apiErr.Write
	(&client.Handler{Store: h.clients, Hasher: h.hasher, Keys: h.keys, Rand: h.o.Rand, OnError: onError}).Mount(mux)
	(&jwk.Handler{M: h.keys, OnError: onError}).Mount(mux)
	(&flow.Admin{S: h.flows, Sessions: h, OnError: onError}).Mount(mux)
	rt := httpx.NewRouter(mux, onError)
	rt.Handle("POST /admin/oauth2/introspect", h.introspect)
	rt.Handle("DELETE /admin/oauth2/tokens", h.deleteClientTokens)
}

// deleteClientTokens serves DELETE /admin/oauth2/tokens?client_id=: every
// access token of the client stops working.
func (h *Head) deleteClientTokens(w http.ResponseWriter, r *http.Request) error {
	id := r.URL.Query().Get("client_id")
	if id == "" {
		return httpx.ErrBadRequest.WithReason("The client_id query parameter is required.")
	}
	if err := h.store.DeleteClientAccessTokens(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
