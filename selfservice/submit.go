package selfservice

import (
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// submit serves POST /self-service/{kind}?flow=: it checks the flow (kind,
// owner, CSRF, expiry, not yet completed), then hands the body to the
// method named in it. Every refusal happens before anything is written.
func (h *Handler) submit(k flow.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := h.loadFlow(r, k, r.URL.Query().Get("flow"))
		if err != nil {
			if !wantsJSON(r) && isFormPost(r) {
				// A browser posting to a flow that does not exist (or not
				// any more) starts over rather than seeing a dead end.
				http.Redirect(w, r, h.browserStartURL(k, nil), http.StatusSeeOther)
				return nil
			}
			return err
		}
		if f.Type == flow.Browser {
			return forBrowser(r, h.submitBrowser(w, r, f))
		}
		return h.submitAPI(w, r, f)
	}
}

func isFormPost(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

func (h *Handler) submitBrowser(w http.ResponseWriter, r *http.Request, f *flow.Flow) error {
	b, err := parseSubmission(w, r)
	if err != nil {
		return err
	}
	if err := h.o.CSRF.Verify(r, b.str("csrf_token")); err != nil {
		return err
	}
	if err := h.checkOwner(r, f); err != nil {
		return err
	}
	return h.dispatch(w, r, f, b)
}

func (h *Handler) submitAPI(w http.ResponseWriter, r *http.Request, f *flow.Flow) error {
	// An API flow submitted by a browser would skip CSRF protection: refuse
	// anything that looks like one (Kratos does the same).
	if r.Header.Get("Origin") != "" || h.hasOurCookies(r) {
		return errAPIFlowFromBrowser
	}
	b, err := parseSubmission(w, r)
	if err != nil {
		return err
	}
	if f.Kind == flow.Settings {
		if err := h.checkOwner(r, f); err != nil {
			return err
		}
	}
	return h.dispatch(w, r, f, b)
}

func (h *Handler) hasOurCookies(r *http.Request) bool {
	for _, name := range []string{h.o.Sessions.CookieName(), h.o.CSRF.CookieName()} {
		if _, err := r.Cookie(name); err == nil {
			return true
		}
	}
	return false
}

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	if f.Expired(h.now()) {
		nf, err := h.replaceExpired(w, r, f)
		if err != nil {
			return err
		}
		if f.Type == flow.API || wantsJSON(r) {
			return errFlowExpired(f, nf, h.now())
		}
		http.Redirect(w, r, h.flowUIURL(nf), http.StatusSeeOther)
		return nil
	}
	f.UI.ResetMessages()
	if f.Kind == flow.Recovery || f.Kind == flow.Verification {
		return h.submitMail(w, r, f, b)
	}
	if f.UsedAt != nil {
		// Replaying a completed login or registration changes nothing.
		id := text.ErrorLoginRetrySuccess
		if f.Kind == flow.Registration {
			id = text.ErrorRegistrationRetrySuccess
		}
		f.UI.AddMessage(text.NewRetrySuccess(id))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	method := b.str("method")
	switch {
	case method == "password" && h.cfg.Methods.Password.IsEnabled():
		f.Active = method
		switch f.Kind {
		case flow.Login:
			return h.loginPassword(w, r, f, b)
		case flow.Registration:
			return h.registerPassword(w, r, f, b)
		case flow.Settings:
			return h.settingsPassword(w, r, f, b)
		}
	case method == "profile" && f.Kind == flow.Settings && h.cfg.Methods.Profile.IsEnabled():
		f.Active = method
		return h.settingsProfile(w, r, f, b)
	}
	f.UI.AddMessage(noStrategy(f.Kind))
	return h.respondInvalid(w, r, f, http.StatusBadRequest)
}

func noStrategy(k flow.Kind) *text.Message {
	id := map[flow.Kind]text.ID{flow.Login: 4010002, flow.Registration: 4010003, flow.Settings: 4010004,
		flow.Recovery: text.ErrorRecoveryNoStrategy, flow.Verification: text.ErrorVerificationNoStrategy}[k]
	m := text.NewValidationGeneric("Could not find a strategy to handle this request. Did you fill out the form correctly?")
	m.ID = id
	return m
}

// respondInvalid saves the flow with its messages and answers: the flow
// with status for JSON clients, back to the form for browsers.
func (h *Handler) respondInvalid(w http.ResponseWriter, r *http.Request, f *flow.Flow, status int) error {
	f.UpdatedAt = h.timestamp()
	if err := h.o.Flows.UpdateFlow(r.Context(), f); err != nil {
		return err
	}
	if f.Type == flow.API || wantsJSON(r) {
		return h.writeFlow(w, r, f, status)
	}
	http.Redirect(w, r, h.flowUIURL(f), http.StatusSeeOther)
	return nil
}

// throttled answers a paused sign-in: 429 with Retry-After and the flow.
func (h *Handler) throttled(w http.ResponseWriter, r *http.Request, f *flow.Flow, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	f.UI.AddMessage(text.NewLoginThrottled(wait))
	return h.respondInvalid(w, r, f, http.StatusTooManyRequests)
}

// requestSession is the session a submission runs under: the cookie for
// browser flows, the token for API flows.
func (h *Handler) requestSession(r *http.Request, f *flow.Flow) *session.Session {
	if f.Type == flow.API {
		return h.tokenSession(r.Context(), r)
	}
	return h.currentSession(r.Context(), r)
}
