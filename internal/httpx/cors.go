package httpx

import (
	"net/http"

	"github.com/rs/cors"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// CORS wraps next with rs/cors per the listener's cors settings; disabled
// configs return next unchanged. Origins may use one "*" wildcard, as in
// "https://*.example.com".
func CORS(c config.CORS, next http.Handler) http.Handler {
	if !c.Enabled {
		return next
	}
	methods := c.AllowedMethods
	if len(methods) == 0 {
		methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	}
	headers := c.AllowedHeaders
	if len(headers) == 0 {
		headers = []string{"Authorization", "Content-Type", "Cookie", "X-Session-Token", "X-CSRF-Token", "X-Request-Id"}
	}
	return cors.New(cors.Options{
		AllowedOrigins:   c.AllowedOrigins,
		AllowedMethods:   methods,
		AllowedHeaders:   headers,
		ExposedHeaders:   c.ExposedHeaders,
		AllowCredentials: c.AllowCredentials,
		MaxAge:           c.MaxAge,
		Debug:            c.Debug,
	}).Handler(next)
}
