package selfservice

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/csrf"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// loadFlow finds flow id of kind k. An unknown or malformed id and a flow
// of another kind are the same 404: a tampered id learns nothing.
func (h *Handler) loadFlow(r *http.Request, k flow.Kind, id string) (*flow.Flow, error) {
	fid, err := uuid.Parse(id)
	if err != nil || id == "" {
		return nil, errFlowNotFound
	}
	f, err := h.o.Flows.GetFlow(r.Context(), fid)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errFlowNotFound
	}
	if err != nil {
		return nil, err
	}
	if f.Kind != k {
		return nil, errFlowNotFound
	}
	return f, nil
}

// checkOwner refuses a browser flow to any browser but the one that
// started it (its CSRF cookie), and a settings flow to anyone but its
// identity.
func (h *Handler) checkOwner(r *http.Request, f *flow.Flow) error {
	if f.Type == flow.Browser && !unowned(f) {
		// A token under any configured secret counts (rotation), compared
		// in its canonical form with the stored hash.
		tok, err := h.browserToken(r)
		if err != nil || !f.OwnedBy(tok) {
			return csrf.ErrViolation.WithDetail("hint", "The flow was started in another browser, or the anti-CSRF cookie was lost.").
				WithDetail("reject_reason", "flow_owner_mismatch")
		}
	}
	if f.Kind == flow.Settings {
		s, err := h.o.Sessions.FromRequest(r.Context(), r)
		if err != nil {
			return errNoSession.WithCause(err)
		}
		if f.IdentityID == nil || s.IdentityID != *f.IdentityID {
			return errIdentityMismatch
		}
	}
	return nil
}

// unowned flows may be used by any browser: recovery flows an admin made
// (no browser started them; the code or link is the proof), and completed
// verification flows, which hold nothing but the success message shown
// to whoever opened the mailed link.
func unowned(f *flow.Flow) bool {
	return f.Kind == flow.Recovery && len(f.CSRFTokenHash) == 0 ||
		f.Kind == flow.Verification && f.State == flow.StatePassed
}

// browserToken is this browser's canonical CSRF token.
func (h *Handler) browserToken(r *http.Request) (string, error) {
	tok, ok := h.o.CSRF.Current(r)
	if !ok {
		return "", errors.New("no anti-CSRF cookie")
	}
	return tok, nil
}

// fetch serves GET /self-service/{kind}/flows?id=.
func (h *Handler) fetch(k flow.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := h.loadFlow(r, k, r.URL.Query().Get("id"))
		if err != nil {
			return err
		}
		if err := h.checkOwner(r, f); err != nil {
			return err
		}
		if f.Expired(h.now()) {
			nf, err := h.replaceExpired(w, r, f)
			if err != nil {
				return err
			}
			return errFlowExpired(f, nf, h.now())
		}
		return h.writeFlow(w, r, f, http.StatusOK)
	}
}

func expiredMessage(f *flow.Flow, now time.Time) *text.Message {
	id := map[flow.Kind]text.ID{flow.Login: text.ErrorLoginFlowExpired, flow.Registration: text.ErrorRegistrationFlowExpired,
		flow.Settings: text.ErrorSettingsFlowExpired, flow.Recovery: text.ErrorRecoveryFlowExpired,
		flow.Verification: text.ErrorVerificationFlowExpired}[f.Kind]
	return text.NewFlowExpired(id, now.Sub(f.ExpiresAt))
}
