package apierror

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// Body is the RFC 6749 error object Hydra returns.
type Body struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Hint        string `json:"error_hint,omitempty"`
	StatusCode  int    `json:"status_code,omitempty"`
	Debug       string `json:"error_debug,omitempty"`
}

// Writer renders errors. Debug exposes the internal detail to clients
// (oauth2.expose_internal_errors; never in production).
type Writer struct {
	Debug bool
}

// Write is an httpx.ErrorWriter.
func (w Writer) Write(rw http.ResponseWriter, r *http.Request, err error) {
	code, body := w.Convert(r, err)
	httpx.WriteJSON(rw, code, body)
}

// Convert returns the status and body for err, logging server errors.
func (w Writer) Convert(r *http.Request, err error) (int, Body) {
	var fe *fosite.RFC6749Error
	if errors.As(err, &fe) {
		b := Body{Error: fe.ErrorField, Description: fe.DescriptionField, Hint: fe.HintField, StatusCode: fe.CodeField}
		if w.Debug {
			b.Debug = fe.DebugField
		}
		if fe.CodeField >= 500 {
			httpx.LogError(r, httpx.ErrInternal.WithCause(err))
		}
		return fe.CodeField, b
	}
	e := httpx.AsError(err)
	httpx.LogError(r, e)
	b := Body{Error: e.Status(), Description: e.Message, Hint: e.Reason, StatusCode: e.Code}
	if w.Debug && e.Cause != nil {
		b.Debug = e.Cause.Error()
	}
	return e.Code, b
}
