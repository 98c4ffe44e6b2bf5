package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// WriteJSON writes v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":{"code":500,"status":"Internal Server Error","message":"response encoding failed"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// errorBody is Ory's error JSON.
type errorBody struct {
	ID      string         `json:"id,omitempty"`
	Code    int            `json:"code"`
	Status  string         `json:"status"`
	Request string         `json:"request,omitempty"`
	Reason  string         `json:"reason,omitempty"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// ErrorJSON returns the JSON body for err as rendered to r.
func ErrorJSON(r *http.Request, e *Error) map[string]any {
	body := make(map[string]any, 1+len(e.Extra))
	for k, v := range e.Extra {
		body[k] = v
	}
	body["error"] = errorBody{
		ID: e.ID, Code: e.Code, Status: e.Status(), Request: RequestID(r.Context()),
		Reason: e.Reason, Message: e.Message, Details: e.Details,
	}
	return body
}

// WriteError is the ErrorWriter for JSON APIs. Server errors are logged with
// their cause; clients see only the user-safe fields.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := AsError(err)
	LogError(r, e)
	WriteJSON(w, e.Code, ErrorJSON(r, e))
}

// LogError logs e at a level fitting its status: 5xx as errors with the
// cause, 4xx at debug.
func LogError(r *http.Request, e *Error) {
	attrs := []any{"request_id", RequestID(r.Context()), "status", e.Code, "message", e.Message}
	if e.ID != "" {
		attrs = append(attrs, "error_id", e.ID)
	}
	if e.Cause != nil {
		attrs = append(attrs, "cause", e.Cause.Error())
	}
	if e.Code >= 500 {
		slog.ErrorContext(r.Context(), "request failed", attrs...)
		return
	}
	slog.DebugContext(r.Context(), "request refused", attrs...)
}

// DecodeJSON decodes the body into v, refusing unknown fields when strict
// and answering 400/413/415 errors that say what was wrong.
func DecodeJSON(r *http.Request, v any, strict bool) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return ErrUnsupportedMedia.WithReason("Send the body as application/json.")
		}
	}
	d := json.NewDecoder(r.Body)
	d.UseNumber()
	if strict {
		d.DisallowUnknownFields()
	}
	if err := d.Decode(v); err != nil {
		return JSONDecodeError(err)
	}
	if d.More() {
		return ErrBadRequest.WithReason("The request body must hold a single JSON value.")
	}
	return nil
}

// JSONDecodeError maps a json decoding error onto a user-safe 400 or 413.
func JSONDecodeError(err error) *Error {
	var (
		syn  *json.SyntaxError
		typ  *json.UnmarshalTypeError
		mbe  *http.MaxBytesError
		mesg string
	)
	switch {
	case errors.As(err, &mbe):
		return AsError(err)
	case errors.Is(err, io.EOF):
		mesg = "The request body is empty; a JSON value was expected."
	case errors.Is(err, io.ErrUnexpectedEOF):
		mesg = "The request body ends in the middle of a JSON value."
	case errors.As(err, &syn):
		mesg = fmt.Sprintf("The request body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		mesg = fmt.Sprintf("Field %s must be %s, not %s.", field, jsonKind(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		mesg = "Unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	default:
		mesg = "The request body could not be decoded: " + err.Error()
	}
	return ErrBadRequest.WithReason("%s", mesg).WithCause(err)
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}
