package httpx

import (
	"context"
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

// Tracer starts the server span of a request; internal/tracing implements
// it. Observe calls it only when one is configured, so with tracing off a
// request pays nothing for it.
type Tracer interface {
	// StartServer starts the span, continuing the caller's trace when the
	// request carries one, and returns the context handlers run with.
	StartServer(r *http.Request, listener string) (context.Context, ServerSpan)
}

// ServerSpan is one request's span, ended once the mux has chosen a route.
type ServerSpan interface {
	// TraceID is the trace's hex id, for the access log.
	TraceID() string
	End(route string, status int)
}

// Observation says what Observe records for one listener.
type Observation struct {
	Listener string
	Metrics  *Metrics
	// Quiet writes no access log lines; QuietHealth none for /health/*.
	Quiet, QuietHealth bool
	// Oathkeeper, when set, also counts requests under Oathkeeper's metric
	// names, labelled with Service.
	Oathkeeper *OathkeeperMetrics
	Service    string
	// Tracer, when set, gives every request but health checks a span.
	Tracer Tracer
}

// Observe wraps the listener's mux: it counts and times each request by the
// mux pattern that served it, writes one access-log line and, with a
// Tracer, records a server span named by that pattern. It must sit directly
// around the ServeMux, which records the pattern on the request it is
// handed: with a span, that is the copy carrying the span's context.
// Paths are logged without their query: queries carry codes and tokens.
func Observe(o Observation, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		var span ServerSpan
		if o.Tracer != nil && !isHealth(r.URL.Path) {
			var ctx context.Context
			ctx, span = o.Tracer.StartServer(r, o.Listener)
			r = r.WithContext(ctx)
		}
		mux.ServeHTTP(sw, r)
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if span != nil {
			span.End(r.Pattern, sw.code)
		}
		if o.Metrics != nil {
			o.Metrics.requests.WithLabelValues(o.Listener, route, methodLabel(r.Method), strconv.Itoa(sw.code)).Inc()
			o.Metrics.latency.WithLabelValues(o.Listener, route).Observe(elapsed.Seconds())
		}
		if o.Oathkeeper != nil {
			o.Oathkeeper.observe(o.Service, r, sw.code, elapsed)
		}
		if o.Quiet || o.QuietHealth && strings.HasPrefix(r.URL.Path, "/health/") ||
			!slog.Default().Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		attrs := []slog.Attr{
			slog.String("listener", o.Listener),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", sw.code),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("client_ip", ClientIP(r.Context())),
			slog.String("request_id", RequestID(r.Context())),
		}
		if span != nil {
			attrs = append(attrs, slog.String("trace_id", span.TraceID()))
		}
		slog.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// methodLabel is the method as a metric label: the standard methods as
// they are, anything else (any token is a valid method on the wire) as
// "OTHER", so a client cannot create a new series per request.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// isHealth reports probe paths, which get no spans: a probe every few
// seconds would drown the traces worth reading.
func isHealth(path string) bool {
	return strings.HasPrefix(path, "/health/") || strings.HasPrefix(path, "/admin/health/")
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
