package selfservice

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
)

// flowParams are what a new flow starts from: the request's query, or the
// expired flow it replaces.
type flowParams struct {
	returnTo  string
	refresh   bool
	challenge string
	// identityID and sessionID: the person a settings flow (or a refresh
	// login) belongs to.
	identityID *uuid.UUID
	sessionID  *uuid.UUID
	// replacing: the flow replaces an expired one; before hooks ran when
	// the person first started.
	replacing bool
}

// lifespan is flows.<kind>.lifespan.
func (h *Handler) lifespan(k flow.Kind) time.Duration { return h.flowKeys(k).lifespan.D() }

// newFlow creates and stores a flow of kind and type with its form.
func (h *Handler) newFlow(w http.ResponseWriter, r *http.Request, k flow.Kind, t flow.Type, p flowParams) (*flow.Flow, error) {
	now := h.timestamp()
	f := &flow.Flow{
		ID: h.newID(), Kind: k, Type: t, State: flow.StateChooseMethod,
		RequestURL: h.publicURL(strings.TrimPrefix(r.URL.Path, "/"), r.URL.Query()),
		ReturnTo:   p.returnTo, Refresh: p.refresh, RequestedAAL: "aal1", OAuth2LoginChallenge: p.challenge,
		IdentityID: p.identityID, SessionID: p.sessionID,
		IssuedAt: now, ExpiresAt: now.Add(h.lifespan(k)), CreatedAt: now, UpdatedAt: now,
	}
	if k == flow.Settings {
		f.State = flow.StateShowForm
	}
	f.UI = node.NewContainer(h.actionURL(f))
	if t == flow.Browser {
		tok, err := h.o.CSRF.Token(w, r)
		if err != nil {
			return nil, err
		}
		f.CSRFToken = tok
		// The token's value is filled in when the flow is rendered, so
		// the stored form never holds it.
		f.UI.Upsert(node.NewCSRF(""))
	}
	var err error
	switch k {
	case flow.Login:
		err = h.loginForm(r, f)
	case flow.Registration:
		err = h.registrationForm(f, nil)
	case flow.Settings:
		err = h.settingsForm(r, f)
	case flow.Recovery, flow.Verification:
		h.mailForm(f)
	}
	if err != nil {
		return nil, err
	}
	if !p.replacing {
		if err := h.runBeforeHooks(r, f); err != nil {
			return nil, err
		}
	}
	if err := h.o.Flows.CreateFlow(r.Context(), f); err != nil {
		return nil, err
	}
	return f, nil
}

// replaceExpired starts a new flow like old (same type, return_to and
// person) and tells the person why.
func (h *Handler) replaceExpired(w http.ResponseWriter, r *http.Request, old *flow.Flow) (*flow.Flow, error) {
	nf, err := h.newFlow(w, r, old.Kind, old.Type, flowParams{returnTo: old.ReturnTo, refresh: old.Refresh,
		challenge: old.OAuth2LoginChallenge, identityID: old.IdentityID, sessionID: old.SessionID, replacing: true})
	if err != nil {
		return nil, err
	}
	nf.UI.AddMessage(expiredMessage(old, h.now()))
	nf.UpdatedAt = h.timestamp()
	if err := h.o.Flows.UpdateFlow(r.Context(), nf); err != nil {
		return nil, err
	}
	return nf, nil
}
