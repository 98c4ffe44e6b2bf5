package selfservice

import (
	"log/slog"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// hookShowVerificationUI sends a browser from registration straight to
// the verification page (Kratos's show_verification_ui hook). API clients
// always get the flows in continue_with.
const hookShowVerificationUI = "show_verification_ui"

// verifyAfterRegistration starts one verification flow per unverified
// e-mail address of a new identity, of the registration's type, and
// sends each its code or link. It returns Kratos's continue_with items
// (show_verification_ui). A failure here is logged, not returned: the
// identity exists, and the person can ask for another mail.
func (h *Handler) verifyAfterRegistration(w http.ResponseWriter, r *http.Request, f *flow.Flow, i *identity.Identity) []any {
	out := []any{}
	v := h.cfg.Flows.Verification
	if !v.IsEnabled() || h.o.Codes == nil || h.o.Courier == nil {
		return out
	}
	for _, a := range i.VerifiableAddresses {
		if a.Via != "email" || a.Verified {
			continue
		}
		vf, err := h.newFlow(w, r, flow.Verification, f.Type, flowParams{returnTo: f.ReturnTo})
		if err == nil {
			err = h.sendMail(r, vf, v.Use, a.Value, i, nil)
		}
		if err == nil {
			vf.UpdatedAt = h.timestamp()
			err = h.o.Flows.UpdateFlow(r.Context(), vf)
		}
		if err != nil {
			slog.ErrorContext(r.Context(), "starting verification after registration failed", "error", err, "identity_id", i.ID)
			continue
		}
		out = append(out, map[string]any{"action": "show_verification_ui",
			"flow": map[string]any{"id": vf.ID, "verifiable_address": a.Value, "url": h.flowUIURL(vf)}})
	}
	return out
}

// verificationUIURL is the page of the first verification flow in
// continue_with, or "".
func verificationUIURL(cw []any) string {
	for _, c := range cw {
		if m, ok := c.(map[string]any); ok && m["action"] == "show_verification_ui" {
			if fl, ok := m["flow"].(map[string]any); ok {
				u, _ := fl["url"].(string)
				return u
			}
		}
	}
	return ""
}
