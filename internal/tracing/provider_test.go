package tracing

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// provider zipkin sends through OpenTelemetry's Zipkin exporter: a span
// ended before Shutdown reaches Zipkin's v2 JSON API, with the service
// name and the sampling ratio honoured.
func TestZipkinProviderExportsAtShutdown(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	zipkin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/api/v2/spans" {
			http.NotFound(w, r)
			return
		}
		var spans []map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &spans); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		mu.Lock()
		got = append(got, spans...)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer zipkin.Close()

	one := 1.0
	cfg := config.Tracing{Provider: "zipkin", ServiceName: "cerberus-zipkin",
		Providers: config.TracingProviders{Zipkin: config.ZipkinTracing{ServerURL: zipkin.URL + "/api/v2/spans", Sampling: config.Sampling{SamplingRatio: &one}}}}
	p, err := New(context.Background(), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.tracer.Start(context.Background(), "GET /items/{id}")
	span.End()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// Zipkin spells span names in lower case.
	if len(got) != 1 || got[0]["name"] != "get /items/{id}" {
		t.Fatalf("zipkin got %v", got)
	}
	if ep, _ := got[0]["localEndpoint"].(map[string]any); ep["serviceName"] != "cerberus-zipkin" {
		t.Fatalf("service: %v", got[0]["localEndpoint"])
	}
}

// A ratio of 0 samples no new trace, but a sampled parent still decides.
func TestSamplingRatioAndParent(t *testing.T) {
	zero := 0.0
	cfg := config.Tracing{Provider: "otel", Providers: config.TracingProviders{OTLP: config.OTLPTracing{
		ServerURL: "127.0.0.1:1", Insecure: true, Sampling: config.Sampling{SamplingRatio: &zero}}}}
	// Nothing listens on port 1: New must not care (exports fail later).
	p, err := New(context.Background(), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	mux := http.NewServeMux()
	var sampled []bool
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sampled = append(sampled, spanSampled(r.Context()))
	})
	h := listener(p, mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("traceparent", parent)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if len(sampled) != 2 || sampled[0] || !sampled[1] {
		t.Fatalf("sampled: %v (want new trace dropped, sampled parent kept)", sampled)
	}
}
