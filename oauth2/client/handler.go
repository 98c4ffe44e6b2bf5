package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// KeyProvider makes sure signing keys exist for the algorithms a client
// asks for, so no key is ever generated on a token request.
type KeyProvider interface {
	EnsureAlgorithms(ctx context.Context, algs ...string) error
}

// Handler serves the admin client API.
type Handler struct {
	Store  *Store
	Hasher *Hasher
	Keys   KeyProvider
	Rand   io.Reader
	// OnError renders errors (Hydra's RFC 6749 error object).
	OnError httpx.ErrorWriter
}

// Mount registers the routes on the admin mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, h.OnError)
	rt.Handle("GET /admin/clients", h.list)
	rt.Handle("POST /admin/clients", h.create)
	rt.Handle("GET /admin/clients/{id}", h.get)
	rt.Handle("PUT /admin/clients/{id}", h.replace)
	rt.Handle("PATCH /admin/clients/{id}", h.patch)
	rt.Handle("DELETE /admin/clients/{id}", h.delete)
	rt.Handle("PUT /admin/clients/{id}/lifespans", h.lifespans)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	var c Client
	if err := httpx.DecodeJSON(r, &c, true); err != nil {
		return err
	}
	if err := h.prepare(r.Context(), &c, nil); err != nil {
		return err
	}
	if err := h.Store.Create(r.Context(), &c); err != nil {
		if errors.Is(err, storage.ErrAlreadyExists) {
			return httpx.ErrConflict.WithReason("A client with client_id %q already exists.", c.ID)
		}
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, &c)
	return nil
}

// prepare fills defaults, generates the id and secret when missing,
// validates, hashes a new secret and makes sure signing keys exist. old is
// the stored client on updates.
func (h *Handler) prepare(ctx context.Context, c *Client, old *Client) error {
	c.Normalize()
	if c.ID == "" {
		id, err := uuid.NewRandomFromReader(h.Rand)
		if err != nil {
			return err
		}
		c.ID = id.String()
	}
	switch {
	case c.IsPublic() || c.TokenEndpointAuthMethod == "private_key_jwt":
		// No secret to keep or make: these authenticate without one.
		c.hashedSecret = nil
	case c.Secret == "" && old != nil && len(old.hashedSecret) > 0:
		// PUT without client_secret keeps the current one.
		c.hashedSecret = old.hashedSecret
	case c.Secret == "":
		b := make([]byte, 32)
		if _, err := io.ReadFull(h.Rand, b); err != nil {
			return err
		}
		c.Secret = base64.RawURLEncoding.EncodeToString(b)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Secret != "" {
		hash, err := h.Hasher.Hash(ctx, []byte(c.Secret))
		if err != nil {
			return err
		}
		c.hashedSecret = hash
	}
	var algs []string
	for _, a := range []string{c.IDTokenSignedResponseAlg, c.AccessTokenSignedResponseAlg, c.UserinfoSignedResponseAlg} {
		if a != "" && a != "none" {
			algs = append(algs, a)
		}
	}
	if len(algs) > 0 && h.Keys != nil {
		return h.Keys.EnsureAlgorithms(ctx, algs...)
	}
	return nil
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return notFound(err)
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *Handler) replace(w http.ResponseWriter, r *http.Request) error {
	var in Client
	if err := httpx.DecodeJSON(r, &in, true); err != nil {
		return err
	}
	id := r.PathValue("id")
	if in.ID != "" && in.ID != id {
		return ErrInvalidClientMetadata.WithHint("Field client_id cannot be changed.")
	}
	return h.update(w, r, id, func(old *Client) (*Client, error) {
		c := in
		c.ID = id
		return &c, nil
	})
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request, id string, change func(old *Client) (*Client, error)) error {
	var out *Client
	_, err := h.Store.Update(r.Context(), id, func(old *Client) error {
		c, err := change(old)
		if err != nil {
			return err
		}
		if err := h.prepare(r.Context(), c, old); err != nil {
			return err
		}
		*old = *c
		out = old
		return nil
	})
	if err != nil {
		return notFound(err)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) patch(w http.ResponseWriter, r *http.Request) error {
	var ops []PatchOp
	if err := httpx.DecodeJSON(r, &ops, true); err != nil {
		return err
	}
	return h.update(w, r, r.PathValue("id"), func(old *Client) (*Client, error) {
		doc, err := json.Marshal(old.Public())
		if err != nil {
			return nil, err
		}
		patched, err := ApplyPatch(doc, ops)
		if err != nil {
			return nil, httpx.ErrBadRequest.WithReason("%s", err.Error())
		}
		var c Client
		if err := json.Unmarshal(patched, &c); err != nil {
			return nil, ErrInvalidClientMetadata.WithHintf("The patched client is not valid: %s.", err)
		}
		if c.ID != old.ID {
			return nil, ErrInvalidClientMetadata.WithHint("Field client_id cannot be changed.")
		}
		return &c, nil
	})
}

func (h *Handler) lifespans(w http.ResponseWriter, r *http.Request) error {
	var l Lifespans
	if err := httpx.DecodeJSON(r, &l, true); err != nil {
		return err
	}
	return h.update(w, r, r.PathValue("id"), func(old *Client) (*Client, error) {
		c := *old
		c.Secret = ""
		c.Lifespans = l
		return &c, nil
	})
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.Delete(r.Context(), r.PathValue("id")); err != nil {
		return notFound(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	size := 250
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return httpx.ErrBadRequest.WithReason("page_size must be an integer from 1 to 1000.")
		}
		size = n
	}
	cs, next, err := h.Store.List(r.Context(), ListFilter{Name: q.Get("client_name"), Owner: q.Get("owner"), PageSize: size, PageToken: q.Get("page_token")})
	if errors.Is(err, ErrBadPageToken) {
		return httpx.ErrBadRequest.WithReason("page_token is not valid.")
	}
	if err != nil {
		return err
	}
	if next != "" {
		u := *r.URL
		v := u.Query()
		v.Set("page_token", next)
		v.Set("page_size", strconv.Itoa(size))
		u.RawQuery = v.Encode()
		w.Header().Set("Link", "<"+(&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()+`>; rel="next"`)
	}
	if cs == nil {
		cs = []*Client{}
	}
	httpx.WriteJSON(w, http.StatusOK, cs)
	return nil
}

func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return httpx.ErrNotFound.WithReason("The OAuth 2.0 client does not exist.")
	}
	return err
}
