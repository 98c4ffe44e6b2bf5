package api

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pagination"
)

var sessionPages = pagination.Limits{Kind: "sessions", DefaultSize: 250, MaxSize: 1000}

// current resolves the caller's session or returns ErrNoSession.
func (h *Handler) current(r *http.Request) (*session.Session, error) {
	return h.Sessions.FromRequest(r.Context(), r)
}

// listMySessions: GET /sessions lists the caller's other active sessions.
func (h *Handler) listMySessions(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.current(r)
	if err != nil {
		return err
	}
	p, after, err := page(r, sessionPages)
	if err != nil {
		return err
	}
	active := true
	list, more, err := h.Sessions.List(r.Context(), session.ListParams{IdentityID: cur.IdentityID, Active: &active,
		Except: cur.ID, After: after, Size: p.Size})
	if err != nil {
		return err
	}
	writeSessionPage(w, r, h.Sessions, list, more, p.Size, false, true)
	return nil
}

// revokeMyOtherSessions: DELETE /sessions revokes every other session of
// the caller → {"count": n}.
func (h *Handler) revokeMyOtherSessions(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.current(r)
	if err != nil {
		return err
	}
	n, err := h.Sessions.RevokeAll(r.Context(), cur.IdentityID, cur.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int{"count": n})
	return nil
}

// revokeMySession: DELETE /sessions/{id} revokes another session of the
// caller. The current session ends through logout, not here.
func (h *Handler) revokeMySession(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.current(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if id == cur.ID {
		return httpx.ErrBadRequest.WithReason("The current session cannot be revoked here; log out instead.")
	}
	if err := h.Sessions.RevokeOwned(r.Context(), cur.IdentityID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func writeSessionPage(w http.ResponseWriter, r *http.Request, m *session.Manager, list []*session.Session, more bool, size int, withIdentity, withDevices bool) {
	next := ""
	if more {
		next = list[len(list)-1].ID.String()
	}
	pagination.SetLinks(w, r, sessionPages.Kind, size, next)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(m.MarshalList(list, withIdentity, withDevices))
}
