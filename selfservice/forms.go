package selfservice

import (
	"encoding/json"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/form"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// schemaFields are the trait fields of a schema (the default one when id
// is empty). Schemas do not change while the process runs, so each is
// parsed once.
func (h *Handler) schemaFields(id string) (string, []form.Field, error) {
	reg := h.o.Identities.Schemas()
	s := reg.Default()
	if id != "" {
		var err error
		if s, err = reg.Get(id); err != nil {
			return "", nil, err
		}
	}
	if v, ok := h.fields.Load(s.ID); ok {
		return s.ID, v.([]form.Field), nil
	}
	fields, err := form.Fields(s.Raw)
	if err != nil {
		return "", nil, err
	}
	h.fields.Store(s.ID, fields)
	return s.ID, fields, nil
}

// identifierLabel labels the login identifier with the schema's title
// when exactly one trait is the password identifier ("E-Mail"), else
// Kratos's generic "ID".
func (h *Handler) identifierLabel() *text.Message {
	_, fields, err := h.schemaFields("")
	if err != nil {
		return text.NewInfoNodeLabelID()
	}
	var titles []string
	for _, f := range fields {
		if f.Identifier {
			titles = append(titles, f.Title)
		}
	}
	if len(titles) == 1 && titles[0] != "" {
		return text.NewInfoNodeLabelGenerated(titles[0])
	}
	return text.NewInfoNodeLabelID()
}

// loginForm adds the password method's nodes. A refresh login fixes the
// identifier to the signed-in person's.
func (h *Handler) loginForm(r *http.Request, f *flow.Flow) error {
	if !h.cfg.Methods.Password.IsEnabled() {
		return nil
	}
	if f.Refresh && f.IdentityID != nil {
		i, err := h.o.Identities.Get(r.Context(), *f.IdentityID)
		if err != nil {
			return err
		}
		id := ""
		if c := i.Credential(identity.CredentialPassword); c != nil && len(c.Identifiers) > 0 {
			id = c.Identifiers[0]
		}
		f.UI.Upsert(node.NewInput(node.GroupDefault, "identifier", node.InputHidden, h.identifierLabel(), node.Required, node.WithValue(id)))
		f.UI.AddMessage(text.NewInfoLoginReAuth())
	} else {
		f.UI.Upsert(node.NewInput(node.GroupDefault, "identifier", node.InputText, h.identifierLabel(), node.Required,
			node.WithAutocomplete(node.AutocompleteUsername)))
	}
	f.UI.Upsert(node.NewInput(node.GroupPassword, "password", node.InputPassword, text.NewInfoNodeLabelPassword(), node.Required,
		node.WithAutocomplete(node.AutocompleteCurrentPassword)))
	f.UI.Upsert(node.NewSubmit(node.GroupPassword, "password", text.NewInfoLoginPassword()))
	return nil
}

// registrationForm adds one node per trait and the password, all in the
// password group (Kratos's one-step registration).
func (h *Handler) registrationForm(f *flow.Flow, traits map[string]any) error {
	if !h.cfg.Methods.Password.IsEnabled() {
		return nil
	}
	_, fields, err := h.schemaFields("")
	if err != nil {
		return err
	}
	for _, n := range form.Nodes(fields, node.GroupPassword, traits) {
		f.UI.Upsert(n)
	}
	f.UI.Upsert(node.NewInput(node.GroupPassword, "password", node.InputPassword, text.NewInfoNodeLabelPassword(), node.Required,
		node.WithAutocomplete(node.AutocompleteNewPassword)))
	f.UI.Upsert(node.NewSubmit(node.GroupPassword, "password", text.NewInfoRegistration()))
	return nil
}

// settingsForm adds the profile form (the identity's traits) and the
// password form.
func (h *Handler) settingsForm(r *http.Request, f *flow.Flow) error {
	i, err := h.o.Identities.Get(r.Context(), *f.IdentityID)
	if err != nil {
		return err
	}
	return h.settingsNodes(f, i, nil)
}

// settingsNodes (re)builds the settings form for identity i; traits, when
// given, are the values just posted (shown back after an error).
func (h *Handler) settingsNodes(f *flow.Flow, i *identity.Identity, traits map[string]any) error {
	keep := f.UI.Nodes.Find(node.GroupDefault, "csrf_token")
	f.UI.Nodes = node.Nodes{}
	if keep != nil {
		f.UI.Upsert(keep)
	}
	if h.cfg.Methods.Profile.IsEnabled() {
		_, fields, err := h.schemaFields(i.SchemaID)
		if err != nil {
			return err
		}
		if traits == nil {
			_ = json.Unmarshal(i.Traits, &traits)
		}
		for _, n := range form.Nodes(fields, node.GroupProfile, traits) {
			f.UI.Upsert(n)
		}
		f.UI.Upsert(node.NewSubmit(node.GroupProfile, "profile", text.NewInfoNodeLabelSave()))
	}
	if h.cfg.Methods.Password.IsEnabled() {
		f.UI.Upsert(node.NewInput(node.GroupPassword, "password", node.InputPassword, text.NewInfoNodeLabelPassword(), node.Required,
			node.WithAutocomplete(node.AutocompleteNewPassword)))
		f.UI.Upsert(node.NewSubmit(node.GroupPassword, "password", text.NewInfoNodeLabelSave()))
	}
	return nil
}

// setTraitValues shows posted traits back in the form's trait inputs.
func setTraitValues(f *flow.Flow, fields []form.Field, traits map[string]any) {
	for _, fd := range fields {
		v, _ := form.Lookup(traits, fd.Path)
		f.UI.SetValue(fd.Name(), v)
	}
}
