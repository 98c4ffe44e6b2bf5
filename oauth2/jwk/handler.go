package jwk

import (
	"errors"
	"net/http"

	"github.com/go-jose/go-jose/v3"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Handler serves the admin key API. Private keys never leave the server.
type Handler struct {
	M       *Manager
	OnError httpx.ErrorWriter
}

// Mount registers the routes on the admin mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, h.OnError)
	rt.Handle("GET /admin/keys/{set}", h.getSet)
	rt.Handle("POST /admin/keys/{set}", h.create)
	rt.Handle("GET /admin/keys/{set}/{kid}", h.getKey)
	rt.Handle("DELETE /admin/keys/{set}/{kid}", h.deleteKey)
}

// createRequest is Hydra's createJsonWebKeySet body.
type createRequest struct {
	Alg string `json:"alg"`
	KID string `json:"kid"`
	Use string `json:"use"`
}

func (h *Handler) getSet(w http.ResponseWriter, r *http.Request) error {
	keys := h.M.Ring().Set(r.PathValue("set"))
	if len(keys) == 0 {
		return httpx.ErrNotFound.WithReason("The JSON Web Key Set does not exist.")
	}
	httpx.WriteJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: keys})
	return nil
}

func (h *Handler) getKey(w http.ResponseWriter, r *http.Request) error {
	k := h.M.Ring().Lookup(r.PathValue("set"), r.PathValue("kid"))
	if k == nil {
		return httpx.ErrNotFound.WithReason("The JSON Web Key does not exist.")
	}
	httpx.WriteJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.Public}})
	return nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	var in createRequest
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	if in.Use != "" && in.Use != "sig" {
		return httpx.ErrBadRequest.WithReason("Only signing keys (use sig) are supported.")
	}
	keys, err := h.M.Rotate(r.Context(), r.PathValue("set"), in.Alg, in.KID)
	switch {
	case errors.Is(err, ErrUnknownSet):
		return httpx.ErrNotFound.WithReason("Cerberus manages the key sets %s and %s.", IDTokenSet, AccessTokenSet)
	case errors.Is(err, storage.ErrAlreadyExists):
		return httpx.ErrConflict.WithReason("A key with kid %q already exists in this set.", in.KID)
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		if errors.Is(err, ErrUnsupportedAlgorithm) {
			return httpx.ErrBadRequest.WithReason("%s", err.Error())
		}
		return err
	}
	out := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range keys {
		out.Keys = append(out.Keys, k.Public)
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (h *Handler) deleteKey(w http.ResponseWriter, r *http.Request) error {
	err := h.M.Delete(r.Context(), r.PathValue("set"), r.PathValue("kid"))
	if errors.Is(err, ErrUnknownSet) || errors.Is(err, storage.ErrNotFound) {
		return httpx.ErrNotFound.WithReason("The JSON Web Key does not exist.")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
