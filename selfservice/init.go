package selfservice

import (
	"context"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// initBrowser serves GET /self-service/{kind}/browser: it sets the CSRF
// cookie, creates the flow and sends the browser to the flow's UI (or
// answers with the flow when JSON is asked for).
func (h *Handler) initBrowser(k flow.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return forBrowser(r, h.startBrowser(w, r, k))
	}
}

func (h *Handler) startBrowser(w http.ResponseWriter, r *http.Request, k flow.Kind) error {
	q := r.URL.Query()
	returnTo, err := h.returnTo.Check(q.Get("return_to"))
	if err != nil {
		return err
	}
	p := flowParams{returnTo: returnTo}
	sess := h.currentSession(r.Context(), r)
	switch k {
	case flow.Recovery, flow.Verification:
		if err := h.mailStartGuard(k); err != nil {
			return err
		}
		if k == flow.Recovery && sess != nil {
			return h.alreadySignedIn(w, r, returnTo)
		}
	case flow.Registration:
		if !h.cfg.Flows.Registration.IsEnabled() {
			return errRegistrationDisabled
		}
		p.challenge = q.Get("login_challenge")
		if p.challenge != "" {
			// Signed in already: the login flow accepts the challenge.
			done, err := h.loginChallengeWithSession(w, r, p.challenge, sess, false)
			if done || err != nil {
				return err
			}
		}
		if sess != nil {
			return h.alreadySignedIn(w, r, returnTo)
		}
	case flow.Login:
		if err := checkAAL(q.Get("aal")); err != nil {
			return err
		}
		p.refresh = q.Get("refresh") == "true"
		p.challenge = q.Get("login_challenge")
		if p.challenge != "" {
			done, err := h.loginChallengeWithSession(w, r, p.challenge, sess, p.refresh)
			if done || err != nil {
				return err
			}
		}
		if sess != nil && !p.refresh {
			return h.alreadySignedIn(w, r, returnTo)
		}
		if sess != nil {
			p.identityID, p.sessionID = &sess.IdentityID, &sess.ID
		}
	case flow.Settings:
		if sess == nil {
			if wantsJSON(r) {
				return errNoSession
			}
			// Sign in first, then come back here.
			back := h.browserStartURL(flow.Settings, q)
			http.Redirect(w, r, withQuery(h.browserStartURL(flow.Login, nil), "return_to", back), http.StatusSeeOther)
			return nil
		}
		p.identityID, p.sessionID = &sess.IdentityID, &sess.ID
	}
	f, err := h.newFlow(w, r, k, flow.Browser, p)
	if err != nil {
		return err
	}
	if wantsJSON(r) {
		return h.writeFlow(w, r, f, http.StatusOK)
	}
	http.Redirect(w, r, h.flowUIURL(f), http.StatusSeeOther)
	return nil
}

// alreadySignedIn answers a login or registration started with a valid
// session: JSON clients get session_already_available, browsers go where
// they were headed.
func (h *Handler) alreadySignedIn(w http.ResponseWriter, r *http.Request, returnTo string) error {
	if wantsJSON(r) {
		return errSessionAlreadyAvailable
	}
	if returnTo == "" {
		returnTo = h.defaultReturnURL()
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
	return nil
}

// initAPI serves GET /self-service/{kind}/api.
func (h *Handler) initAPI(k flow.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		returnTo, err := h.returnTo.Check(q.Get("return_to"))
		if err != nil {
			return err
		}
		p := flowParams{returnTo: returnTo}
		sess := h.tokenSession(r.Context(), r)
		switch k {
		case flow.Recovery, flow.Verification:
			if err := h.mailStartGuard(k); err != nil {
				return err
			}
			if k == flow.Recovery && sess != nil {
				return errSessionAlreadyAvailable
			}
		case flow.Registration:
			if !h.cfg.Flows.Registration.IsEnabled() {
				return errRegistrationDisabled
			}
			if sess != nil {
				return errSessionAlreadyAvailable
			}
		case flow.Login:
			if err := checkAAL(q.Get("aal")); err != nil {
				return err
			}
			p.refresh = q.Get("refresh") == "true"
			if sess != nil && !p.refresh {
				return errSessionAlreadyAvailable
			}
			if sess != nil {
				p.identityID, p.sessionID = &sess.IdentityID, &sess.ID
			}
		case flow.Settings:
			if sess == nil {
				return errNoSession
			}
			p.identityID, p.sessionID = &sess.IdentityID, &sess.ID
		}
		f, err := h.newFlow(w, r, k, flow.API, p)
		if err != nil {
			return err
		}
		return h.writeFlow(w, r, f, http.StatusOK)
	}
}

// currentSession is the request's valid session (cookie or token), or nil.
func (h *Handler) currentSession(ctx context.Context, r *http.Request) *session.Session {
	s, err := h.o.Sessions.FromRequest(ctx, r)
	if err != nil || !s.IsActive(h.now()) {
		return nil
	}
	return s
}

// tokenSession is the session of an X-Session-Token or bearer token (API
// clients carry no cookies), or nil.
func (h *Handler) tokenSession(ctx context.Context, r *http.Request) *session.Session {
	tok, src := h.o.Sessions.TokenFromRequest(r)
	if tok == "" || src == session.SourceCookie {
		return nil
	}
	s, err := h.o.Sessions.ByToken(ctx, tok)
	if err != nil || !s.IsActive(h.now()) {
		return nil
	}
	return s
}

// checkAAL refuses a request for a second factor: this version has none, so
// aal2 can never be reached and pretending otherwise would loop.
func checkAAL(aal string) error {
	if aal == "" || aal == "aal1" {
		return nil
	}
	return httpx.ErrBadRequest.WithReason("No second-factor method is enabled, so %q cannot be requested.", aal)
}
