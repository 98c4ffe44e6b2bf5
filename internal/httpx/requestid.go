package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// requestMeta is what the outermost middleware learn about a request: its
// id and its client's address. Both live in one context value, so the chain
// adds one context layer and one request copy, not one per fact. The
// fields are written before the next handler runs and only read after.
type requestMeta struct {
	id, clientIP string
}

type requestMetaKey struct{}

func metaOf(ctx context.Context) *requestMeta {
	m, _ := ctx.Value(requestMetaKey{}).(*requestMeta)
	return m
}

// RequestID returns the request's id, or "" outside a request.
func RequestID(ctx context.Context) string {
	if m := metaOf(ctx); m != nil {
		return m.id
	}
	return ""
}

// WithRequestID takes the client's X-Request-Id when it is a sane token
// (so ids correlate across a load balancer) or makes a new one, puts it in
// the context and echoes it in the response.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneID(id) {
			id = newID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestMetaKey{}, &requestMeta{id: id})))
	})
}

// saneID accepts up to 128 visible ASCII characters, so a client cannot
// inject log lines or huge values through the header.
func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
