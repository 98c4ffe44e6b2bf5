package selfservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/form"
)

// The methods below serve the built-in UI (package ui) in process: the
// same checks and data the public API gives a custom UI.

// restart sends a browser to a fresh flow instead of an error page.
type restart struct{ to string }

func (r *restart) Error() string { return "restart the flow at " + r.to }

// Flow returns a flow for the UI to render, with the checks of
// GET /self-service/{kind}/flows.
func (h *Handler) Flow(w http.ResponseWriter, r *http.Request, k flow.Kind, id string) (*flow.Flow, error) {
	f, err := h.loadFlow(r, k, id)
	if err != nil {
		return nil, &restart{to: h.browserStartURL(k, carryQuery(r.URL.Query()))}
	}
	if err := h.checkOwner(r, f); err != nil {
		var he *httpx.Error
		if errors.As(err, &he) && he.ID == "security_csrf_violation" {
			// Someone else's flow (a shared link): start one of our own.
			return nil, &restart{to: h.browserStartURL(k, nil)}
		}
		return nil, err
	}
	if f.Expired(h.now()) {
		nf, err := h.replaceExpired(w, r, f)
		if err != nil {
			return nil, err
		}
		return nil, &restart{to: h.flowUIURL(nf)}
	}
	if err := h.fillCSRF(w, r, f); err != nil {
		return nil, err
	}
	return f, nil
}

// carryQuery keeps the parameters a flow starts from.
func carryQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"return_to", "refresh", "login_challenge", "aal"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// StartURL is the URL that starts a browser flow of kind.
func (h *Handler) StartURL(k flow.Kind, q url.Values) string {
	return h.browserStartURL(k, carryQuery(q))
}

// Fail sends a browser onward after a UI error.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, err error) {
	var rs *restart
	if errors.As(err, &rs) {
		http.Redirect(w, r, rs.to, http.StatusSeeOther)
		return
	}
	var he *httpx.Error
	if errors.As(err, &he) && he.ID == "session_inactive" {
		http.Redirect(w, r, h.browserStartURL(flow.Login, nil), http.StatusSeeOther)
		return
	}
	h.writeAPIError(w, r, &browserError{err})
}

// Error returns a stored error.
func (h *Handler) Error(ctx context.Context, id string) (*flow.Error, error) {
	eid, err := uuid.Parse(id)
	if err != nil {
		return nil, httpx.ErrNotFound
	}
	return h.o.Errors.GetError(ctx, eid)
}

// Overview describes the signed-in person for the welcome page, or nil.
func (h *Handler) Overview(w http.ResponseWriter, r *http.Request) (*flow.Overview, error) {
	ctx := r.Context()
	s := h.currentSession(ctx, r)
	if s == nil {
		return nil, nil
	}
	i, err := h.o.Identities.Get(ctx, s.IdentityID)
	if err != nil {
		return nil, err
	}
	o := &flow.Overview{IdentityID: i.ID.String(), Current: sessionView(s),
		SettingsURL: h.browserStartURL(flow.Settings, nil)}
	_, fields, err := h.schemaFields(i.SchemaID)
	if err != nil {
		return nil, err
	}
	var traits map[string]any
	_ = json.Unmarshal(i.Traits, &traits)
	for _, f := range fields {
		v, ok := form.Lookup(traits, f.Path)
		if !ok {
			continue
		}
		label := f.Title
		if label == "" {
			label = f.Path
		}
		o.Traits = append(o.Traits, flow.Trait{Name: f.Path, Label: label, Value: fmt.Sprint(v)})
	}
	active := true
	others, _, err := h.o.Sessions.List(ctx, session.ListParams{IdentityID: i.ID, Active: &active, Except: s.ID, Size: 50})
	if err != nil {
		return nil, err
	}
	for _, x := range others {
		if x.IsActive(h.now()) {
			o.Others = append(o.Others, sessionView(x))
		}
	}
	if o.LogoutURL, _, err = h.logoutURL(r, s.ID, ""); err != nil {
		return nil, err
	}
	return o, nil
}

func sessionView(s *session.Session) flow.SessionView {
	v := flow.SessionView{ID: s.ID.String(), AuthenticatedAt: s.AuthenticatedAt, ExpiresAt: s.ExpiresAt, IssuedAt: s.IssuedAt}
	for _, m := range s.Methods {
		v.Methods = append(v.Methods, m.Method)
	}
	if n := len(s.Devices); n > 0 {
		v.IPAddress, v.UserAgent = derefString(s.Devices[n-1].IPAddress), derefString(s.Devices[n-1].UserAgent)
	}
	return v
}

// RevokeSession ends one of the signed-in person's other sessions.
func (h *Handler) RevokeSession(r *http.Request, id string) error {
	s := h.currentSession(r.Context(), r)
	if s == nil {
		return errNoSession
	}
	sid, err := uuid.Parse(id)
	if err != nil {
		return httpx.ErrNotFound.WithReason("No such session.")
	}
	if sid == s.ID {
		return httpx.ErrBadRequest.WithReason("Sign out to end the current session.")
	}
	return h.o.Sessions.RevokeOwned(r.Context(), s.IdentityID, sid)
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Enabled reports whether flows of kind may be started.
func (h *Handler) Enabled(k flow.Kind) bool {
	switch k {
	case flow.Registration:
		return h.cfg.Flows.Registration.IsEnabled()
	case flow.Recovery, flow.Verification:
		return h.mailKind(k).cfg.IsEnabled()
	}
	return true
}
