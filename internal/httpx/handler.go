package httpx

import (
	"net/http"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing
// it, so each surface renders errors in exactly one place.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorWriter renders an error for one surface (JSON, HTML page, OAuth2).
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Router mounts HandlerFuncs on a ServeMux with one ErrorWriter.
type Router struct {
	Mux     *http.ServeMux
	OnError ErrorWriter
}

// NewRouter returns a Router writing errors with onError (WriteError when nil).
func NewRouter(mux *http.ServeMux, onError ErrorWriter) *Router {
	if onError == nil {
		onError = WriteError
	}
	return &Router{Mux: mux, OnError: onError}
}

// Handle registers h for a ServeMux pattern ("GET /admin/identities/{id}").
func (rt *Router) Handle(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, rt.Wrap(h))
}

// Wrap turns h into an http.Handler that renders returned errors.
func (rt *Router) Wrap(h HandlerFunc) http.Handler {
	onError := rt.OnError
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			onError(w, r, err)
		}
	})
}
