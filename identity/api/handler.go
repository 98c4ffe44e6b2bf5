package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Handler serves the identity head's routes.
type Handler struct {
	Identities *identity.Service
	Sessions   *session.Manager
}

// MountPublic mounts the public routes on mux.
func (h *Handler) MountPublic(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, writeError)
	rt.Handle("GET /schemas", h.listSchemas)
	rt.Handle("GET /schemas/{id}", h.getSchema)
	// Kratos answers whoami on every method.
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		rt.Handle(m+" /sessions/whoami", h.whoami)
	}
	rt.Handle("GET /sessions", h.listMySessions)
	rt.Handle("DELETE /sessions", h.revokeMyOtherSessions)
	rt.Handle("DELETE /sessions/{id}", h.revokeMySession)
}

// MountAdmin mounts the admin routes on mux. Admin answers are never cached.
func (h *Handler) MountAdmin(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, writeError)
	handle := func(pattern string, fn httpx.HandlerFunc) {
		rt.Handle(pattern, func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Cache-Control", "private, no-cache, no-store, must-revalidate")
			return fn(w, r)
		})
	}
	handle("GET /admin/schemas", h.listSchemas)
	handle("GET /admin/schemas/{id}", h.getSchema)
	handle("GET /admin/identities", h.listIdentities)
	handle("POST /admin/identities", h.createIdentity)
	handle("PATCH /admin/identities", h.batchIdentities)
	handle("GET /admin/identities/{id}", h.getIdentity)
	handle("PUT /admin/identities/{id}", h.updateIdentity)
	handle("PATCH /admin/identities/{id}", h.patchIdentity)
	handle("DELETE /admin/identities/{id}", h.deleteIdentity)
	handle("DELETE /admin/identities/{id}/credentials/{type}", h.deleteCredential)
	handle("GET /admin/identities/{id}/sessions", h.listIdentitySessions)
	handle("DELETE /admin/identities/{id}/sessions", h.revokeIdentitySessions)
	handle("GET /admin/sessions", h.listSessions)
	handle("GET /admin/sessions/{id}", h.getSession)
	handle("DELETE /admin/sessions/{id}", h.revokeSession)
	handle("PATCH /admin/sessions/{id}/extend", h.extendSession)
}

// pathID parses the {id} path value; a malformed id is a 404 like an
// unknown one (it cannot name anything).
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, httpx.ErrNotFound.WithReason("No %s with that id exists.", strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}

// writeError renders the identity head's errors as Kratos does.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteError(w, r, mapError(err))
}

func mapError(err error) error {
	var (
		ve *schema.ValidationError
		ie *identity.InputError
		ce *identity.ConflictError
		he *httpx.Error
	)
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &ve):
		msgs := make([]string, len(ve.Violations))
		for k, v := range ve.Violations {
			msgs[k] = "#" + v.Pointer + ": " + v.Message
		}
		return httpx.ErrBadRequest.WithReason("The traits do not match the identity schema: %s", strings.Join(msgs, "; ")).
			WithDetail("errors", ve.Violations).WithCause(err)
	case errors.Is(err, identity.ErrUnknownSchema):
		return httpx.ErrBadRequest.WithReason("The schema_id names no configured identity schema.").WithCause(err)
	case errors.As(err, &ie):
		return httpx.ErrBadRequest.WithReason("%s: %s", ie.Field, ie.Reason).WithDetail("field", ie.Field).WithCause(err)
	case errors.As(err, &ce):
		return httpx.ErrConflict.WithReason("This identity conflicts with another identity that already exists (same %s).",
			strings.ReplaceAll(ce.What, "_", " ")).WithCause(err)
	case errors.Is(err, identity.ErrFirstFactor):
		return httpx.ErrBadRequest.WithReason("You cannot remove first factor credentials (password, code).").WithCause(err)
	case errors.Is(err, session.ErrNoSession):
		return httpx.ErrUnauthorized.WithReason("No valid session credentials found in the request.").WithCause(err)
	case errors.Is(err, storage.ErrNotFound):
		return httpx.ErrNotFound.WithCause(err)
	}
	return err
}
