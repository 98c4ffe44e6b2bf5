package tracing

import (
	"fmt"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// Validate checks what the schema cannot: the provider name (with advice
// for the ones Ory's older versions or other tools knew) and the endpoint
// of the chosen provider.
func Validate(c config.Tracing) error {
	var err error
	switch c.Provider {
	case "":
		return nil
	case "otel":
		_, err = otlpEndpoint(c.Providers.OTLP)
		if err != nil {
			return fmt.Errorf("tracing.providers.otlp.server_url: %w", err)
		}
	case "jaeger":
		_, err = jaegerEndpoint(c.Providers.Jaeger)
		if err != nil {
			key := "local_agent_address"
			if c.Providers.Jaeger.CollectorURL != "" {
				key = "collector_url"
			}
			return fmt.Errorf("tracing.providers.jaeger.%s: %w", key, err)
		}
	case "zipkin":
	case "otlp":
		return fmt.Errorf("tracing.provider: otlp is spelled otel (its settings stay under tracing.providers.otlp)")
	default:
		return fmt.Errorf("tracing.provider: %q is not supported: use otel (OTLP/HTTP, which the OpenTelemetry Collector and most tracing backends and agents accept, Datadog, Elastic APM and Instana included), jaeger or zipkin", c.Provider)
	}
	return nil
}
