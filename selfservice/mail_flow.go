package selfservice

import (
	"fmt"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// Recovery and verification are one mechanism with two purposes: a person
// names an address, a code or link goes there, and redeeming it proves
// they read it. mailKind holds what differs between the two.
type mailKind struct {
	kind    flow.Kind
	purpose code.Purpose
	cfg     config.MailFlow
	// codeLabel labels the code field.
	codeLabel func() *text.Message
	// sent says a code or link went out (by method).
	sentCode, sentLink func() *text.Message
	// invalid messages (by method), and the Cerberus ids for a dead flow
	// and an address that left the account.
	invalidCode, invalidLink func() *text.Message
	tooMany, gone            text.ID
	retrySuccess             text.ID
	// templates: valid (address known) and invalid, by method.
	codeValid, codeInvalid, linkValid, linkInvalid courier.TemplateType
}

func (h *Handler) mailKind(k flow.Kind) *mailKind {
	if k == flow.Recovery {
		return &mailKind{kind: k, purpose: code.Recovery, cfg: h.cfg.Flows.Recovery,
			codeLabel: text.NewInfoNodeLabelRecoveryCode, sentCode: text.NewRecoveryCodeSent, sentLink: text.NewRecoveryEmailSent,
			invalidCode: text.NewRecoveryCodeInvalid, invalidLink: text.NewRecoveryTokenInvalid,
			tooMany: text.ErrorRecoveryTooManyAttempts, gone: text.ErrorRecoveryAddressGone, retrySuccess: text.ErrorRecoveryRetrySuccess,
			codeValid: courier.RecoveryCodeValid, codeInvalid: courier.RecoveryCodeInvalid,
			linkValid: courier.RecoveryValid, linkInvalid: courier.RecoveryInvalid}
	}
	return &mailKind{kind: k, purpose: code.Verification, cfg: h.cfg.Flows.Verification,
		codeLabel: text.NewInfoNodeLabelVerificationCode, sentCode: text.NewVerificationCodeSent, sentLink: text.NewVerificationEmailSent,
		invalidCode: text.NewVerificationCodeInvalid, invalidLink: text.NewVerificationTokenInvalid,
		tooMany: text.ErrorVerificationTooManyAttempts, gone: text.ErrorVerificationAddressGone, retrySuccess: text.ErrorVerificationRetrySuccess,
		codeValid: courier.VerificationCodeValid, codeInvalid: courier.VerificationCodeInvalid,
		linkValid: courier.VerificationValid, linkInvalid: courier.VerificationInvalid}
}

// The two methods.
const (
	methodCode = "code"
	methodLink = "link"
)

// methodEnabled reports whether selfservice.methods.<m> is on.
func (h *Handler) methodEnabled(m string) bool {
	switch m {
	case methodCode:
		return h.cfg.Methods.Code.IsEnabled()
	case methodLink:
		return h.cfg.Methods.Link.IsEnabled()
	}
	return false
}

// secretLifespan is methods.<m>.config.lifespan.
func (h *Handler) secretLifespan(m string) config.Duration {
	if m == methodLink {
		return h.cfg.Methods.Link.Config.Lifespan
	}
	return h.cfg.Methods.Code.Config.Lifespan
}

// mailForm is the first form of a recovery or verification flow: the
// address and the button of the configured method.
func (h *Handler) mailForm(f *flow.Flow) {
	mk := h.mailKind(f.Kind)
	g := node.Group(mk.cfg.Use)
	f.UI.Upsert(node.NewInput(g, "email", node.InputEmail, text.NewInfoNodeLabelEmail(), node.Required,
		node.WithAutocomplete(node.AutocompleteEmail)))
	f.UI.Upsert(node.NewSubmit(g, mk.cfg.Use, text.NewInfoNodeLabelSubmit()))
}

// sentForm is the form after a message went out: the code field (code
// method) or the address again (link method, to send another), and a
// button to send another code.
func (h *Handler) sentForm(f *flow.Flow, method, address string) {
	mk := h.mailKind(f.Kind)
	h.clearForm(f)
	g := node.Group(method)
	if method == methodLink {
		f.UI.Upsert(node.NewInput(g, "email", node.InputEmail, text.NewInfoNodeLabelEmail(), node.Required,
			node.WithAutocomplete(node.AutocompleteEmail), node.WithValue(address)))
		f.UI.Upsert(node.NewSubmit(g, methodLink, text.NewInfoNodeLabelSubmit()))
		return
	}
	// Not marked required: the resend button posts the same form without
	// a code, and a browser would refuse to send it.
	f.UI.Upsert(node.NewInput(g, "code", node.InputText, mk.codeLabel(),
		node.WithAutocomplete("one-time-code"), func(a *node.InputAttributes) { a.Pattern = "[0-9]{6}"; a.MaxLength = 6 }))
	f.UI.Upsert(node.NewSubmit(g, methodCode, text.NewInfoNodeLabelSubmit()))
	if address != "" {
		// Kratos's resend button: email=<address> posted with method=code
		// and no code sends a new one.
		f.UI.Upsert(node.NewInput(g, "email", node.InputSubmit, text.NewInfoNodeLabelResendCode(), node.WithValue(address)))
	}
}

// clearForm drops every node but the CSRF token.
func (h *Handler) clearForm(f *flow.Flow) {
	keep := f.UI.Nodes.Find(node.GroupDefault, "csrf_token")
	f.UI.Nodes = node.Nodes{}
	if keep != nil {
		f.UI.Upsert(keep)
	}
}

// mailAfterURL is where a browser continues after recovery or
// verification: return_to, else flows.<kind>.after.default_browser_return_url,
// else the default.
func (h *Handler) mailAfterURL(f *flow.Flow) string {
	if f.ReturnTo != "" {
		return f.ReturnTo
	}
	if u := h.mailKind(f.Kind).cfg.After.DefaultBrowserReturnURL; u != "" {
		return u
	}
	return h.defaultReturnURL()
}

// submitMail handles a recovery or verification submission: an address
// to send to, or a code to redeem.
func (h *Handler) submitMail(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	mk := h.mailKind(f.Kind)
	method := b.str("method")
	if method == "" && f.State == flow.StateSentEmail && b.str("email") != "" {
		// The resend button of a form: only the pressed button is posted,
		// not the method=code one beside it.
		method = h.flowMethod(f)
	}
	if method != h.flowMethod(f) || !h.methodEnabled(method) || h.o.Codes == nil {
		f.UI.AddMessage(noStrategy(f.Kind))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	f.Active = method
	if f.State == flow.StatePassed {
		f.UI.AddMessage(text.NewRetrySuccess(mk.retrySuccess))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	if secret := b.str("code"); method == methodCode && secret != "" {
		return h.redeem(w, r, f, method, secret, false)
	}
	email := b.str("email")
	if email == "" {
		field := "email"
		if f.State == flow.StateSentEmail && method == methodCode {
			field = "code"
		}
		f.UI.AddFieldMessage(field, text.NewValidationRequired(field))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	if !validEmail(email) {
		f.UI.SetValue("email", email)
		f.UI.AddFieldMessage("email", text.NewValidationInvalidFormat("email", email))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	tp, _ := b.transientPayload().(map[string]any)
	if err := h.sendMail(r, f, method, identity.NormalizeAddress("email", email), nil, tp); err != nil {
		return err
	}
	return h.respondInvalid(w, r, f, http.StatusOK)
}

// flowMethod is the method a flow takes: the one it was started with (an
// admin may make a code flow while people recover by link), else
// flows.<kind>.use.
func (h *Handler) flowMethod(f *flow.Flow) string {
	if f.Active != "" {
		return f.Active
	}
	return h.mailKind(f.Kind).cfg.Use
}

// validateMail checks at start that an enabled recovery or verification
// flow can work: its method is on and there is a courier.
func (h *Handler) validateMail() error {
	for _, k := range []flow.Kind{flow.Recovery, flow.Verification} {
		mk := h.mailKind(k)
		if !mk.cfg.IsEnabled() {
			continue
		}
		if !h.methodEnabled(mk.cfg.Use) {
			return fmt.Errorf("selfservice.flows.%s.use is %s, but selfservice.methods.%s.enabled is false", k, mk.cfg.Use, mk.cfg.Use)
		}
		if h.o.Courier == nil || h.o.Codes == nil {
			return fmt.Errorf("selfservice.flows.%s is enabled, but no courier is configured", k)
		}
	}
	return nil
}

// mailStartGuard refuses starting a flow whose kind is disabled, and
// recovery for someone already signed in.
func (h *Handler) mailStartGuard(k flow.Kind) error {
	if !h.mailKind(k).cfg.IsEnabled() {
		return httpx.NewError(http.StatusBadRequest, string(k)+" flow disabled").WithID("self_service_flow_disabled").
			WithReason("The %s flow is not enabled (selfservice.flows.%s.enabled).", k, k)
	}
	return nil
}
