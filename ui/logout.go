package ui

import (
	"net/http"
	"net/url"
)

// LogoutBackend is what the sign-out page needs from the OAuth2 head
// (adapted in cmd/cerberus): read a logout request, sign out or stay. The
// request is only shown to, and answered by, the browser that started it.
type LogoutBackend interface {
	LogoutRequest(r *http.Request, challenge string) (*Logout, error)
	// AcceptLogout returns where the browser continues: the logout
	// endpoint, which ends the sessions and goes back to the application.
	AcceptLogout(r *http.Request, challenge string) (redirectTo string, err error)
	RejectLogout(r *http.Request, challenge string) error
}

// Logout is an OAuth2 logout request (RP-initiated, or without a client)
// as the page shows it.
type Logout struct {
	Challenge string
	// ClientID is empty when the request named no client (no
	// id_token_hint).
	ClientID, ClientName string
	LogoURI, ClientURI   string
	// UserName and UserEmail describe the signed-in person; either may be
	// empty.
	UserName, UserEmail string
	// Rejected: the person chose to stay signed in.
	Rejected bool
}

// logout shows the sign-out question (GET /logout?logout_challenge=), or,
// once the person chose to stay, says they are still signed in.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	l, err := h.logoutBackend.LogoutRequest(r, r.URL.Query().Get("logout_challenge"))
	if err != nil {
		return err
	}
	if l.Rejected {
		return render(w, r, StayedSignedInPage(h.brand, l))
	}
	tok, err := h.csrf.Token(w, r)
	if err != nil {
		return err
	}
	h.allowImage(w, l.LogoURI)
	return render(w, r, LogoutPage(h.brand, l, tok))
}

// answerLogout takes the sign-out form (POST /logout): sign out, or stay
// signed in and see that page. Nothing changes without a valid CSRF token.
func (h *Handler) answerLogout(w http.ResponseWriter, r *http.Request) error {
	if err := h.checkedForm(r); err != nil {
		return err
	}
	challenge := r.PostForm.Get("logout_challenge")
	switch r.PostForm.Get("action") {
	case "signout":
		to, err := h.logoutBackend.AcceptLogout(r, challenge)
		if err != nil {
			return err
		}
		if u, perr := url.Parse(to); perr != nil || !u.IsAbs() {
			return errBadForm
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	case "stay":
		if err := h.logoutBackend.RejectLogout(r, challenge); err != nil {
			return err
		}
		// Post/redirect/get: a reload shows the page, not the form again.
		http.Redirect(w, r, "/logout?"+url.Values{"logout_challenge": {challenge}}.Encode(), http.StatusSeeOther)
	default:
		return errBadForm
	}
	return nil
}

// logoutClient names the application asking, or "" when none did.
func logoutClient(l *Logout) string {
	if l.ClientName != "" {
		return l.ClientName
	}
	return l.ClientID
}
