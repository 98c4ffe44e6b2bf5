package selfservice

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// privileged checks that the session signed in recently enough to change
// settings (flows.settings.privileged_session_max_age). Otherwise the
// person signs in again and comes back to this flow.
func (h *Handler) privileged(r *http.Request, f *flow.Flow) (*session.Session, error) {
	s := h.requestSession(r, f)
	if s == nil {
		return nil, errNoSession
	}
	if h.now().Sub(s.AuthenticatedAt) <= h.cfg.Flows.Settings.PrivilegedSessionMaxAge.D() {
		return s, nil
	}
	login := h.browserStartURL(flow.Login, url.Values{"refresh": {"true"}, "return_to": {h.flowUIURL(f)}})
	return nil, errRefreshRequired(login)
}

// privilegedIdentity is the privileged session and its identity.
func (h *Handler) privilegedIdentity(r *http.Request, f *flow.Flow) (*session.Session, *identity.Identity, error) {
	s, err := h.privileged(r, f)
	if err != nil {
		return nil, nil, err
	}
	i, err := h.o.Identities.Get(r.Context(), s.IdentityID)
	return s, i, err
}

// settingsPassword sets a new password.
func (h *Handler) settingsPassword(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	ctx := r.Context()
	s, i, err := h.privilegedIdentity(r, f)
	if err != nil {
		return err
	}
	password := b.str("password")
	if password == "" {
		f.UI.AddFieldMessage("password", text.NewValidationRequired("password"))
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	var ids []string
	if c := i.Credential(identity.CredentialPassword); c != nil {
		ids = c.Identifiers
	}
	m, err := h.o.Passwords.Check(ctx, ids, password)
	if err != nil {
		return err
	}
	if m != nil {
		f.UI.AddFieldMessage("password", m)
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	hooks := newAfter(h.cfg.Flows.Settings.After).hooks("password")
	if ok, err := h.runParsingHooks(r, f, hooks, i, nil); err != nil || !ok {
		if err != nil {
			return err
		}
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	i, err = h.o.Identities.SetPassword(ctx, i.ID, password)
	if err != nil {
		return err
	}
	if err := h.runPostHooks(r, f, hooks, i, s); err != nil {
		return err
	}
	return h.settingsSaved(w, r, f, i, "password")
}

// settingsProfile updates traits.
func (h *Handler) settingsProfile(w http.ResponseWriter, r *http.Request, f *flow.Flow, b *submission) error {
	ctx := r.Context()
	s, i, err := h.privilegedIdentity(r, f)
	if err != nil {
		return err
	}
	_, fields, err := h.schemaFields(i.SchemaID)
	if err != nil {
		return err
	}
	raw, traits := b.rawTraits(fields)
	setTraitValues(f, fields, traits)
	hooks := newAfter(h.cfg.Flows.Settings.After).hooks("profile")
	draft := *i
	draft.Traits = raw
	if ok, err := h.runParsingHooks(r, f, hooks, &draft, nil); err != nil || !ok {
		if err != nil {
			return err
		}
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	}
	updated, err := h.o.Identities.Update(ctx, i.ID, func(x *identity.Identity) error {
		x.Traits = raw
		return nil
	})
	var ve *schema.ValidationError
	switch {
	case errors.As(err, &ve):
		addViolations(f, ve)
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	case errors.Is(err, storage.ErrAlreadyExists):
		f.UI.AddMessage(text.NewValidationDuplicateCredentials())
		return h.respondInvalid(w, r, f, http.StatusBadRequest)
	case err != nil:
		return err
	}
	if err := h.runPostHooks(r, f, hooks, updated, s); err != nil {
		return err
	}
	return h.settingsSaved(w, r, f, updated, "profile")
}

// settingsSaved marks the flow successful, shows the saved values and
// answers: the flow for JSON clients; for browsers the configured after
// URL, else the settings page again with a success message.
func (h *Handler) settingsSaved(w http.ResponseWriter, r *http.Request, f *flow.Flow, i *identity.Identity, method string) error {
	var traits map[string]any
	_ = json.Unmarshal(i.Traits, &traits)
	if err := h.settingsNodes(f, i, traits); err != nil {
		return err
	}
	f.State = flow.StateSuccess
	f.UI.AddMessage(text.NewInfoSettingsSaved())
	f.UpdatedAt = h.timestamp()
	if err := h.o.Flows.UpdateFlow(r.Context(), f); err != nil {
		return err
	}
	if f.Type == flow.API || wantsJSON(r) {
		return h.writeFlow(w, r, f, http.StatusOK)
	}
	next := h.flowUIURL(f)
	if f.ReturnTo != "" {
		next = f.ReturnTo
	} else if u := newAfter(h.cfg.Flows.Settings.After).returnURL(method); u != "" {
		next = u
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
