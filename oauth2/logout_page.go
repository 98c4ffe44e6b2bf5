package oauth2

import (
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
)

// LogoutFor is what the built-in logout page shows: who asks to sign the
// person out, and who is signed in.
type LogoutFor struct {
	Challenge string
	// Client is nil when no id_token_hint named one.
	ClientID, ClientName string
	LogoURI, ClientURI   string
	// UserName and UserEmail describe the signed-in end-user, from the
	// identity's claims (empty when unknown).
	UserName, UserEmail string
	// Rejected: the person chose to stay signed in; the page says so.
	Rejected bool
}

var (
	// errLogoutAnswered is a logout request answered already (a reload
	// after signing out, a back button).
	errLogoutAnswered = httpx.ErrGone.WithReason("This sign-out request was already answered.")
	// errNoLogout covers unknown, expired and other browsers' requests
	// alike, so a challenge reveals nothing about whose it is.
	errNoLogout = httpx.ErrNotFound.WithReason("The sign-out request does not exist or has expired.")
)

// LogoutRequestFor returns a logout request for the built-in logout page,
// pending or rejected. Only the browser that started the logout may see or
// answer it: its OAuth2 login session, or its Cerberus session when the
// request has none, must be the one the request would end. A challenge
// that leaked (a log, a shared screen) cannot sign someone else out.
func (h *Head) LogoutRequestFor(r *http.Request, challenge string) (*LogoutFor, error) {
	l, err := h.ownLogout(r, challenge, true)
	if err != nil {
		return nil, err
	}
	out := &LogoutFor{Challenge: challenge, Rejected: l.State == flow.LogoutRejected}
	if c := l.Client; c != nil {
		out.ClientID, out.ClientName, out.LogoURI, out.ClientURI = c.ID, c.Name, c.LogoURI, c.ClientURI
	}
	if h.o.Claims != nil {
		claims, err := h.o.Claims.Claims(r.Context(), l.Subject, []string{"profile", "email"})
		if err != nil {
			return nil, err
		}
		out.UserName, _ = claims["name"].(string)
		if out.UserName == "" {
			out.UserName, _ = claims["preferred_username"].(string)
		}
		out.UserEmail, _ = claims["email"].(string)
	}
	return out, nil
}

// AcceptLogoutFor signs the person out (the built-in page's "Sign out"):
// the browser continues at the logout endpoint with a verifier, which
// ends the sessions, notifies the clients and redirects to the client's
// post_logout_redirect_uri with its state.
func (h *Head) AcceptLogoutFor(r *http.Request, challenge string) (string, error) {
	if _, err := h.ownLogout(r, challenge, false); err != nil {
		return "", err
	}
	to, err := h.flows.AcceptLogout(r.Context(), challenge)
	return to, logoutError(err)
}

// RejectLogoutFor keeps the person signed in ("Stay signed in"). As with
// Hydra's reject, nothing is sent to the client: the relying party is not
// told a logout happened that did not.
func (h *Head) RejectLogoutFor(r *http.Request, challenge string) error {
	if _, err := h.ownLogout(r, challenge, false); err != nil {
		return err
	}
	return logoutError(h.flows.RejectLogout(r.Context(), challenge))
}

// ownLogout loads the logout request with challenge when it belongs to
// this browser and is pending (or, with rejected, was rejected).
func (h *Head) ownLogout(r *http.Request, challenge string, rejected bool) (*flow.Logout, error) {
	if challenge == "" {
		return nil, errNoLogout
	}
	l, err := h.flows.LogoutRequest(r.Context(), challenge)
	if _, handled := flow.Gone(err); handled && l != nil && l.State == flow.LogoutRejected && rejected {
		err = nil
	}
	if err != nil {
		return nil, logoutError(err)
	}
	if !h.startedLogout(r, l) {
		return nil, errNoLogout
	}
	return l, nil
}

// startedLogout reports whether r comes from the browser whose session l
// ends.
func (h *Head) startedLogout(r *http.Request, l *flow.Logout) bool {
	if l.SessionID != "" {
		ls := h.loginSession(r)
		return ls != nil && ls.ID == l.SessionID
	}
	bs := h.browserSession(r)
	return bs != nil && bs.Subject == l.Subject
}

// browserSession returns the Cerberus session of r when logouts are
// Cerberus's own, else nil.
func (h *Head) browserSession(r *http.Request) *BrowserSession {
	if h.o.Sessions == nil || !h.builtinLogout() {
		return nil
	}
	bs, err := h.o.Sessions.BrowserSession(r)
	if err != nil {
		return nil
	}
	return bs
}

// builtinLogout reports whether logouts are confirmed on Cerberus's own
// page (no urls.logout app).
func (h *Head) builtinLogout() bool { return h.s.urls.Logout == "" }

// logoutError words the flow's errors for a person: answered (410) or
// not found (404, whatever the reason).
func logoutError(err error) error {
	if err == nil {
		return nil
	}
	if _, handled := flow.Gone(err); handled {
		return errLogoutAnswered
	}
	var he *httpx.Error
	if errors.As(err, &he) && he.Code == http.StatusNotFound {
		return errNoLogout
	}
	return err
}
