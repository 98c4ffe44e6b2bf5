package api

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// getIdentity: GET /admin/identities/{id}?include_credential=…
func (h *Handler) getIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	i, err := h.Identities.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, h.view(i, includeCredentials(r)))
	return nil
}

// deleteIdentity: DELETE /admin/identities/{id} → 204; its sessions end.
func (h *Handler) deleteIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Identities.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteCredential: DELETE /admin/identities/{id}/credentials/{type}?identifier=
func (h *Handler) deleteCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Identities.DeleteCredential(r.Context(), id, identityCredentialType(r.PathValue("type")), r.URL.Query().Get("identifier")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
