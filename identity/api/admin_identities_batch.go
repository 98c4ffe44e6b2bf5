package api

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// maxBatch bounds one batch request (Kratos allows 2000).
const maxBatch = 2000

type batchBody struct {
	Identities []struct {
		PatchID *uuid.UUID      `json:"patch_id"`
		Create  json.RawMessage `json:"create"`
	} `json:"identities"`
}

type batchResult struct {
	Action   string     `json:"action"`
	Identity *uuid.UUID `json:"identity,omitempty"`
	PatchID  *uuid.UUID `json:"patch_id,omitempty"`
	Error    any        `json:"error,omitempty"`
}

// batchIdentities: PATCH /admin/identities creates many identities. Each
// record stands alone: a bad or conflicting one is reported in its result
// ("action":"error" with the error JSON) and the others are created.
func (h *Handler) batchIdentities(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var b batchBody
	if err := decodeStrict(raw, &b); err != nil {
		return err
	}
	if len(b.Identities) > maxBatch {
		return httpx.ErrBadRequest.WithReason("A batch holds at most %d identities.", maxBatch)
	}
	out := make([]batchResult, len(b.Identities))
	for k, rec := range b.Identities {
		res := batchResult{PatchID: rec.PatchID}
		id, err := h.createOne(r, rec.Create)
		if err != nil {
			e := httpx.AsError(mapError(err))
			httpx.LogError(r, e)
			res.Action, res.Error = "error", httpx.ErrorJSON(r, e)["error"]
		} else {
			res.Action, res.Identity = "create", &id
		}
		out[k] = res
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"identities": out})
	return nil
}

func (h *Handler) createOne(r *http.Request, raw json.RawMessage) (uuid.UUID, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return uuid.Nil, httpx.ErrBadRequest.WithReason("Each entry needs a create object.")
	}
	var b createBody
	if err := decodeStrict(raw, &b); err != nil {
		return uuid.Nil, err
	}
	p, err := b.params()
	if err != nil {
		return uuid.Nil, err
	}
	i, err := h.Identities.Create(r.Context(), p)
	if err != nil {
		return uuid.Nil, err
	}
	return i.ID, nil
}
