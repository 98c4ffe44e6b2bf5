package tracing

import (
	"context"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// RequestIDKey is the span attribute carrying the request id, the same
// value as the X-Request-Id response header and the access log's
// request_id.
const RequestIDKey = attribute.Key("request_id")

// ListenerKey names the listener that served the request.
const ListenerKey = attribute.Key("cerberus.listener")

// server starts the server span of each request.
type server struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// StartServer continues the caller's trace when the request carries a
// traceparent (W3C Trace Context), else starts one. The span is named by
// the method until the mux has chosen the route.
func (s *server) StartServer(r *http.Request, listener string) (context.Context, httpx.ServerSpan) {
	ctx := s.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(r.Method),
		semconv.URLPath(valid(r.URL.Path)),
		semconv.URLScheme(scheme),
		semconv.ServerAddress(valid(hostOnly(r.Host))),
		semconv.NetworkProtocolVersion(protocolVersion(r)),
		RequestIDKey.String(httpx.RequestID(r.Context())),
		ListenerKey.String(listener),
	}
	if ip := httpx.ClientIP(r.Context()); ip != "" {
		attrs = append(attrs, semconv.ClientAddress(ip))
	}
	if ua := r.UserAgent(); ua != "" {
		attrs = append(attrs, semconv.UserAgentOriginal(valid(ua)))
	}
	ctx, span := s.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	return ctx, serverSpan{span: span, method: r.Method}
}

type serverSpan struct {
	span   trace.Span
	method string
}

func (s serverSpan) TraceID() string { return s.span.SpanContext().TraceID().String() }

// End names the span "METHOD /route" (the ServeMux pattern, which already
// starts with the method when the route was registered with one) and
// records the status: 5xx is an error of this server, 4xx the client's.
func (s serverSpan) End(pattern string, status int) {
	if pattern != "" {
		route := pattern
		if i := strings.IndexByte(pattern, ' '); i >= 0 {
			route = pattern[i+1:]
		} else {
			pattern = s.method + " " + pattern
		}
		s.span.SetName(pattern)
		s.span.SetAttributes(semconv.HTTPRoute(route))
	}
	s.span.SetAttributes(semconv.HTTPResponseStatusCode(status))
	if status >= 500 {
		s.span.SetStatus(codes.Error, http.StatusText(status))
	}
	s.span.End()
}

// valid replaces bytes that are not UTF-8: OTLP carries strings as
// protobuf strings, and one invalid value (a path with %ff in it) would
// fail the export of its whole batch.
func valid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// hostOnly drops the port of a Host header.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

func protocolVersion(r *http.Request) string {
	switch r.ProtoMajor {
	case 2:
		return "2"
	case 3:
		return "3"
	}
	if r.ProtoMinor == 0 {
		return "1.0"
	}
	return "1.1"
}

// Interface guards
var (
	_ httpx.Tracer     = (*server)(nil)
	_ httpx.ServerSpan = serverSpan{}
)
