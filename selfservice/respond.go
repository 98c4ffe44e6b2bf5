package selfservice

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// wantsJSON reports whether the client asked for JSON (Accept) or sent it
// (Content-Type), as Kratos decides between a redirect and a JSON answer.
func wantsJSON(r *http.Request) bool {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// browserError marks an error that a browser (not a JSON client) should
// see on the error page.
type browserError struct{ err error }

func (b *browserError) Error() string { return b.err.Error() }
func (b *browserError) Unwrap() error { return b.err }

// forBrowser wraps err for the error page unless the client wants JSON.
func forBrowser(r *http.Request, err error) error {
	if err == nil || wantsJSON(r) {
		return err
	}
	var be *browserError
	if errors.As(err, &be) {
		return err
	}
	return &browserError{err}
}

// writeAPIError is the one place errors of the self-service routes are
// rendered: the error page (303 to the error UI) for browsers, Ory's error
// JSON for everyone else.
func (h *Handler) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	var be *browserError
	if !errors.As(err, &be) {
		httpx.WriteError(w, r, err)
		return
	}
	e := httpx.AsError(be.err)
	httpx.LogError(r, e)
	// A browser asked to sign in again goes straight to the login page.
	if u, ok := e.Extra["redirect_browser_to"].(string); ok && u != "" && e.ID == "session_refresh_required" {
		http.Redirect(w, r, u, http.StatusSeeOther)
		return
	}
	id, serr := h.storeError(r, e)
	if serr != nil {
		slog.ErrorContext(r.Context(), "storing a self-service error failed", "error", serr)
		httpx.WriteJSON(w, e.Code, httpx.ErrorJSON(r, e))
		return
	}
	http.Redirect(w, r, h.errorUIURL(id), http.StatusSeeOther)
}

// storeError keeps a user-facing error for the error page.
func (h *Handler) storeError(r *http.Request, e *httpx.Error) (id [16]byte, err error) {
	body := httpx.ErrorJSON(r, e)["error"]
	b, err := json.Marshal(body)
	if err != nil {
		return id, err
	}
	now := h.timestamp()
	fe := &flow.Error{ID: h.newID(), Error: b, CreatedAt: now, UpdatedAt: now}
	if err := h.o.Errors.CreateError(r.Context(), fe); err != nil {
		return id, err
	}
	return fe.ID, nil
}

// writeFlow answers with the flow's JSON.
func (h *Handler) writeFlow(w http.ResponseWriter, r *http.Request, f *flow.Flow, status int) error {
	b, err := h.flowJSON(w, r, f)
	if err != nil {
		return err
	}
	writeRaw(w, status, b)
	return nil
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-cache, no-store, must-revalidate")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
