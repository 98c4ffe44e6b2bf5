package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pagination"
)

// expand reads ?expand=identity&expand=devices.
func expand(r *http.Request) (identity, devices bool, err error) {
	for _, v := range r.URL.Query()["expand"] {
		for _, e := range strings.Split(v, ",") {
			switch e {
			case "identity":
				identity = true
			case "devices":
				devices = true
			default:
				return false, false, httpx.ErrBadRequest.WithReason("expand must be identity or devices, not %q.", e)
			}
		}
	}
	return identity, devices, nil
}

// activeParam reads ?active=true|false (absent: all).
func activeParam(r *http.Request) (*bool, error) {
	v := r.URL.Query().Get("active")
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, httpx.ErrBadRequest.WithReason("active must be true or false.")
	}
	return &b, nil
}

// page reads page_size and page_token for a list keyed by UUID.
func page(r *http.Request, l pagination.Limits) (pagination.Page, uuid.UUID, error) {
	p, err := pagination.Parse(r.URL.Query(), l)
	if err != nil {
		return p, uuid.Nil, err
	}
	after, err := afterID(p)
	return p, after, err
}

func afterID(p pagination.Page) (uuid.UUID, error) {
	if p.After == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(p.After)
	if err != nil {
		return uuid.Nil, httpx.ErrBadRequest.WithReason("page_token is not a page token of this list; use the one from the Link header.")
	}
	return id, nil
}

func (h *Handler) sessionList(w http.ResponseWriter, r *http.Request, identityID uuid.UUID, defaultDevices bool) error {
	withIdentity, withDevices, err := expand(r)
	if err != nil {
		return err
	}
	active, err := activeParam(r)
	if err != nil {
		return err
	}
	p, after, err := page(r, sessionPages)
	if err != nil {
		return err
	}
	list, more, err := h.Sessions.List(r.Context(), session.ListParams{IdentityID: identityID, Active: active, After: after, Size: p.Size})
	if err != nil {
		return err
	}
	writeSessionPage(w, r, h.Sessions, list, more, p.Size, withIdentity, withDevices || defaultDevices)
	return nil
}

// listSessions: GET /admin/sessions.
func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	return h.sessionList(w, r, uuid.Nil, false)
}

// listIdentitySessions: GET /admin/identities/{id}/sessions.
func (h *Handler) listIdentitySessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Identities.Get(r.Context(), id); err != nil {
		return err
	}
	return h.sessionList(w, r, id, true)
}

// revokeIdentitySessions: DELETE /admin/identities/{id}/sessions.
func (h *Handler) revokeIdentitySessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Identities.Get(r.Context(), id); err != nil {
		return err
	}
	if _, err := h.Sessions.RevokeAll(r.Context(), id, uuid.Nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getSession: GET /admin/sessions/{id}.
func (h *Handler) getSession(w http.ResponseWriter, r *http.Request) error {
	withIdentity, withDevices, err := expand(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.Sessions.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, h.Sessions.JSON(s, withIdentity, withDevices))
	return nil
}

// revokeSession: DELETE /admin/sessions/{id}.
func (h *Handler) revokeSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Sessions.Revoke(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// extendSession: PATCH /admin/sessions/{id}/extend → 200 with the session.
func (h *Handler) extendSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.Sessions.Extend(r.Context(), id)
	if err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, h.Sessions.JSON(s, true, true))
	return nil
}

func writeRaw(w http.ResponseWriter, code int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
