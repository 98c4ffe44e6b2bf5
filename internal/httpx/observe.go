package httpx

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the per-listener, per-route request metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cerberus_http_requests_total",
			Help: "HTTP requests by listener, route, method and status code.",
		}, []string{"listener", "route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cerberus_http_request_duration_seconds",
			Help:    "HTTP request latency by listener and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"listener", "route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// Observe wraps the listener's mux: it counts and times each request by the
// mux pattern that served it and writes one access-log line. It must sit
// directly around the ServeMux, which records the pattern on the request.
// Paths are logged without their query: queries carry codes and tokens.
func Observe(listener string, m *Metrics, logHealth bool, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(sw, r)
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if m != nil {
			m.requests.WithLabelValues(listener, route, r.Method, strconv.Itoa(sw.code)).Inc()
			m.latency.WithLabelValues(listener, route).Observe(elapsed.Seconds())
		}
		if !logHealth && strings.HasPrefix(r.URL.Path, "/health/") {
			return
		}
		slog.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("listener", listener),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", sw.code),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("client_ip", ClientIP(r.Context())),
			slog.String("request_id", RequestID(r.Context())),
		)
	})
}

// statusWriter records the status and size. Unwrap lets
// http.ResponseController reach Flush and Hijack (streaming, WebSockets).
type statusWriter struct {
	http.ResponseWriter
	code        int
	bytes       int64
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader && code >= 200 {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Flush passes through so streamed responses reach the client promptly.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
