package api

import (
	"encoding/json"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// updateBody is Kratos's updateIdentityBody.
type updateBody struct {
	SchemaID       string           `json:"schema_id"`
	Traits         json.RawMessage  `json:"traits"`
	State          identity.State   `json:"state"`
	MetadataPublic json.RawMessage  `json:"metadata_public"`
	MetadataAdmin  json.RawMessage  `json:"metadata_admin"`
	Credentials    *credentialsBody `json:"credentials"`
}

// updateIdentity: PUT /admin/identities/{id} replaces traits, state,
// schema and metadata (omitted metadata becomes null), and imports
// credentials when given.
func (h *Handler) updateIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var b updateBody
	if err := decodeStrict(raw, &b); err != nil {
		return err
	}
	if len(b.Traits) == 0 {
		return httpx.ErrBadRequest.WithReason("traits is required.")
	}
	pw, oidc, err := b.Credentials.inputs()
	if err != nil {
		return err
	}
	i, err := h.Identities.SetCredentials(r.Context(), id, pw, oidc, func(i *identity.Identity) error {
		if b.SchemaID != "" {
			i.SchemaID = b.SchemaID
		}
		if b.State != "" {
			i.State = b.State
		}
		i.Traits = b.Traits
		i.MetadataPublic, i.MetadataAdmin = nullToEmpty(b.MetadataPublic), nullToEmpty(b.MetadataAdmin)
		return nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, h.view(i, nil))
	return nil
}

func identityCredentialType(s string) identity.CredentialType { return identity.CredentialType(s) }
