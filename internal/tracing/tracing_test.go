package tracing

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// recorded is a Provider whose spans stay in memory, sampled always.
func recorded(t *testing.T) (*Provider, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &Provider{tp: tp, tracer: tp.Tracer(instrumentation), prop: propagator()}, rec
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, a := range s.Attributes() {
		if string(a.Key) == key {
			return a.Value.Emit()
		}
	}
	return ""
}

// listener is what internal/server puts around a listener's mux.
func listener(p *Provider, mux *http.ServeMux) http.Handler {
	return httpx.WithRequestID(httpx.Observe(httpx.Observation{Listener: "public", Tracer: p.Server(), Quiet: true}, mux))
}

const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestServerSpanIsNamedByTheRouteAndContinuesTheCallersTrace(t *testing.T) {
	p, rec := recorded(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	h := listener(p, mux)

	r := httptest.NewRequest("GET", "/items/42?token=secret", nil)
	r.Header.Set("traceparent", parent)
	r.Header.Set("X-Request-Id", "req-1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/fail", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere", nil))
	// Probes get no span.
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/health/ready", nil))

	spans := rec.Ended()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Name() != "GET /items/{id}" || s.SpanKind() != trace.SpanKindServer {
		t.Errorf("name %q kind %v", s.Name(), s.SpanKind())
	}
	if s.Parent().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || s.Parent().SpanID().String() != "00f067aa0ba902b7" ||
		s.SpanContext().TraceID() != s.Parent().TraceID() {
		t.Errorf("traceparent not continued: parent %v", s.Parent())
	}
	for k, want := range map[string]string{"request_id": "req-1", "http.route": "/items/{id}", "url.path": "/items/42",
		"http.response.status_code": "200", "cerberus.listener": "public", "http.request.method": "GET"} {
		if got := attr(s, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, a := range s.Attributes() {
		if strings.Contains(a.Value.Emit(), "secret") {
			t.Errorf("the query leaked into %s", a.Key)
		}
	}
	// A pattern without a method is prefixed with it; 5xx is an error.
	if s := spans[1]; s.Name() != "POST /fail" || s.Status().Code.String() != "Error" || s.Parent().IsValid() {
		t.Errorf("second span: %q %v parent %v", s.Name(), s.Status(), s.Parent())
	}
	// No route: the method alone; 404 is the client's error, not ours.
	if s := spans[2]; s.Name() != "GET" || s.Status().Code.String() != "Unset" {
		t.Errorf("unmatched: %q %v", s.Name(), s.Status())
	}
}

// A caller that speaks B3 or Jaeger's format is continued too; traceparent
// wins when a request carries several.
func TestServerSpanContinuesB3AndJaegerCallers(t *testing.T) {
	p, rec := recorded(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	h := listener(p, mux)
	for _, hdr := range []map[string]string{
		{"b3": "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"},
		{"uber-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"},
		{"traceparent": parent, "b3": "11111111111111111111111111111111-2222222222222222-1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	for i, s := range rec.Ended() {
		if s.Parent().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || s.Parent().SpanID().String() != "00f067aa0ba902b7" {
			t.Errorf("request %d: parent %v", i, s.Parent())
		}
	}
}

// A path that is not UTF-8 must not reach the exporter as is: one invalid
// protobuf string fails the export of a whole batch.
func TestAttributesAreValidUTF8(t *testing.T) {
	p, rec := recorded(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	listener(p, mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a%ffb", nil))
	if got := attr(rec.Ended()[0], "url.path"); got != "/a\uFFFDb" {
		t.Fatalf("url.path = %q", got)
	}
}

func TestTransportSendsTheSpanOnAndLeavesUntracedRequestsAlone(t *testing.T) {
	p, rec := recorded(t)
	var got http.Header
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		io.WriteString(w, "hello")
	}))
	defer up.Close()
	client := &http.Client{Transport: p.Transport(http.DefaultTransport)}

	// Outside a trace: untouched, a client's own traceparent included.
	req, _ := http.NewRequest("GET", up.URL+"/x?token=secret", nil)
	req.Header.Set("traceparent", parent)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if got.Get("traceparent") != parent || len(rec.Ended()) != 0 {
		t.Fatalf("untraced request changed: %q, %d spans", got.Get("traceparent"), len(rec.Ended()))
	}

	// Within a trace: a client span, whose context goes upstream.
	ctx, span := p.tracer.Start(context.Background(), "request")
	req, _ = http.NewRequestWithContext(ctx, "GET", up.URL+"/x?token=secret", nil)
	req.Header.Set("traceparent", parent)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Ended()) != 0 {
		t.Fatal("client span ended before the body was read")
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	span.End()
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	c := spans[0]
	want := "00-" + c.SpanContext().TraceID().String() + "-" + c.SpanContext().SpanID().String() + "-01"
	if got.Get("traceparent") != want || c.Parent().SpanID() != span.SpanContext().SpanID() || c.SpanKind() != trace.SpanKindClient {
		t.Fatalf("upstream got traceparent %q, want %q (client span parent %v)", got.Get("traceparent"), want, c.Parent())
	}
	if u := attr(c, "url.full"); u != up.URL+"/x" || attr(c, "http.response.status_code") != "200" {
		t.Errorf("url.full %q, status %q", u, attr(c, "http.response.status_code"))
	}
	if req.Header.Get("traceparent") != parent {
		t.Error("the transport changed the caller's request")
	}
	// Ory's other formats go along, for services that still read them.
	ids := c.SpanContext().TraceID().String() + "-" + c.SpanContext().SpanID().String()
	if got.Get("b3") != ids+"-1" || got.Get("X-B3-Traceid") != c.SpanContext().TraceID().String() ||
		!strings.HasPrefix(got.Get("uber-trace-id"), c.SpanContext().TraceID().String()+":"+c.SpanContext().SpanID().String()+":") {
		t.Errorf("b3 %q, X-B3-TraceId %q, uber-trace-id %q", got.Get("b3"), got.Get("X-B3-Traceid"), got.Get("uber-trace-id"))
	}
}

func TestQueryTracerMakesChildSpansOfTracedRequestsOnly(t *testing.T) {
	p, rec := recorded(t)
	pool, err := storage.Open(context.Background(), pgtest.NewDSN(t), storage.PoolOptions{Tracer: p.QueryTracer()})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	// Outside any trace (a worker): no span.
	if _, err := pool.Exec(context.Background(), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Ended()); n != 0 {
		t.Fatalf("untraced query made %d spans", n)
	}

	ctx, req := p.tracer.Start(context.Background(), "GET /x")
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM identities WHERE id = $1", "00000000-0000-0000-0000-000000000000").Scan(&n); err != nil {
		t.Fatal(err)
	}
	err = pool.QueryRow(ctx, "  -- none\n select id from identities where false").Scan(&n)
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue("SELECT 1")
	b.Queue("SELECT 2")
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	req.End()

	var db []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Parent().SpanID() == req.SpanContext().SpanID() && s.SpanKind() == trace.SpanKindClient {
			db = append(db, s)
		}
	}
	if len(db) < 3 {
		t.Fatalf("%d database spans under the request", len(db))
	}
	// The pool may run its own statements first; the last three are ours.
	db = db[len(db)-3:]
	if db[0].Name() != "SELECT" || attr(db[0], "db.query.text") != "SELECT count(*) FROM identities WHERE id = $1" ||
		attr(db[0], "db.system.name") != "postgresql" || attr(db[0], "db.namespace") == "" {
		t.Errorf("query span: %q %v", db[0].Name(), db[0].Attributes())
	}
	if strings.Contains(attrString(db[0].Attributes()), "00000000-0000") {
		t.Error("an argument leaked into the span")
	}
	if db[1].Name() != "SELECT" || db[1].Status().Code.String() != "Unset" {
		t.Errorf("no rows is not an error: %q %v", db[1].Name(), db[1].Status())
	}
	if db[2].Name() != "BATCH" || attr(db[2], "db.operation.batch.size") != "2" || len(db[2].Events()) != 2 {
		t.Errorf("batch span: %q %v %d events", db[2].Name(), db[2].Attributes(), len(db[2].Events()))
	}
}

func attrString(kv []attribute.KeyValue) string {
	var b strings.Builder
	for _, a := range kv {
		b.WriteString(string(a.Key) + "=" + a.Value.Emit() + " ")
	}
	return b.String()
}

func TestOffIsNothing(t *testing.T) {
	var p *Provider
	if p.Server() != nil || p.QueryTracer() != nil || p.Shutdown(context.Background()) != nil {
		t.Fatal("a nil provider hands out tracers")
	}
	if p.Transport(http.DefaultTransport) != http.DefaultTransport {
		t.Fatal("a nil provider wraps transports")
	}
	got, err := New(context.Background(), config.Tracing{}, discard())
	if got != nil || err != nil {
		t.Fatalf("no provider configured: %v %v", got, err)
	}
}

func spanSampled(ctx context.Context) bool { return trace.SpanContextFromContext(ctx).IsSampled() }
