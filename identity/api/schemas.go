package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

type schemaEntry struct {
	ID     string          `json:"id"`
	Schema json.RawMessage `json:"schema"`
}

// listSchemas: GET /schemas → [{id, schema}] in configuration order.
func (h *Handler) listSchemas(w http.ResponseWriter, r *http.Request) error {
	all := h.Identities.Schemas().All()
	out := make([]schemaEntry, len(all))
	for k, s := range all {
		out[k] = schemaEntry{ID: s.ID, Schema: s.Raw}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// getSchema: GET /schemas/{id}, by id or by the base64url form schema_url uses.
func (h *Handler) getSchema(w http.ResponseWriter, r *http.Request) error {
	s, err := h.Identities.Schemas().GetByPathID(r.PathValue("id"))
	if errors.Is(err, schema.ErrUnknown) {
		return httpx.ErrNotFound.WithReason("No identity schema with that id exists.")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpx.WriteJSON(w, http.StatusOK, s.Raw)
	return nil
}
