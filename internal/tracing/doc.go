// Package tracing turns the tracing configuration (Ory's keys) into an
// OpenTelemetry tracer provider and hands the process its three kinds of
// span: a server span per request (Server, plugged into the listeners'
// Observe chain through httpx.Tracer), a client span per outbound request
// with the trace context injected (Transport, used by the proxy for
// upstreams and by outbound clients), and a span per database query made
// for a traced request (QueryTracer, set on the pgx pool). Trace context
// is read and written as Ory's services do: W3C traceparent (which wins on
// the way in), Jaeger's uber-trace-id, B3 and W3C baggage.
//
// Providers: otel exports OTLP/HTTP to providers.otlp; jaeger exports
// OTLP/HTTP to the Jaeger collector (Jaeger accepts OTLP since 1.35; the
// Thrift agent protocol Ory used is not spoken), optionally sampling by
// Jaeger's remote strategies; zipkin uses OpenTelemetry's Zipkin exporter.
// With no provider, New returns nil and every accessor hands back nothing
// to call: tracing off costs no allocation on any request.
//
// Spans never carry secrets: paths without queries, SQL text without
// arguments, no headers. Neighbours: internal/config (Tracing),
// internal/httpx (the Tracer interface it implements), cmd/cerberus (wiring
// and shutdown).
package tracing
