package httpx

import "net/http"

// LimitBody caps request bodies at n bytes. Reading past the cap fails with
// *http.MaxBytesError, which AsError renders as 413. A declared
// Content-Length over the cap is refused before any handler runs.
func LimitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			WriteError(w, r, ErrTooLarge.WithReason("The request body must not exceed %d bytes.", n))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, n)
		}
		next.ServeHTTP(w, r)
	})
}
