package selfservice

import (
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// recovered completes a recovery flow whose code or link c was redeemed:
// a fresh (so privileged) session, the recovery after-hooks
// (revoke_active_sessions ends every other session), and a settings flow
// to set a new password in. Browsers get the session cookie and land in
// settings; API clients get the session token and the settings flow in
// continue_with.
func (h *Handler) recovered(w http.ResponseWriter, r *http.Request, f *flow.Flow, c *code.Code, method string, viaGET bool) error {
	ctx := r.Context()
	mk := h.mailKind(f.Kind)
	i, err := h.o.Identities.Get(ctx, c.IdentityID)
	if errors.Is(err, storage.ErrNotFound) {
		return h.redeemFailed(w, r, f, mk.invalidCode(), viaGET)
	}
	if err != nil {
		return err
	}
	// Admin-issued codes name no address; a mailed one must still be the
	// account's.
	if c.Address != "" && !i.HasRecoveryAddress("email", c.Address) {
		return h.redeemFailed(w, r, f, text.NewAddressGone(mk.gone, c.Address), viaGET)
	}
	if !i.IsActive() {
		return h.redeemFailed(w, r, f, mk.invalidCode(), viaGET)
	}
	if err := h.claim(r, f); err != nil {
		if errors.Is(err, flow.ErrUsed) {
			return h.redeemFailed(w, r, f, text.NewRetrySuccess(mk.retrySuccess), viaGET)
		}
		return err
	}
	s, token, err := h.issueSession(r, i.ID, method+"_recovery")
	if err != nil {
		return err
	}
	if err := h.runPostHooks(r, f, mk.cfg.After.Hooks, i, s); err != nil {
		return err
	}
	browser := f.Type == flow.Browser || viaGET
	typ := flow.API
	if browser {
		typ = flow.Browser
	}
	sf, err := h.newFlow(w, r, flow.Settings, typ, flowParams{returnTo: f.ReturnTo, identityID: &i.ID, sessionID: &s.ID})
	if err != nil {
		return err
	}
	sf.UI.AddMessage(text.NewRecoverySuccessful(int(h.cfg.Flows.Settings.PrivilegedSessionMaxAge.D().Minutes())))
	sf.UpdatedAt = h.timestamp()
	if err := h.o.Flows.UpdateFlow(ctx, sf); err != nil {
		return err
	}
	h.passed(f, text.NewRecoverySuccessful(int(h.cfg.Flows.Settings.PrivilegedSessionMaxAge.D().Minutes())))
	if err := h.o.Flows.UpdateFlow(ctx, f); err != nil {
		return err
	}
	settingsURL := h.flowUIURL(sf)
	if !browser {
		f.ContinueWith = []any{
			map[string]any{"action": "set_ory_session_token", "ory_session_token": token},
			map[string]any{"action": "show_settings_ui", "flow": map[string]any{"id": sf.ID, "url": settingsURL}},
		}
		return h.writeFlow(w, r, f, http.StatusOK)
	}
	h.o.Sessions.SetCookie(w, token, s.ExpiresAt)
	if wantsJSON(r) {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error": map[string]any{"id": "browser_location_change_required", "code": http.StatusUnprocessableEntity,
				"status": "Unprocessable Entity", "reason": "Continue in the settings flow to set a new password.",
				"message": "browser location change required"},
			"redirect_browser_to": settingsURL,
		})
		return nil
	}
	http.Redirect(w, r, settingsURL, http.StatusSeeOther)
	return nil
}
