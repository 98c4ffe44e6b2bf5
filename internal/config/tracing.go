package config

// Tracing is Ory's tracing section (ory/x otelx keys). internal/tracing
// turns it into an OpenTelemetry tracer provider; an empty Provider means
// no tracing.
type Tracing struct {
	// Provider is otel, jaeger or zipkin; empty turns tracing off.
	Provider string `json:"provider,omitempty"`
	// ServiceName is the service.name resource attribute (default cerberus).
	ServiceName string `json:"service_name,omitempty"`
	// DeploymentEnvironment is the deployment.environment.name attribute.
	DeploymentEnvironment string           `json:"deployment_environment,omitempty"`
	Providers             TracingProviders `json:"providers"`
}

// TracingProviders holds each provider's settings; only the one named by
// Tracing.Provider is read.
type TracingProviders struct {
	OTLP   OTLPTracing   `json:"otlp"`
	Jaeger JaegerTracing `json:"jaeger"`
	Zipkin ZipkinTracing `json:"zipkin"`
}

// OTLPTracing exports OTLP over HTTP.
type OTLPTracing struct {
	// ServerURL is host:port (Ory's form) or an http(s) URL.
	ServerURL string `json:"server_url,omitempty"`
	// Insecure sends over plain HTTP when ServerURL is host:port.
	Insecure bool `json:"insecure,omitempty"`
	// AuthorizationHeader is sent as Authorization with every export.
	AuthorizationHeader string   `json:"authorization_header,omitempty"`
	Sampling            Sampling `json:"sampling"`
}

// JaegerTracing exports OTLP over HTTP to a Jaeger collector.
type JaegerTracing struct {
	// LocalAgentAddress is Ory's host:port of the Jaeger agent; its host
	// receives OTLP/HTTP (see internal/tracing for the port rule).
	LocalAgentAddress string `json:"local_agent_address,omitempty"`
	// CollectorURL (Cerberus only) is the OTLP/HTTP URL to use instead.
	CollectorURL string         `json:"collector_url,omitempty"`
	Sampling     JaegerSampling `json:"sampling"`
}

// JaegerSampling is Jaeger's sampling: a ratio, optionally replaced by the
// strategy a remote sampling server hands out.
type JaegerSampling struct {
	// TraceIDRatio is the share of new traces sampled; nil means 1.
	TraceIDRatio *float64 `json:"trace_id_ratio,omitempty"`
	// ServerURL is Jaeger's remote sampling endpoint.
	ServerURL string `json:"server_url,omitempty"`
}

// ZipkinTracing exports to Zipkin's span API.
type ZipkinTracing struct {
	ServerURL string   `json:"server_url,omitempty"`
	Sampling  Sampling `json:"sampling"`
}

// Sampling is a ratio sampler.
type Sampling struct {
	// SamplingRatio is the share of new traces sampled; nil means 1.
	SamplingRatio *float64 `json:"sampling_ratio,omitempty"`
}

// Enabled reports whether a provider is configured.
func (t Tracing) Enabled() bool { return t.Provider != "" }

func (t *Tracing) applyDefaults() {
	if t.ServiceName == "" {
		t.ServiceName = "cerberus"
	}
}
