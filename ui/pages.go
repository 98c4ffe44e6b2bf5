package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/a-h/templ"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// flowPage fetches the flow named by ?flow=, or starts one when there is
// none.
func (h *Handler) flowPage(w http.ResponseWriter, r *http.Request, kind flow.Kind) (*flow.Flow, bool, error) {
	id := r.URL.Query().Get("flow")
	if id == "" {
		http.Redirect(w, r, h.backend.StartURL(kind, r.URL.Query()), http.StatusSeeOther)
		return nil, false, nil
	}
	f, err := h.backend.Flow(w, r, kind, id)
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.flowPage(w, r, flow.Login)
	if !ok {
		return err
	}
	recovery := ""
	if h.backend.Enabled(flow.Recovery) {
		recovery = h.backend.StartURL(flow.Recovery, returnQuery(f))
	}
	return render(w, r, LoginPage(h.brand, f, h.backend.StartURL(flow.Registration, returnQuery(f)), recovery))
}

func (h *Handler) registration(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.flowPage(w, r, flow.Registration)
	if !ok {
		return err
	}
	return render(w, r, RegistrationPage(h.brand, f, h.backend.StartURL(flow.Login, returnQuery(f))))
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.flowPage(w, r, flow.Settings)
	if !ok {
		return err
	}
	return render(w, r, SettingsPage(h.brand, f))
}

func (h *Handler) recovery(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.flowPage(w, r, flow.Recovery)
	if !ok {
		return err
	}
	return render(w, r, RecoveryPage(h.brand, f, h.backend.StartURL(flow.Login, returnQuery(f))))
}

func (h *Handler) verification(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.flowPage(w, r, flow.Verification)
	if !ok {
		return err
	}
	return render(w, r, VerificationPage(h.brand, f))
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request) error {
	var view errorView
	if id := r.URL.Query().Get("id"); id != "" {
		e, err := h.backend.Error(r.Context(), id)
		if err == nil {
			_ = json.Unmarshal(e.Error, &view)
		}
	}
	if view.Msg == "" {
		view = errorView{Code: http.StatusNotFound, Status: "Not Found",
			Msg: "this error is no longer available", Reason: "Errors are kept for a day. Please start again."}
	}
	w.WriteHeader(http.StatusOK)
	return render(w, r, ErrorPage(h.brand, view, h.backend.StartURL(flow.Login, nil)))
}

func (h *Handler) welcome(w http.ResponseWriter, r *http.Request) error {
	o, err := h.backend.Overview(w, r)
	if err != nil {
		return err
	}
	if o == nil {
		q := url.Values{}
		http.Redirect(w, r, h.backend.StartURL(flow.Login, q), http.StatusSeeOther)
		return nil
	}
	tok, err := h.csrf.Token(w, r)
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("revoked") == "1" {
		notice = "The session was revoked."
	}
	return render(w, r, WelcomePage(h.brand, o, tok, notice))
}

// revoke ends one of the person's other sessions: a plain form post, so it
// works without JavaScript, protected by the shared CSRF token.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) error {
	if err := h.checkedForm(r); err != nil {
		return err
	}
	if err := h.backend.RevokeSession(r, r.PostForm.Get("session_id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/welcome?revoked=1", http.StatusSeeOther)
	return nil
}

var errBadForm = errors.New("ui: the form could not be read")

// returnQuery carries a flow's return_to and OAuth2 login challenge over
// to the sibling flow (sign up from the login page and back).
func returnQuery(f *flow.Flow) url.Values {
	q := url.Values{}
	if f.ReturnTo != "" {
		q.Set("return_to", f.ReturnTo)
	}
	if f.OAuth2LoginChallenge != "" {
		q.Set("login_challenge", f.OAuth2LoginChallenge)
	}
	return q
}

func render(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return c.Render(r.Context(), w)
}

// checkedForm parses a POSTed form of the built-in pages and verifies its
// CSRF token; nothing may act on the form before this succeeds.
func (h *Handler) checkedForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	return h.csrf.Verify(r, r.PostForm.Get("csrf_token"))
}
