package api

import (
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// whoami: /sessions/whoami returns the caller's session: 401 without a
// valid one, 403 session_aal2_required when session.whoami.required_aal
// asks for a second factor the session did not use.
func (h *Handler) whoami(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("tokenize_as") {
		return httpx.ErrBadRequest.WithReason("tokenize_as (session.whoami.tokenizer) is not supported by this version.")
	}
	token, _ := h.Sessions.TokenFromRequest(r)
	if token == "" {
		return session.ErrNoSession
	}
	res, err := h.Sessions.Whoami(r.Context(), token)
	if errors.Is(err, session.ErrAAL2Required) {
		return httpx.NewError(http.StatusForbidden, "Session does not fulfill the requested Authenticator Assurance Level").
			WithID("session_aal2_required").
			WithReason("This session has to be upgraded to the identity's second factor (aal2).").
			WithExtra("redirect_browser_to", h.Sessions.AAL2LoginURL()).WithCause(err)
	}
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "private, no-cache, no-store, must-revalidate")
	hd.Set("X-Kratos-Authenticated-Identity-Id", res.Session.IdentityID.String())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.JSON)
	return nil
}
