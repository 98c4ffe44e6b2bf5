package api

import (
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// createIdentity: POST /admin/identities creates or imports an identity →
// 201 with it and a Location header.
func (h *Handler) createIdentity(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var b createBody
	if err := decodeStrict(raw, &b); err != nil {
		return err
	}
	p, err := b.params()
	if err != nil {
		return err
	}
	i, err := h.Identities.Create(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/admin/identities/"+i.ID.String())
	httpx.WriteJSON(w, http.StatusCreated, h.view(i, nil))
	return nil
}

// readBody reads the whole (size-limited) body after checking it is JSON.
func readBody(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, httpx.ErrUnsupportedMedia.WithReason("Send the body as application/json.")
		}
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, httpx.AsError(err)
	}
	return b, nil
}
