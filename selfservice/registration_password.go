package selfservice

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/form"
	"github.com/cerberus-iam/cerberus/selfservice/hook"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// registerPassword creates an identity from the posted traits and
// password. Validation, the password policy and the parsing web hooks all
// run before anything is written; a refusal leaves no identity behind.
func (h *Handler) registerPassword(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	ctx := r.Context()
	schemaID, fields, err := h.schemaFields("")
	if err != nil {
		return err
	}
	raw, traits := b.rawTraits(fields)
	setTraitValues(f, fields, traits)
	password := b.str("password")

	s, err := h.o.Identities.Schemas().Get(schemaID)
	if err != nil {
		return err
	}
	ext, err := s.Validate(raw)
	var ve *schema.ValidationError
	switch {
	case errors.As(err, &ve):
		addViolations(f, ve)
	case err != nil:
		return err
	}
	if password == "" {
		f.UI.AddFieldMessage("password", text.NewValidationRequired("password"))
	} else {
		var ids []string
		if ext != nil {
			ids = ext.PasswordIdentifiers
		}
		m, err := h.o.Passwords.Check(ctx, ids, password)
		if err != nil {
			return err
		}
		if m != nil {
			f.UI.AddFieldMessage("password", m)
		}
	}
	if ext != nil && len(ext.PasswordIdentifiers) == 0 && !f.UI.HasErrors() {
		f.UI.AddMessage(text.NewValidationGeneric("No login identifiers found: the identity schema marks no trait as a password identifier."))
	}
	if f.UI.HasErrors() {
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}

	params := identity.CreateParams{SchemaID: schemaID, Traits: raw, Password: &identity.PasswordInput{Password: password}}
	hooks := newAfter(h.cfg.Flows.Registration.After).hooks("password")
	draft := &identity.Identity{SchemaID: schemaID, State: identity.StateActive, Traits: raw}
	ok, err := h.runParsingHooks(r, f, hooks, draft, func(p *hook.IdentityPatch) {
		if len(p.Traits) > 0 {
			params.Traits = p.Traits
		}
		if len(p.MetadataPublic) > 0 {
			params.MetadataPublic = p.MetadataPublic
		}
		if len(p.MetadataAdmin) > 0 {
			params.MetadataAdmin = p.MetadataAdmin
		}
	})
	if err != nil {
		return err
	}
	if !ok {
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}

	i, err := h.o.Identities.Create(ctx, params)
	var ie *identity.InputError
	switch {
	case errors.Is(err, storage.ErrAlreadyExists):
		f.UI.AddMessage(text.NewValidationDuplicateCredentials())
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	case errors.As(err, &ve):
		addViolations(f, ve)
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	case errors.As(err, &ie):
		f.UI.AddMessage(text.NewValidationGeneric(ie.Error()))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	case err != nil:
		return err
	}
	if err := h.claim(r, f); err != nil && !errors.Is(err, flow.ErrUsed) {
		return err
	}
	return h.finishRegistration(w, r, f, i, hooks)
}

// finishRegistration runs the hooks after the identity exists and answers.
func (h *Handler) finishRegistration(w http.ResponseWriter, r *http.Request, f *flow.Flow, i *identity.Identity, hooks []config.Hook) error {
	ctx := r.Context()
	idDoc, err := i.PublicJSON(h.o.Identities.SchemaURL(i.SchemaID))
	if err != nil {
		return err
	}
	cw := h.verifyAfterRegistration(w, r, f, i)
	extra := map[string]any{"identity": json.RawMessage(idDoc), "continue_with": cw}
	if hasHook(hooks, hookSession) {
		s, token, err := h.issueSession(r, i.ID, "password")
		if err != nil {
			return err
		}
		logHookError(ctx, h.runPostHooks(r, f, hooks, i, s))
		return h.respondSignedIn(w, r, f, s, token, "password", extra)
	}
	logHookError(ctx, h.runPostHooks(r, f, hooks, i, nil))
	if f.Type == flow.API || wantsJSON(r) {
		httpx.WriteJSON(w, http.StatusOK, extra)
		return nil
	}
	next := h.afterReturnURL(f, "password")
	if f.OAuth2LoginChallenge != "" {
		// Without the session hook the person signs in next, and that
		// login completes the OAuth2 request.
		next = h.browserStartURL(flow.Login, url.Values{"login_challenge": {f.OAuth2LoginChallenge}})
	} else if u := verificationUIURL(cw); u != "" && hasHook(hooks, hookShowVerificationUI) {
		next = u
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// addViolations puts schema violations on their fields.
func addViolations(f *flow.Flow, ve *schema.ValidationError) {
	for _, fm := range form.Violations(ve) {
		if fm.Name == "" {
			f.UI.AddMessage(fm.Message)
			continue
		}
		f.UI.AddFieldMessage(fm.Name, fm.Message)
	}
}
