package selfservice

import (
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// verified completes a verification flow whose code or link c was
// redeemed: the address is marked verified, unless it left the account
// since the code was sent.
func (h *Handler) verified(w http.ResponseWriter, r *http.Request, f *flow.Flow, c *code.Code, viaGET bool) error {
	mk := h.mailKind(f.Kind)
	i, err := h.o.Identities.SetAddressStatus(r.Context(), c.IdentityID, "email", c.Address, identity.AddressCompleted)
	switch {
	case errors.Is(err, identity.ErrAddressGone):
		return h.redeemFailed(w, r, f, text.NewAddressGone(mk.gone, c.Address), viaGET)
	case errors.Is(err, storage.ErrNotFound):
		return h.redeemFailed(w, r, f, mk.invalidCode(), viaGET)
	case err != nil:
		return err
	}
	h.passed(f, text.NewVerificationSuccess())
	if err := h.o.Flows.UpdateFlow(r.Context(), f); err != nil {
		return err
	}
	logHookError(r.Context(), h.runPostHooks(r, f, mk.cfg.After.Hooks, i, nil))
	if wantsJSON(r) || f.Type == flow.API && !viaGET {
		return h.writeFlow(w, r, f, http.StatusOK)
	}
	http.Redirect(w, r, h.flowUIURL(f), http.StatusSeeOther)
	return nil
}
