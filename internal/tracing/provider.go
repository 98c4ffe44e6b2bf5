package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/contrib/propagators/b3"
	jaegerprop "go.opentelemetry.io/contrib/propagators/jaeger"
	"go.opentelemetry.io/contrib/samplers/jaegerremote"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/zipkin"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/cerberus-iam/cerberus/internal/buildinfo"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// instrumentation names the tracer that makes Cerberus's spans.
const instrumentation = "github.com/cerberus-iam/cerberus"

// Provider is a configured tracer provider. A nil *Provider is tracing off:
// its accessors return nothing to call and Shutdown does nothing.
type Provider struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
	remote *jaegerremote.Sampler
	// about is what Announce logs: provider, endpoint, service, sampler.
	about []any
}

// New builds the provider c names, or returns nil when c names none. It
// does not contact the collector: an unreachable one costs failed exports
// (logged), never the start.
func New(ctx context.Context, c config.Tracing, log *slog.Logger) (*Provider, error) {
	if err := Validate(c); err != nil {
		return nil, err
	}
	if !c.Enabled() {
		return nil, nil
	}
	// The SDK reports export failures through OpenTelemetry's global
	// handlers; send them to our log, as JSON lines like every other.
	otel.SetLogger(logr.FromSlogHandler(log.Handler()))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("tracing: exporting spans failed", "error", err)
	}))

	exp, endpoint, err := exporter(ctx, c, log)
	if err != nil {
		return nil, err
	}
	res, err := resource.New(ctx,
		resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(resourceAttrs(c)...))
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	p := &Provider{prop: propagator()}
	sampler, desc := p.sampler(c, log)
	p.tp = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res), sdktrace.WithSampler(sampler))
	p.tracer = p.tp.Tracer(instrumentation, trace.WithInstrumentationVersion(buildinfo.Version()))
	p.about = []any{"provider", c.Provider, "endpoint", endpoint, "service_name", c.ServiceName, "sampler", desc}
	return p, nil
}

// Announce logs where spans go, or that tracing is off. serve calls it once
// the listeners are bound, so a start that fails says only why.
func (p *Provider) Announce(log *slog.Logger) {
	if p == nil {
		log.Info("no tracer configured: tracing is off")
		return
	}
	log.Info("tracing: exporting spans", p.about...)
}

// propagator reads and writes trace context in the formats Ory's services
// use, so traces keep joining up with services that still speak Jaeger's or
// Zipkin's: W3C traceparent/tracestate, Jaeger's uber-trace-id, B3 (single
// and multiple headers) and W3C baggage. On the way in, traceparent wins
// when a request carries several.
func propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(
		jaegerprop.Jaeger{},
		b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader|b3.B3SingleHeader)),
		propagation.TraceContext{},
		propagation.Baggage{},
	)
}

func resourceAttrs(c config.Tracing) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.ServiceName(c.ServiceName), semconv.ServiceVersion(buildinfo.Version())}
	if c.DeploymentEnvironment != "" {
		attrs = append(attrs, semconv.DeploymentEnvironmentNameKey.String(c.DeploymentEnvironment))
	}
	return attrs
}

// exporter builds the span exporter of c.Provider and says where it sends.
func exporter(ctx context.Context, c config.Tracing, log *slog.Logger) (sdktrace.SpanExporter, string, error) {
	switch c.Provider {
	case "zipkin":
		u := c.Providers.Zipkin.ServerURL
		if u == "" {
			u = "http://localhost:9411/api/v2/spans"
		}
		exp, err := zipkin.New(u, zipkin.WithLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn)))
		if err != nil {
			return nil, "", fmt.Errorf("tracing.providers.zipkin.server_url: %w", err)
		}
		return exp, u, nil
	case "jaeger":
		u, _ := jaegerEndpoint(c.Providers.Jaeger) // Validate checked it
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u))
		return exp, u, err
	default: // otel
		o := c.Providers.OTLP
		u, _ := otlpEndpoint(o)
		opts := []otlptracehttp.Option{otlptracehttp.WithEndpointURL(u)}
		if o.AuthorizationHeader != "" {
			opts = append(opts, otlptracehttp.WithHeaders(map[string]string{"Authorization": o.AuthorizationHeader}))
		}
		exp, err := otlptracehttp.New(ctx, opts...)
		return exp, u, err
	}
}

// sampler is Ory's: a trace id ratio (default 1 here, where Ory's zero
// value samples nothing), for jaeger optionally replaced by the strategy
// the remote sampling server hands out, and a parent's decision (from
// traceparent) always wins.
func (p *Provider) sampler(c config.Tracing, log *slog.Logger) (sdktrace.Sampler, string) {
	var ratio *float64
	switch c.Provider {
	case "otel":
		ratio = c.Providers.OTLP.Sampling.SamplingRatio
	case "zipkin":
		ratio = c.Providers.Zipkin.Sampling.SamplingRatio
	case "jaeger":
		ratio = c.Providers.Jaeger.Sampling.TraceIDRatio
	}
	r := 1.0
	if ratio != nil {
		r = *ratio
	}
	base := sdktrace.TraceIDRatioBased(r)
	desc := "parent, else ratio " + strconv.FormatFloat(r, 'g', -1, 64)
	if url := c.Providers.Jaeger.Sampling.ServerURL; c.Provider == "jaeger" && url != "" {
		p.remote = jaegerremote.New(c.ServiceName,
			jaegerremote.WithSamplingServerURL(url),
			jaegerremote.WithInitialSampler(base),
			jaegerremote.WithSamplingRefreshInterval(time.Minute),
			jaegerremote.WithLogger(logr.FromSlogHandler(log.Handler())))
		base = p.remote
		desc = "parent, else Jaeger remote sampling from " + url + " (ratio " + strconv.FormatFloat(r, 'g', -1, 64) + " until it answers)"
	}
	return sdktrace.ParentBased(base), desc
}

// Shutdown stops remote sampling and flushes the spans still queued, within
// ctx's deadline.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p == nil {
		return nil
	}
	if p.remote != nil {
		p.remote.Close()
	}
	if err := p.tp.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: flushing spans: %w", err)
	}
	return nil
}

// Server is the listeners' span starter, or nil when tracing is off.
func (p *Provider) Server() httpx.Tracer {
	if p == nil {
		return nil
	}
	return &server{tracer: p.tracer, prop: p.prop}
}

// Transport wraps base so outbound requests made for a traced request get
// a client span and carry its traceparent; with tracing off it is base.
func (p *Provider) Transport(base http.RoundTripper) http.RoundTripper {
	if p == nil {
		return base
	}
	return &transport{base: base, tracer: p.tracer, prop: p.prop}
}

// QueryTracer traces the database queries made for a traced request, or is
// nil when tracing is off (pgx then skips tracing entirely).
func (p *Provider) QueryTracer() pgx.QueryTracer {
	if p == nil {
		return nil
	}
	return &queryTracer{tracer: p.tracer}
}
