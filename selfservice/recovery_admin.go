package selfservice

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
)

// MountAdmin registers the admin routes:
//
//	POST /admin/recovery/link   {identity_id, expires_in} → {recovery_link, expires_at}
//	POST /admin/recovery/code   {identity_id, expires_in, flow_type} → 201 {recovery_link, recovery_code, expires_at}
func (h *Handler) MountAdmin(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, httpx.WriteError)
	rt.Handle("POST /admin/recovery/link", h.adminRecovery(methodLink))
	rt.Handle("POST /admin/recovery/code", h.adminRecovery(methodCode))
}

type adminRecoveryBody struct {
	IdentityID uuid.UUID `json:"identity_id"`
	ExpiresIn  string    `json:"expires_in"`
	FlowType   flow.Type `json:"flow_type"`
}

// adminRecovery makes a recovery flow for an identity, bypassing the mail:
// the admin hands the link (or the code and the page to enter it on) to
// the person. The flow belongs to no browser, so whoever opens it may use
// it; the secret is single use and short-lived.
func (h *Handler) adminRecovery(method string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !h.methodEnabled(method) || h.o.Codes == nil {
			return httpx.ErrBadRequest.WithReason("The %s method is not enabled (selfservice.methods.%s.enabled).", method, method)
		}
		var b adminRecoveryBody
		if err := httpx.DecodeJSON(r, &b, true); err != nil {
			return err
		}
		if b.IdentityID == uuid.Nil {
			return httpx.ErrBadRequest.WithReason("identity_id is required.")
		}
		life := h.secretLifespan(method).D()
		if b.ExpiresIn != "" {
			d, err := time.ParseDuration(b.ExpiresIn)
			if err != nil || d <= 0 {
				return httpx.ErrBadRequest.WithReason("expires_in must be a positive duration such as \"1h\" or \"15m\".")
			}
			life = d
		}
		typ := flow.Browser
		if method == methodCode && b.FlowType == flow.API {
			typ = flow.API
		} else if b.FlowType != "" && b.FlowType != flow.Browser && b.FlowType != flow.API {
			return httpx.ErrBadRequest.WithReason("flow_type must be browser or api.")
		}
		returnTo, err := h.returnTo.Check(r.URL.Query().Get("return_to"))
		if err != nil {
			return err
		}
		ctx := r.Context()
		i, err := h.o.Identities.Get(ctx, b.IdentityID)
		if errors.Is(err, storage.ErrNotFound) {
			return httpx.ErrNotFound.WithReason("No identity with this id.")
		}
		if err != nil {
			return err
		}
		if !i.IsActive() {
			return httpx.ErrBadRequest.WithReason("The identity is inactive; it cannot sign in after recovery.")
		}
		now := h.timestamp()
		f := &flow.Flow{ID: h.newID(), Kind: flow.Recovery, Type: typ, State: flow.StateSentEmail, Active: method,
			RequestURL: h.publicURL("self-service/recovery/"+string(typ), nil), ReturnTo: returnTo, RequestedAAL: "aal1",
			IssuedAt: now, ExpiresAt: now.Add(life), CreatedAt: now, UpdatedAt: now}
		f.UI = node.NewContainer(h.actionURL(f))
		if typ == flow.Browser {
			// No browser owns the flow (no CSRF token hash); the field is
			// filled with the opening browser's token when rendered.
			f.UI.Upsert(node.NewCSRF(""))
		}
		if method == methodLink {
			h.mailForm(f)
		} else {
			h.sentForm(f, methodCode, "")
		}
		if err := h.o.Flows.CreateFlow(ctx, f); err != nil {
			return err
		}
		secret, err := h.o.Codes.Issue(ctx, &code.Code{FlowID: f.ID, Purpose: code.Recovery, Method: code.Method(method),
			IdentityID: i.ID, ExpiresAt: f.ExpiresAt, CreatedAt: now})
		if err != nil {
			return err
		}
		if method == methodLink {
			httpx.WriteJSON(w, http.StatusOK, map[string]any{"recovery_link": h.redeemURL(f, "token", secret), "expires_at": f.ExpiresAt})
			return nil
		}
		httpx.WriteJSON(w, http.StatusCreated, map[string]any{"recovery_link": h.flowUIURL(f), "recovery_code": secret,
			"expires_at": f.ExpiresAt})
		return nil
	}
}
