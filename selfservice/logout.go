package selfservice

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// createLogoutURL serves GET /self-service/logout/browser: a logout URL
// carrying a one-time logout token, for the session of this browser.
func (h *Handler) createLogoutURL(w http.ResponseWriter, r *http.Request) error {
	s := h.currentSession(r.Context(), r)
	if s == nil {
		return errNoSession
	}
	returnTo, err := h.returnTo.Check(r.URL.Query().Get("return_to"))
	if err != nil {
		return err
	}
	u, tok, err := h.logoutURL(r, s.ID, returnTo)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"logout_url": u, "logout_token": tok})
	return nil
}

// logoutURL makes a new logout token for session id.
func (h *Handler) logoutURL(r *http.Request, id [16]byte, returnTo string) (string, string, error) {
	tok, err := h.o.Sessions.NewLogoutToken(r.Context(), id)
	if err != nil {
		return "", "", err
	}
	q := url.Values{"token": {tok}}
	if returnTo != "" {
		q.Set("return_to", returnTo)
	}
	return h.publicURL("self-service/logout", q), tok, nil
}

// logoutBrowser serves GET /self-service/logout?token=: it ends the
// browser's session when the token is that session's, clears the cookie
// and sends the browser on. The token makes the link safe against a
// third-party page logging people out.
func (h *Handler) logoutBrowser(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	returnTo, err := h.returnTo.Check(q.Get("return_to"))
	if err != nil {
		return forBrowser(r, err)
	}
	s := h.currentSession(r.Context(), r)
	if s == nil {
		return forBrowser(r, errNoSession)
	}
	if _, err := h.o.Sessions.RevokeByLogoutToken(r.Context(), s.IdentityID, q.Get("token")); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return forBrowser(r, httpx.ErrUnauthorized.WithReason("The logout token is invalid, used, or not this session's.").WithCause(err))
		}
		return forBrowser(r, err)
	}
	h.o.Sessions.ClearCookie(w)
	if wantsJSON(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	next := returnTo
	if next == "" {
		next = h.cfg.Flows.Logout.After.DefaultBrowserReturnURL
	}
	if next == "" {
		next = h.defaultReturnURL()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// logoutAPI serves DELETE /self-service/logout/api with
// {"session_token": "..."}.
func (h *Handler) logoutAPI(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		SessionToken string `json:"session_token"`
	}
	if err := httpx.DecodeJSON(r, &body, false); err != nil {
		return err
	}
	if body.SessionToken == "" {
		return httpx.ErrBadRequest.WithReason("session_token is required.")
	}
	if err := h.o.Sessions.RevokeByToken(r.Context(), body.SessionToken); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return httpx.ErrForbidden.WithReason("The session token is invalid or the session has ended.").WithCause(err)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
