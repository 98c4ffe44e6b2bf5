package selfservice

import (
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// redeemGET serves GET /self-service/{recovery,verification}?flow=&token=
// (a link from a mail) or ?flow=&code= (the link in a code mail). The
// secret is the proof, so no CSRF token or flow owner is required: the
// link may be opened in another browser than the one that asked for it.
func (h *Handler) redeemGET(k flow.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		f, err := h.loadFlow(r, k, q.Get("flow"))
		if err != nil {
			return forBrowser(r, err)
		}
		mk := h.mailKind(k)
		method, secret := methodLink, q.Get("token")
		if secret == "" {
			method, secret = methodCode, q.Get("code")
		}
		if secret == "" {
			return forBrowser(r, httpx.ErrBadRequest.WithReason("The link carries neither a token nor a code; open the link from the e-mail as it is."))
		}
		if f.Expired(h.now()) {
			nf, err := h.replaceExpired(w, r, f)
			if err != nil {
				return forBrowser(r, err)
			}
			if wantsJSON(r) {
				return errFlowExpired(f, nf, h.now())
			}
			http.Redirect(w, r, h.flowUIURL(nf), http.StatusSeeOther)
			return nil
		}
		f.UI.ResetMessages()
		if method != h.flowMethod(f) || !h.methodEnabled(method) || h.o.Codes == nil {
			return h.redeemFailed(w, r, f, noStrategy(k), true)
		}
		if f.State == flow.StatePassed {
			return h.redeemFailed(w, r, f, text.NewRetrySuccess(mk.retrySuccess), true)
		}
		f.Active = method
		return forBrowser(r, h.redeem(w, r, f, method, secret, true))
	}
}

// redeem checks a code or link token of f and completes the flow.
// viaGET: it came from a link in a mail, which a browser opens.
func (h *Handler) redeem(w http.ResponseWriter, r *http.Request, f *flow.Flow, method, secret string, viaGET bool) error {
	mk := h.mailKind(f.Kind)
	var (
		c   *code.Code
		err error
	)
	if method == methodLink {
		c, err = h.o.Codes.UseLink(r.Context(), mk.purpose, f.ID, secret, h.timestamp())
	} else {
		c, err = h.o.Codes.UseCode(r.Context(), mk.purpose, f.ID, secret, h.timestamp(), h.cfg.Methods.Code.Config.MaxAttempts)
	}
	switch {
	case errors.Is(err, code.ErrTooManyAttempts):
		return h.redeemFailed(w, r, f, text.NewTooManyCodeAttempts(mk.tooMany), viaGET)
	case errors.Is(err, code.ErrInvalid) && method == methodLink:
		return h.redeemFailed(w, r, f, mk.invalidLink(), viaGET)
	case errors.Is(err, code.ErrInvalid):
		return h.redeemFailed(w, r, f, mk.invalidCode(), viaGET)
	case err != nil:
		return err
	}
	if f.Kind == flow.Recovery {
		return h.recovered(w, r, f, c, method, viaGET)
	}
	return h.verified(w, r, f, c, viaGET)
}

// redeemFailed answers a refused code or link: the flow with the message
// (400) for API and JSON clients and for a form post; a browser that
// followed a link from a mail gets a fresh flow of its own showing the
// message, as the refused flow may belong to another browser.
func (h *Handler) redeemFailed(w http.ResponseWriter, r *http.Request, f *flow.Flow, m *text.Message, viaGET bool) error {
	if viaGET && !wantsJSON(r) && h.mailKind(f.Kind).cfg.IsEnabled() {
		nf, err := h.newFlow(w, r, f.Kind, flow.Browser, flowParams{returnTo: f.ReturnTo})
		if err != nil {
			return err
		}
		nf.UI.AddMessage(m)
		nf.UpdatedAt = h.timestamp()
		if err := h.o.Flows.UpdateFlow(r.Context(), nf); err != nil {
			return err
		}
		http.Redirect(w, r, h.flowUIURL(nf), http.StatusSeeOther)
		return nil
	}
	f.UI.AddMessage(m)
	if viaGET && !wantsJSON(r) {
		// Recovery is off (an admin-made flow): the flow's own page.
		f.UpdatedAt = h.timestamp()
		if err := h.o.Flows.UpdateFlow(r.Context(), f); err != nil {
			return err
		}
		http.Redirect(w, r, h.flowUIURL(f), http.StatusSeeOther)
		return nil
	}
	return h.respondInvalid(w, r, f, http.StatusBadRequest)
}

// passed marks f completed with message m and a link onward.
func (h *Handler) passed(f *flow.Flow, m *text.Message) {
	f.State = flow.StatePassed
	h.clearForm(f)
	f.UI.ResetMessages()
	f.UI.AddMessage(m)
	f.UI.Upsert(&node.Node{Type: node.TypeA, Group: node.GroupDefault, Attributes: &node.AnchorAttributes{
		IDValue: "continue", Href: h.mailAfterURL(f), Title: text.NewInfoNodeLabelContinue()}})
	f.UpdatedAt = h.timestamp()
}
