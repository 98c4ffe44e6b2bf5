package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// otlpReceiver is a collector for tests: it takes OTLP/HTTP exports
// (protobuf) on /v1/traces and answers Jaeger remote sampling polls on
// /sampling, on loopback.
type otlpReceiver struct {
	addr string // host:port
	url  string

	mu     sync.Mutex
	spans  []received
	auth   []string
	polled []string // service of each sampling poll
}

type received struct {
	service string
	*tracepb.Span
}

func newOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	r := &otlpReceiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var export coltracepb.ExportTraceServiceRequest
		if req.Header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal(body, &export) != nil {
			http.Error(w, "not an OTLP protobuf export", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization"))
		for _, rs := range export.ResourceSpans {
			service := str(rs.Resource.GetAttributes(), "service.name")
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					r.spans = append(r.spans, received{service: service, Span: s})
				}
			}
		}
		r.mu.Unlock()
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(out)
	})
	mux.HandleFunc("GET /sampling", func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.polled = append(r.polled, req.URL.Query().Get("service"))
		r.mu.Unlock()
		io.WriteString(w, `{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1}}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r.url = srv.URL
	r.addr = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// wait returns the first span that ok accepts, waiting up to 20s.
func (r *otlpReceiver) wait(t *testing.T, what string, ok func(received) bool) received {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, s := range r.spans {
			if ok(s) {
				r.mu.Unlock()
				return s
			}
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for _, s := range r.spans {
		names = append(names, s.Name)
	}
	t.Fatalf("no %s among the %d spans received: %v", what, len(r.spans), names)
	return received{}
}

func str(kvs []*commonpb.KeyValue, key string) string {
	for _, kv := range kvs {
		if kv.Key == key {
			if s, ok := kv.Value.Value.(*commonpb.AnyValue_StringValue); ok {
				return s.StringValue
			}
			return fmt.Sprint(kv.Value.Value)
		}
	}
	return ""
}

func hexID(b []byte) string { return hex.EncodeToString(b) }

// traceparent is a W3C traceparent a client sends (sampled).
func traceparent(trace, span string) string { return "00-" + trace + "-" + span + "-01" }

// TestTracingExportsRequestDatabaseAndUpstreamSpans drives the real binary
// with tracing.provider otel pointed at a receiver: a request's server span
// is named by its route, carries the request id and continues the client's
// traceparent; its database queries are its children; the proxy sends the
// trace on to the upstream.
func TestTracingExportsRequestDatabaseAndUpstreamSpans(t *testing.T) {
	rcv := newOTLPReceiver(t)
	var upstreamParent sync.Map
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamParent.Store(r.URL.Path, r.Header.Get("traceparent"))
		io.WriteString(w, "upstream")
	}))
	defer upstream.Close()
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rules, []byte(fmt.Sprintf(`
- id: traced
  upstream: { url: %q }
  match: { url: "http://app.test/<.*>", methods: [GET] }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
  mutators: [{ handler: noop }]
`, upstream.URL)), 0o644)
	cfg := seed000Config(t) + fmt.Sprintf(`
access_rules: { repositories: ["file://%s"] }
authenticators: { anonymous: { enabled: true } }
authorizers: { allow: { enabled: true } }
mutators: { noop: { enabled: true } }
tracing:
  provider: otel
  service_name: cerberus-e2e
  providers:
    otlp:
      server_url: %s
      insecure: true
      authorization_header: Bearer e2e-export-token
`, rules, rcv.addr)
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: cfg,
		// Export every 20ms instead of every 5s: the test waits less.
		Env: []string{"OTEL_BSP_SCHEDULE_DELAY=20"}})

	// A route that reads the database, called with a client's trace.
	const clientTrace, clientSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req, _ := http.NewRequest("GET", in.Admin+"/admin/identities", nil)
	req.Header.Set("traceparent", traceparent(clientTrace, clientSpan))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("list identities: %d", res.StatusCode)
	}
	srv := rcv.wait(t, "server span of GET /admin/identities", func(s received) bool {
		return s.Name == "GET /admin/identities" && hexID(s.TraceId) == clientTrace
	})
	if hexID(srv.ParentSpanId) != clientSpan || srv.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("server span: parent %s kind %v", hexID(srv.ParentSpanId), srv.Kind)
	}
	if got := str(srv.Attributes, "request_id"); got == "" || got != res.Header.Get("X-Request-Id") {
		t.Errorf("request_id attribute %q, X-Request-Id %q", got, res.Header.Get("X-Request-Id"))
	}
	if srv.service != "cerberus-e2e" || str(srv.Attributes, "http.route") != "/admin/identities" {
		t.Errorf("service %q, http.route %q", srv.service, str(srv.Attributes, "http.route"))
	}
	db := rcv.wait(t, "database span under the request", func(s received) bool {
		return string(s.ParentSpanId) == string(srv.SpanId) && s.Kind == tracepb.Span_SPAN_KIND_CLIENT
	})
	if str(db.Attributes, "db.system.name") != "postgresql" || !strings.Contains(str(db.Attributes, "db.query.text"), "identities") {
		t.Errorf("database span %q: %v", db.Name, db.Attributes)
	}

	// Through the proxy: the upstream gets the trace, as a child of the
	// proxy's client span, itself a child of the proxy's server span.
	const proxyTrace = "0af7651916cd43dd8448eb211c80319c"
	req, _ = http.NewRequest("GET", in.Proxy+"/orders/7", nil)
	req.Host = "app.test"
	req.Header.Set("traceparent", traceparent(proxyTrace, "b7ad6b7169203331"))
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("proxy: %d", res.StatusCode)
	}
	got, _ := upstreamParent.Load("/orders/7")
	parts := strings.Split(fmt.Sprint(got), "-")
	if len(parts) != 4 || parts[1] != proxyTrace || parts[2] == "b7ad6b7169203331" {
		t.Fatalf("upstream traceparent %q", got)
	}
	client := rcv.wait(t, "proxy's client span", func(s received) bool { return hexID(s.SpanId) == parts[2] })
	proxySrv := rcv.wait(t, "proxy's server span", func(s received) bool { return string(s.SpanId) == string(client.ParentSpanId) })
	if client.Kind != tracepb.Span_SPAN_KIND_CLIENT || proxySrv.Name != "GET /" || hexID(proxySrv.ParentSpanId) != "b7ad6b7169203331" ||
		str(proxySrv.Attributes, "cerberus.listener") != "proxy" {
		t.Errorf("proxy spans: client %q %v, server %q parent %s", client.Name, client.Kind, proxySrv.Name, hexID(proxySrv.ParentSpanId))
	}

	rcv.mu.Lock()
	auth := rcv.auth[0]
	rcv.mu.Unlock()
	if auth != "Bearer e2e-export-token" {
		t.Errorf("export Authorization %q", auth)
	}
	if out := in.Output(); strings.Contains(out, "e2e-export-token") || !strings.Contains(out, "tracing: exporting spans") {
		t.Errorf("the start-up log line is missing, or the export token was logged:\n%s", out)
	}
}

// TestSeed004OathkeeperConfigTracesToJaeger starts the binary with seed
// 004's Oathkeeper config as written, its Jaeger and metrics hosts and
// ports pointed at the test's own: remote sampling is polled for the
// service, the metrics listener serves the registry, and the spans
// queued when SIGTERM comes are flushed to Jaeger's OTLP endpoint.
func TestSeed004OathkeeperConfigTracesToJaeger(t *testing.T) {
	rcv := newOTLPReceiver(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "echo") }))
	defer upstream.Close()
	dir := testbin.TempDir(t)
	rules := filepath.Join(dir, "rules.json")
	os.WriteFile(rules, []byte(strings.ReplaceAll(readSeed(t, "004/play1-anonymous.json"), "{{UPSTREAM}}", upstream.URL)), 0o644)
	metrics := testbin.FreePorts(t, 1)[0]
	cfg := strings.NewReplacer(
		"{{RULES}}", "file://"+rules,
		// Never called: the anonymous rule asks neither Kratos nor a key set.
		"{{KRATOS}}", "http://kratos-public.auth",
		"{{JWKS}}", "https://login.windows.net/common/discovery/keys",
		"jaeger.monitoring:6831", rcv.addr,
		"http://jaeger.monitoring:5778/sampling", rcv.url+"/sampling",
		"  prometheus:\n    host: 0.0.0.0\n    port: 9000\n", fmt.Sprintf("  prometheus:\n    host: 127.0.0.1\n    port: %d\n", metrics),
	).Replace(readSeed(t, "004/oathkeeper.yaml"))
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: cfg, Dir: dir,
		// Only the shutdown flush can deliver the spans.
		Env: []string{"OTEL_BSP_SCHEDULE_DELAY=600000"}})

	const trace = "5bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest("GET", in.Proxy+"/", nil)
	req.Host = "echo.developer-friendly.blog"
	req.Header.Set("traceparent", traceparent(trace, "00f067aa0ba902b7"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "echo" {
		t.Fatalf("proxy: %d %s", res.StatusCode, body)
	}

	code, _, metricsBody := httpDo(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics), "")
	if code != 200 || !strings.Contains(string(metricsBody), `ory_oathkeeper_requests_total{method="GET",request="/",service="oathkeeper-proxy",status_code="200"} 1`) ||
		!strings.Contains(string(metricsBody), "cerberus_http_requests_total") {
		t.Errorf("metrics listener: %d\n%s", code, metricsBody)
	}
	if code, _, _ := httpDo(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/health/ready", metrics), ""); code != 200 {
		t.Errorf("metrics listener /health/ready: %d", code)
	}

	rcv.mu.Lock()
	polled := append([]string(nil), rcv.polled...)
	rcv.mu.Unlock()
	if len(polled) == 0 || polled[0] != "oathkeeper" {
		t.Errorf("remote sampling polls: %v", polled)
	}

	in.Stop(t)
	s := rcv.wait(t, "flushed proxy span", func(s received) bool { return hexID(s.TraceId) == trace && s.Kind == tracepb.Span_SPAN_KIND_SERVER })
	if s.service != "oathkeeper" || s.Name != "GET /" {
		t.Errorf("span %q of service %q", s.Name, s.service)
	}
	out := in.Output()
	for _, want := range []string{"leak_sensitive_values is true", "Jaeger remote sampling from " + rcv.url + "/sampling", "tracing: spans flushed"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// TestConfigValidateAcceptsTheSeedOathkeeperConfigs: seed 001's and 004's
// Oathkeeper configs, whole and with their own hosts, validate.
func TestConfigValidateAcceptsTheSeedOathkeeperConfigs(t *testing.T) {
	dir := t.TempDir()
	for _, seed := range []struct{ config, rules string }{{"001/oathkeeper.yaml", "001/access-rules.json"}, {"004/oathkeeper.yaml", "004/play3-azure.json"}} {
		t.Run(seed.config, func(t *testing.T) {
			rules := filepath.Join(dir, strings.ReplaceAll(seed.rules, "/", "-"))
			// The seeds' own hosts (the fixtures' placeholders stand for them).
			own := strings.NewReplacer("{{RULES}}", "file://"+rules, "{{UPSTREAM}}", "http://echo-server.default",
				"{{KRATOS}}", "http://kratos-public", "{{JWKS}}", "https://login.windows.net/common/discovery/keys")
			os.WriteFile(rules, []byte(own.Replace(readSeed(t, seed.rules))), 0o644)
			cfg := filepath.Join(dir, strings.ReplaceAll(seed.config, "/", "-"))
			os.WriteFile(cfg, []byte(own.Replace(readSeed(t, seed.config))), 0o644)
			out, code := testbin.Run(t, t.Context(), nil, "config", "validate", "--dev", "--config", cfg)
			if code != 0 || !strings.Contains(out, "The configuration is valid.") {
				t.Fatalf("exit %d:\n%s", code, out)
			}
		})
	}
}

func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "proxy", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
