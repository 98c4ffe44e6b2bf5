package api

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pagination"
)

var identityPages = pagination.Limits{Kind: "identities", DefaultSize: 250, MaxSize: 1000}

// maxIDs bounds ?ids=, as Kratos does.
const maxIDs = 500

// listIdentities: GET /admin/identities, keyset-paginated in id order.
// Filters (at most one): ids= (repeatable), credentials_identifier=.
func (h *Handler) listIdentities(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, after, err := page(r, identityPages)
	if err != nil {
		return err
	}
	if q.Has("preview_credentials_identifier_similar") {
		return httpx.ErrBadRequest.WithReason("preview_credentials_identifier_similar is not supported; use credentials_identifier for exact matches.")
	}
	var f identity.ListFilter
	filters := 0
	if ids := q["ids"]; len(ids) > 0 {
		filters++
		if len(ids) > maxIDs {
			return httpx.ErrBadRequest.WithReason("The number of ids must not exceed %d.", maxIDs)
		}
		for _, s := range ids {
			id, err := uuid.Parse(s)
			if err != nil {
				return httpx.ErrBadRequest.WithReason("Invalid UUID value %q for parameter ids.", s)
			}
			f.IDs = append(f.IDs, id)
		}
	}
	if v := q.Get("credentials_identifier"); v != "" {
		filters++
		f.CredentialIdentifier = v
	}
	if filters > 1 {
		return httpx.ErrBadRequest.WithReason("You cannot combine multiple filters in this API.")
	}
	list, more, err := h.Identities.List(r.Context(), identity.ListParams{Filter: f, After: after, Size: p.Size})
	if err != nil {
		return err
	}
	include := includeCredentials(r)
	out := make([]any, len(list))
	for k, i := range list {
		out[k] = h.view(i, include)
	}
	next := ""
	if more {
		next = list[len(list)-1].ID.String()
	}
	pagination.SetLinks(w, r, identityPages.Kind, p.Size, next)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
