package selfservice

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// finishLogin runs after a method proved who the person is: the login
// hooks that may still refuse, then the session, then the rest of the
// hooks, then the answer.
func (h *Handler) finishLogin(w http.ResponseWriter, r *http.Request, f *flow.Flow, i *identity.Identity, identifier, method string) error {
	ctx := r.Context()
	hooks := newAfter(h.cfg.Flows.Login.After).hooks(method)
	for _, hk := range hooks {
		if hk.Hook == hookRequireVerifiedAddress && !hasVerifiedAddress(i, identifier) {
			// Answered like a validation error, as Kratos does: 400 with
			// the flow and 4000010, no session.
			f.UI.AddMessage(text.NewValidationAddressNotVerified())
			return h.respondInvalid(w, r, f, http.StatusBadRequest)
		}
	}
	if ok, err := h.runParsingHooks(r, f, hooks, i, nil); err != nil || !ok {
		if err != nil {
			return err
		}
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	if err := h.claim(r, f); err != nil {
		if errors.Is(err, flow.ErrUsed) {
			f.UI.AddMessage(text.NewRetrySuccess(text.ErrorLoginRetrySuccess))
			return h.respondInvalid(w, r, f, http.StatusBadRequest)
		}
		return err
	}
	s, token, err := h.issueSession(r, i.ID, method)
	if err != nil {
		return err
	}
	if f.Refresh && f.SessionID != nil && *f.SessionID != s.ID {
		// The re-authenticated session replaces the old one.
		_ = h.o.Sessions.Revoke(ctx, *f.SessionID)
	}
	if err := h.runPostHooks(r, f, hooks, i, s); err != nil {
		return err
	}
	return h.respondSignedIn(w, r, f, s, token, method, nil)
}

// claim marks a login or registration flow completed; only one request
// ever succeeds.
func (h *Handler) claim(r *http.Request, f *flow.Flow) error {
	now := h.timestamp()
	if err := h.o.Flows.MarkFlowUsed(r.Context(), f.ID, now); err != nil {
		return err
	}
	f.UsedAt = &now
	return nil
}

// issueSession creates a session for identity after method.
func (h *Handler) issueSession(r *http.Request, identityID [16]byte, method string) (*session.Session, string, error) {
	now := h.timestamp()
	s, token, err := h.o.Sessions.Issue(r.Context(), session.IssueParams{
		IdentityID: identityID, AAL: identity.AAL1, AuthenticatedAt: now,
		Methods: []session.AuthenticationMethod{{Method: method, AAL: identity.AAL1, CompletedAt: now}},
		Device:  session.DeviceFromRequest(r, httpx.ClientIP(r.Context())),
	})
	return s, token, err
}

// respondSignedIn answers a login (or a registration with the session
// hook): the token for API flows, the cookie and a redirect for browsers,
// or an OAuth2 continuation when the flow carries a login challenge.
// extra adds fields (the registration's identity).
func (h *Handler) respondSignedIn(w http.ResponseWriter, r *http.Request, f *flow.Flow, s *session.Session, token, method string, extra map[string]any) error {
	ctx := r.Context()
	full, err := h.o.Sessions.ByToken(ctx, token)
	if err != nil {
		return err
	}
	body := map[string]any{"session": json.RawMessage(h.o.Sessions.JSON(full, true, false))}
	for k, v := range extra {
		body[k] = v
	}
	// continue_with: the session token or OAuth2 redirect first, then what
	// the caller adds (registration's verification flows).
	cw, _ := extra["continue_with"].([]any)
	body["continue_with"] = append([]any{}, cw...)
	if f.Type == flow.API {
		body["session_token"] = token
		body["continue_with"] = append([]any{map[string]any{"action": "set_ory_session_token", "ory_session_token": token}}, cw...)
		httpx.WriteJSON(w, http.StatusOK, body)
		return nil
	}
	h.o.Sessions.SetCookie(w, token, s.ExpiresAt)
	next := h.afterReturnURL(f, method)
	if f.OAuth2LoginChallenge != "" && h.o.OAuth2 != nil {
		to, err := h.o.OAuth2.AcceptLogin(ctx, f.OAuth2LoginChallenge, h.acceptance(s))
		if err != nil {
			return err
		}
		next = to
		body["continue_with"] = append([]any{map[string]any{"action": "redirect_browser_to", "redirect_browser_to": to}}, cw...)
	} else if u := verificationUIURL(cw); u != "" && f.Kind == flow.Registration &&
		hasHook(newAfter(h.cfg.Flows.Registration.After).hooks(method), hookShowVerificationUI) {
		next = u
	}
	if wantsJSON(r) {
		httpx.WriteJSON(w, http.StatusOK, body)
		return nil
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// hasVerifiedAddress is require_verified_address's check: the address the
// person signed in with is verified (or, when they used a username, any
// of their addresses is).
func hasVerifiedAddress(i *identity.Identity, identifier string) bool {
	key := identity.NormalizeIdentifier(identity.CredentialPassword, identifier)
	matched := false
	for _, a := range i.VerifiableAddresses {
		if identity.NormalizeAddress(a.Via, a.Value) == key {
			matched = true
			if a.Verified {
				return true
			}
		}
	}
	if matched {
		return false
	}
	for _, a := range i.VerifiableAddresses {
		if a.Verified {
			return true
		}
	}
	return false
}
