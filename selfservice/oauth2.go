package selfservice

import (
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// loginChallengeWithSession handles ?login_challenge= when a login flow
// starts. The challenge must be a pending OAuth2 login request. When the
// browser is already signed in (and no refresh is asked for), the request
// is accepted at once and the browser continues the authorization; done
// is true then.
func (h *Handler) loginChallengeWithSession(w http.ResponseWriter, r *http.Request, challenge string, s *session.Session, refresh bool) (done bool, err error) {
	if h.o.OAuth2 == nil {
		return false, errLoginChallengeUnsupported
	}
	req, err := h.o.OAuth2.LoginRequest(r.Context(), challenge)
	if err != nil {
		return false, err
	}
	if s == nil || refresh {
		return false, nil
	}
	if req.Skip && req.Subject != "" && req.Subject != s.IdentityID.String() {
		// The OAuth2 head remembers someone else: sign in again.
		return false, nil
	}
	to, err := h.o.OAuth2.AcceptLogin(r.Context(), challenge, h.acceptance(s))
	if err != nil {
		return false, err
	}
	if wantsJSON(r) {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error": map[string]any{"id": "browser_location_change_required", "code": 422,
				"status": "Unprocessable Entity", "reason": "Continue the OAuth2 authorization in the browser.",
				"message": "browser location change required"},
			"redirect_browser_to": to,
		})
		return true, nil
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return true, nil
}

// acceptance describes a session to the OAuth2 head.
func (h *Handler) acceptance(s *session.Session) OAuth2LoginAcceptance {
	amr := make([]string, 0, len(s.Methods))
	for _, m := range s.Methods {
		switch m.Method {
		case "password":
			amr = append(amr, "pwd")
		default:
			amr = append(amr, m.Method)
		}
	}
	var rememberFor time.Duration
	if !s.ExpiresAt.IsZero() {
		rememberFor = s.ExpiresAt.Sub(h.now())
	}
	return OAuth2LoginAcceptance{Subject: s.IdentityID.String(), SessionID: s.ID.String(),
		AuthenticatedAt: s.AuthenticatedAt, AMR: amr, Remember: true, RememberFor: max(rememberFor, 0)}
}
