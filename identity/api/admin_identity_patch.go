package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// patchable is the part of the identity document a JSON Patch may change.
// Addresses are derived from the traits; patching verifiable_addresses can
// only change the verification state of addresses the traits produce.
type patchable struct {
	SchemaID            string                       `json:"schema_id"`
	State               identity.State               `json:"state"`
	Traits              json.RawMessage              `json:"traits"`
	MetadataPublic      json.RawMessage              `json:"metadata_public"`
	MetadataAdmin       json.RawMessage              `json:"metadata_admin"`
	VerifiableAddresses []identity.VerifiableAddress `json:"verifiable_addresses"`
}

// readOnly fields must come out of the patch unchanged.
var readOnly = []string{"id", "schema_url", "state_changed_at", "created_at", "updated_at", "credentials", "recovery_addresses", "organization_id"}

// patchIdentity: PATCH /admin/identities/{id} applies an RFC 6902 JSON
// Patch to the identity's admin document, then validates the result like
// any update. Patches that touch read-only fields are refused whole.
func (h *Handler) patchIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	patch, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		return httpx.ErrBadRequest.WithReason("The body is not a JSON Patch (RFC 6902) array: %v", err)
	}
	if len(patch) == 0 {
		return httpx.ErrBadRequest.WithReason("The JSON Patch is empty.")
	}
	i, err := h.Identities.Update(r.Context(), id, func(i *identity.Identity) error {
		doc, err := json.Marshal(i.AdminView(h.Identities.SchemaURL(i.SchemaID), nil))
		if err != nil {
			return err
		}
		patched, err := patch.ApplyWithOptions(doc, &jsonpatch.ApplyOptions{EnsurePathExistsOnAdd: true})
		if err != nil {
			return httpx.ErrBadRequest.WithReason("The JSON Patch cannot be applied: %v", err)
		}
		var before, after map[string]json.RawMessage
		_ = json.Unmarshal(doc, &before)
		if err := json.Unmarshal(patched, &after); err != nil {
			return httpx.ErrBadRequest.WithReason("The patched identity is not a JSON object.")
		}
		for _, f := range readOnly {
			if !jsonEqual(before[f], after[f]) {
				return httpx.ErrBadRequest.WithReason("%s cannot be changed with a JSON Patch.", f)
			}
		}
		var p patchable
		d := json.NewDecoder(bytes.NewReader(patched))
		if err := d.Decode(&p); err != nil {
			return httpx.JSONDecodeError(err)
		}
		i.SchemaID, i.State, i.Traits = p.SchemaID, p.State, p.Traits
		i.MetadataPublic, i.MetadataAdmin = nullToEmpty(p.MetadataPublic), nullToEmpty(p.MetadataAdmin)
		i.VerifiableAddresses = p.VerifiableAddresses
		return nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, h.view(i, nil))
	return nil
}

func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
