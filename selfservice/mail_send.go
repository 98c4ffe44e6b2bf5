package selfservice

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"time"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// validEmail accepts a bare address (no display name).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// sendMail sends flow f's code or link to address and moves the flow to
// sent_email. known is the identity when the caller already has it (after
// registration); otherwise the address is looked up. An address no
// account has gets the same answer (no account enumeration) and, with
// notify_unknown_recipients, a mail saying no account uses it. tp is the
// submission's transient_payload, which templates see.
func (h *Handler) sendMail(r *http.Request, f *flow.Flow, method, address string, known *identity.Identity, tp map[string]any) error {
	ctx := r.Context()
	started := time.Now()
	mk := h.mailKind(f.Kind)
	i := known
	if i == nil {
		var err error
		if f.Kind == flow.Recovery {
			i, err = h.o.Identities.FindByRecoveryAddress(ctx, "email", address)
		} else {
			i, err = h.o.Identities.FindByVerifiableAddress(ctx, "email", address)
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if i != nil && f.Kind == flow.Recovery && !i.IsActive() {
			// An inactive account cannot sign in after recovery either:
			// treat it as unknown rather than tell it apart.
			i = nil
		}
	}
	now := h.timestamp()
	// A new code replaces the flow's earlier ones.
	if err := h.o.Codes.Revoke(ctx, f.ID, now); err != nil {
		return err
	}
	data := &courier.TemplateData{RequestURL: f.RequestURL, TransientPayload: tp}
	tt := mk.codeInvalid
	if method == methodLink {
		tt = mk.linkInvalid
	}
	send := i != nil || mk.cfg.NotifyUnknownRecipients
	if i != nil {
		life := h.secretLifespan(method).D()
		secret, err := h.o.Codes.Issue(ctx, &code.Code{FlowID: f.ID, Purpose: mk.purpose, Method: code.Method(method),
			IdentityID: i.ID, Address: address, ExpiresAt: now.Add(life), CreatedAt: now})
		if err != nil {
			return err
		}
		data.ExpiresInMinutes = int(life.Minutes())
		data.Identity = identityData(i, h.o.Identities.SchemaURL(i.SchemaID))
		tt = mk.codeValid
		if method == methodLink {
			tt = mk.linkValid
			data.RecoveryURL = h.redeemURL(f, "token", secret)
		} else {
			data.RecoveryCode = secret
			data.RecoveryURL = h.redeemURL(f, "code", secret)
		}
		if f.Kind == flow.Verification {
			data.VerificationURL, data.VerificationCode = data.RecoveryURL, data.RecoveryCode
			data.RecoveryURL, data.RecoveryCode = "", ""
		}
	}
	if send {
		_, err := h.o.Courier.Send(ctx, address, tt, data)
		if errors.Is(err, courier.ErrRecipientLimit) {
			// The same answer as ever: telling would say the address gets
			// mail, that is, has an account.
			slog.WarnContext(ctx, "recovery/verification mail not sent: too many recently to this address", "flow_id", f.ID)
		} else if err != nil {
			return err
		}
	}
	if i != nil && f.Kind == flow.Verification {
		if _, err := h.o.Identities.SetAddressStatus(ctx, i.ID, "email", address, identity.AddressSent); err != nil &&
			!errors.Is(err, identity.ErrAddressGone) {
			return err
		}
	}
	if known == nil {
		if i != nil {
			h.sendTimes.observe(time.Since(started))
		} else {
			h.sendTimes.pad(ctx, started)
		}
	}
	f.State = flow.StateSentEmail
	h.sentForm(f, method, address)
	f.UI.ResetMessages()
	if method == methodLink {
		f.UI.AddMessage(mk.sentLink())
	} else {
		f.UI.AddMessage(mk.sentCode())
	}
	return nil
}

// redeemURL is the link a mail carries: GET /self-service/<kind>?flow=
// with the link token or the code, under methods.link.config.base_url
// when set.
func (h *Handler) redeemURL(f *flow.Flow, param, secret string) string {
	q := url.Values{"flow": {f.ID.String()}, param: {secret}}
	if base := h.cfg.Methods.Link.Config.BaseURL; base != "" {
		u, err := url.Parse(base)
		if err == nil {
			u = u.JoinPath("self-service", string(f.Kind))
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return h.publicURL("self-service/"+string(f.Kind), q)
}

// identityData is the identity as templates see it: its public JSON.
func identityData(i *identity.Identity, schemaURL string) map[string]any {
	b, err := i.PublicJSON(schemaURL)
	if err != nil {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}
