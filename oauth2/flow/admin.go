package flow

import (
	"context"
	"net/http"
	"strconv"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// LoginSessionRevoker ends login sessions with front/back-channel logout
// (the head does that part).
type LoginSessionRevoker interface {
	RevokeLoginSessions(ctx context.Context, sid, subject string) error
}

// Admin serves the Hydra-compatible login/consent/logout admin API.
type Admin struct {
	S        *Service
	Sessions LoginSessionRevoker
	OnError  httpx.ErrorWriter
}

// Mount registers the routes on the admin mux.
func (a *Admin) Mount(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, a.OnError)
	rt.Handle("GET /admin/oauth2/auth/requests/login", a.getLogin)
	rt.Handle("PUT /admin/oauth2/auth/requests/login/accept", a.acceptLogin)
	rt.Handle("PUT /admin/oauth2/auth/requests/login/reject", a.rejectLogin)
	rt.Handle("GET /admin/oauth2/auth/requests/consent", a.getConsent)
	rt.Handle("PUT /admin/oauth2/auth/requests/consent/accept", a.acceptConsent)
	rt.Handle("PUT /admin/oauth2/auth/requests/consent/reject", a.rejectConsent)
	rt.Handle("GET /admin/oauth2/auth/requests/logout", a.getLogout)
	rt.Handle("PUT /admin/oauth2/auth/requests/logout/accept", a.acceptLogout)
	rt.Handle("PUT /admin/oauth2/auth/requests/logout/reject", a.rejectLogout)
	rt.Handle("GET /admin/oauth2/auth/sessions/consent", a.listConsent)
	rt.Handle("DELETE /admin/oauth2/auth/sessions/consent", a.revokeConsent)
	rt.Handle("DELETE /admin/oauth2/auth/sessions/login", a.revokeLogin)
}

func challenge(r *http.Request, name string) (string, error) {
	c := r.URL.Query().Get(name)
	if c == "" {
		return "", httpx.ErrBadRequest.WithReason("Query parameter %s is required.", name)
	}
	return c, nil
}

// answer writes v, or Hydra's 410 {redirect_to} for a handled request.
func answer(w http.ResponseWriter, v any, err error) error {
	if to, ok := Gone(err); ok {
		httpx.WriteJSON(w, http.StatusGone, RedirectTo{RedirectTo: to})
		return nil
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *Admin) getLogin(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "login_challenge")
	if err != nil {
		return err
	}
	f, err := a.S.LoginRequest(r.Context(), c)
	if err != nil {
		return answer(w, nil, err)
	}
	return answer(w, LoginRequestOf(f), nil)
}

func (a *Admin) acceptLogin(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "login_challenge")
	if err != nil {
		return err
	}
	var in AcceptLogin
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	to, err := a.S.AcceptLogin(r.Context(), c, in)
	return answer(w, RedirectTo{to}, err)
}

func (a *Admin) rejectLogin(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "login_challenge")
	if err != nil {
		return err
	}
	var in Rejection
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	to, err := a.S.RejectLogin(r.Context(), c, in)
	return answer(w, RedirectTo{to}, err)
}

func (a *Admin) getConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "consent_challenge")
	if err != nil {
		return err
	}
	f, err := a.S.ConsentRequest(r.Context(), c)
	if err != nil {
		return answer(w, nil, err)
	}
	return answer(w, ConsentRequestOf(f), nil)
}

func (a *Admin) acceptConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "consent_challenge")
	if err != nil {
		return err
	}
	var in AcceptConsent
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	to, err := a.S.AcceptConsent(r.Context(), c, in)
	return answer(w, RedirectTo{to}, err)
}

func (a *Admin) rejectConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "consent_challenge")
	if err != nil {
		return err
	}
	var in Rejection
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	to, err := a.S.RejectConsent(r.Context(), c, in)
	return answer(w, RedirectTo{to}, err)
}

func (a *Admin) getLogout(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "logout_challenge")
	if err != nil {
		return err
	}
	l, err := a.S.LogoutRequest(r.Context(), c)
	if err != nil {
		return answer(w, nil, err)
	}
	return answer(w, LogoutRequestOf(l), nil)
}

func (a *Admin) acceptLogout(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "logout_challenge")
	if err != nil {
		return err
	}
	to, err := a.S.AcceptLogout(r.Context(), c)
	return answer(w, RedirectTo{to}, err)
}

func (a *Admin) rejectLogout(w http.ResponseWriter, r *http.Request) error {
	c, err := challenge(r, "logout_challenge")
	if err != nil {
		return err
	}
	if err := a.S.RejectLogout(r.Context(), c); err != nil {
		return answer(w, nil, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Admin) listConsent(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	subject := q.Get("subject")
	if subject == "" {
		return httpx.ErrBadRequest.WithReason("Query parameter subject is required.")
	}
	size, offset := 250, 0
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return httpx.ErrBadRequest.WithReason("page_size must be an integer from 1 to 1000.")
		}
		size = n
	}
	if s := q.Get("page_token"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return httpx.ErrBadRequest.WithReason("page_token is not valid.")
		}
		offset = n
	}
	list, err := a.S.ConsentSessions(r.Context(), subject, q.Get("login_session_id"), size, offset)
	if err != nil {
		return err
	}
	if len(list) == size {
		u := *r.URL
		v := u.Query()
		v.Set("page_token", strconv.Itoa(offset+size))
		u.RawQuery = v.Encode()
		w.Header().Set("Link", "<"+u.Path+"?"+u.RawQuery+`>; rel="next"`)
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (a *Admin) revokeConsent(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	subject, clientID := q.Get("subject"), q.Get("client")
	if subject == "" {
		return httpx.ErrBadRequest.WithReason("Query parameter subject is required.")
	}
	if clientID == "" && q.Get("all") != "true" {
		return httpx.ErrBadRequest.WithReason("Name a client, or set all=true to revoke every consent of the subject.")
	}
	if err := a.S.RevokeConsentSessions(r.Context(), subject, clientID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Admin) revokeLogin(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	sid, subject := q.Get("sid"), q.Get("subject")
	if (sid == "") == (subject == "") {
		return httpx.ErrBadRequest.WithReason("Give exactly one of subject or sid.")
	}
	if err := a.Sessions.RevokeLoginSessions(r.Context(), sid, subject); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
