package selfservice

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// loginPassword checks an identifier and password. Whatever goes wrong
// (unknown identifier, no password set, wrong password, inactive account)
// the person sees the same message after the same hashing work, so
// neither the answer nor its timing tells whether an account exists.
func (h *Handler) loginPassword(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	ctx := r.Context()
	identifier := b.str("identifier")
	if identifier == "" {
		identifier = b.str("password_identifier") // Kratos's older field name
	}
	password := b.str("password")
	if f.UI.Nodes.Find("", "identifier") != nil && f.UI.Nodes.Find("", "identifier").Input().Type != "hidden" {
		f.UI.SetValue("identifier", identifier)
	}
	if identifier == "" {
		f.UI.AddFieldMessage("identifier", text.NewValidationRequired("identifier"))
	}
	if password == "" {
		f.UI.AddFieldMessage("password", text.NewValidationRequired("password"))
	}
	if f.UI.HasErrors() {
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}

	key := identity.NormalizeIdentifier(identity.CredentialPassword, identifier)
	ip := httpx.ClientIP(ctx)
	if h.o.Throttle != nil {
		wait, err := h.o.Throttle.Check(ctx, key, ip)
		if err != nil {
			return err
		}
		if wait > 0 {
			return h.throttled(w, r, f, wait)
		}
	}
	i, err := h.o.Identities.VerifyPassword(ctx, identifier, password)
	if err == nil && f.Refresh && f.IdentityID != nil && i.ID != *f.IdentityID {
		// Re-authentication must prove the same person.
		err = identity.ErrInvalidCredentials
	}
	if err != nil {
		if !errors.Is(err, identity.ErrInvalidCredentials) && !errors.Is(err, identity.ErrInactive) {
			return err
		}
		slog.DebugContext(ctx, "password login refused", "reason", err.Error())
		if h.o.Throttle != nil {
			if terr := h.o.Throttle.Fail(ctx, key, ip); terr != nil {
				slog.WarnContext(ctx, "recording a failed login failed", "error", terr)
			}
		}
		f.UI.AddMessage(text.NewValidationInvalidCredentials())
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	if h.o.Throttle != nil {
		if err := h.o.Throttle.Succeed(ctx, key); err != nil {
			slog.WarnContext(ctx, "clearing the login throttle failed", "error", err)
		}
	}
	return h.finishLogin(w, r, f, i, identifier, "password")
}
