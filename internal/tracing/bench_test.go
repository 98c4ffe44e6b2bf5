package tracing

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// BenchmarkObserve is one request through a listener's Observe chain with
// tracing off (no tracer: what every request pays when tracing is not
// configured) and on (a sampled span per request). Compare allocs/op:
//
//	go test ./internal/tracing -run '^$' -bench Observe -benchmem
func BenchmarkObserve(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	// Sampled and recorded, then dropped: the cost of making spans, not
	// of exporting them (that happens off the request path, in batches).
	tp := sdktrace.NewTracerProvider()
	p := &Provider{tp: tp, tracer: tp.Tracer(instrumentation), prop: propagator()}
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	for _, c := range []struct {
		name   string
		tracer httpx.Tracer
	}{{"off", nil}, {"on", p.Server()}} {
		b.Run(c.name, func(b *testing.B) {
			h := httpx.Observe(httpx.Observation{Listener: "public", Metrics: httpx.NewMetrics(prometheus.NewRegistry()),
				Tracer: c.tracer}, mux)
			r := httptest.NewRequest("GET", "/items/42", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
