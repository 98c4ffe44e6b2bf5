package courier

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pagination"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// API serves the admin courier routes.
type API struct {
	Store *Store
}

var messagePages = pagination.Limits{Kind: "courier_messages", DefaultSize: 250, MaxSize: 1000}

// Mount registers the routes on the admin mux.
func (a *API) Mount(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, httpx.WriteError)
	rt.Handle("GET /admin/courier/messages", a.list)
	rt.Handle("GET /admin/courier/messages/{id}", a.get)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var p ListParams
	if s := q.Get("status"); s != "" {
		st, ok := ParseStatus(s)
		if !ok {
			return httpx.ErrBadRequest.WithReason("status must be queued, processing, sent or abandoned, not %q.", s)
		}
		p.Status = st
	}
	p.Recipient = q.Get("recipient")
	page, err := pagination.Parse(q, messagePages)
	if err != nil {
		return err
	}
	p.Size = page.Size
	if page.After != "" {
		if p.Before, err = uuid.Parse(page.After); err != nil {
			return httpx.ErrBadRequest.WithReason("page_token is not a page token of this list; use the one from the Link header.")
		}
	}
	list, more, err := a.Store.List(r.Context(), p)
	if err != nil {
		return err
	}
	next := ""
	if more {
		next = list[len(list)-1].ID.String()
	}
	pagination.SetLinks(w, r, messagePages.Kind, p.Size, next)
	out := make([]any, len(list))
	for i, m := range list {
		out[i] = m.JSON()
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return httpx.ErrNotFound.WithReason("No message with this id.")
	}
	m, err := a.Store.Get(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return httpx.ErrNotFound.WithReason("No message with this id.")
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m.JSON())
	return nil
}
