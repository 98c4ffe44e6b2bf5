package selfservice

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// getError serves GET /self-service/errors?id=: a stored user-facing
// error, as {id, error, created_at, updated_at}.
func (h *Handler) getError(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.URL.Query().Get("id"))
	if err != nil {
		return httpx.ErrNotFound.WithReason("No such error.")
	}
	e, err := h.o.Errors.GetError(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return httpx.ErrNotFound.WithReason("No such error; errors are kept for a day.")
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
