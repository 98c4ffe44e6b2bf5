package server

import (
	"context"
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/internal/buildinfo"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

func (s *Server) mountMeta(l *Listener) {
	l.Mux.HandleFunc("GET /health/alive", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	l.Mux.HandleFunc("GET /health/ready", s.serveReady)
	l.Mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"version": buildinfo.Version()})
	})
	if l.Name == config.ListenerAdmin {
		// Kratos and Hydra also answer these under /admin on the admin port.
		l.Mux.HandleFunc("GET /admin/health/alive", func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})
		l.Mux.HandleFunc("GET /admin/health/ready", s.serveReady)
		l.Mux.HandleFunc("GET /admin/version", func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteJSON(w, http.StatusOK, map[string]string{"version": buildinfo.Version()})
		})
		l.Mux.Handle("GET /admin/metrics/prometheus", s.metricsHandler())
	}
}

// serveReady answers 200 {"status":"ok"} or 503 with the reason in Ory's
// error JSON: not ready while draining, while the database is unreachable,
// or while it is behind the binary's migrations.
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		httpx.WriteError(w, r, httpx.ErrUnavailable.WithReason("The server is shutting down."))
		return
	}
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, httpx.ErrorJSON(r,
				httpx.ErrUnavailable.WithReason("%s", err.Error()).WithDetail("errors", map[string]string{"database": err.Error()})))
			return
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
