package tracing

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestEndpoints(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  config.Tracing
		want string
	}{
		{"otel host:port is https (Ory)", otelCfg("collector:4318", false), "https://collector:4318/v1/traces"},
		{"otel insecure", otelCfg("collector:4318", true), "http://collector:4318/v1/traces"},
		{"otel URL as given", otelCfg("http://collector:4318/custom", false), "http://collector:4318/custom"},
		{"otel URL without path", otelCfg("https://otlp.example.com", true), "https://otlp.example.com/v1/traces"},
		{"otel default", otelCfg("", false), "https://localhost:4318/v1/traces"},
		{"jaeger agent port goes to OTLP/HTTP (seed 004)", jaeger("jaeger.monitoring:6831", ""), "http://jaeger.monitoring:4318/v1/traces"},
		{"jaeger thrift collector port too", jaeger("jaeger:14268", ""), "http://jaeger:4318/v1/traces"},
		{"jaeger other port is the OTLP port", jaeger("127.0.0.1:39999", ""), "http://127.0.0.1:39999/v1/traces"},
		{"jaeger IPv6", jaeger("[::1]:6831", ""), "http://[::1]:4318/v1/traces"},
		{"jaeger collector_url wins", jaeger("jaeger:6831", "https://jaeger.example.com"), "https://jaeger.example.com/v1/traces"},
		{"jaeger default", jaeger("", ""), "http://localhost:4318/v1/traces"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got string
			var err error
			if c.cfg.Provider == "otel" {
				got, err = otlpEndpoint(c.cfg.Providers.OTLP)
			} else {
				got, err = jaegerEndpoint(c.cfg.Providers.Jaeger)
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q %v, want %q", got, err, c.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  config.Tracing
		want string
	}{
		{config.Tracing{Provider: "datadog"}, `tracing.provider: "datadog" is not supported: use otel`},
		{config.Tracing{Provider: "otlp"}, "tracing.provider: otlp is spelled otel"},
		{otelCfg("collector", false), `tracing.providers.otlp.server_url: "collector" is neither host:port nor an http(s) URL`},
		{otelCfg("ftp://x", false), `tracing.providers.otlp.server_url: "ftp://x" is not an http(s) URL`},
		{jaeger("", "http://jaeger:14268/api/traces"), "tracing.providers.jaeger.collector_url: port 14268 is Jaeger's Thrift endpoint"},
	} {
		err := Validate(c.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("got %v, want %s…", err, c.want)
		}
	}
	for _, ok := range []config.Tracing{{}, {Provider: "zipkin"}, otelCfg("c:4318", true), jaeger("jaeger.monitoring:6831", "")} {
		if err := Validate(ok); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}

func otelCfg(url string, insecure bool) config.Tracing {
	return config.Tracing{Provider: "otel", Providers: config.TracingProviders{OTLP: config.OTLPTracing{ServerURL: url, Insecure: insecure}}}
}

func jaeger(agent, collector string) config.Tracing {
	return config.Tracing{Provider: "jaeger", Providers: config.TracingProviders{Jaeger: config.JaegerTracing{LocalAgentAddress: agent, CollectorURL: collector}}}
}
