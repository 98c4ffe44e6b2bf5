package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in a handler into a logged 500 with the error JSON,
// so one bad request never takes the process down. http.ErrAbortHandler is
// re-raised: it is the standard way to abort a response on purpose.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			slog.ErrorContext(r.Context(), "panic while serving request",
				"request_id", RequestID(r.Context()), "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			WriteJSON(w, http.StatusInternalServerError, ErrorJSON(r, ErrInternal))
		}()
		next.ServeHTTP(w, r)
	})
}
