package tracing

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// otlpDefaultPath is where OTLP/HTTP receivers take traces.
const otlpDefaultPath = "/v1/traces"

// jaegerLegacyPorts are Jaeger's agent (UDP Thrift, 5775/6831/6832),
// collector Thrift (14268), gRPC (14250) and OTLP/gRPC (4317) ports: none
// speaks OTLP/HTTP, which the same host takes on 4318.
var jaegerLegacyPorts = map[string]bool{"5775": true, "6831": true, "6832": true, "14250": true, "14268": true, "4317": true}

// otlpEndpoint resolves providers.otlp.server_url to a URL: host:port is
// Ory's form (https unless insecure), a URL is taken as given.
func otlpEndpoint(o config.OTLPTracing) (string, error) {
	raw := o.ServerURL
	if raw == "" {
		raw = "localhost:4318"
	}
	if strings.Contains(raw, "://") {
		return withDefaultPath(raw)
	}
	if err := checkHostPort(raw); err != nil {
		return "", err
	}
	scheme := "https"
	if o.Insecure {
		scheme = "http"
	}
	return scheme + "://" + raw + otlpDefaultPath, nil
}

// jaegerEndpoint resolves the Jaeger collector's OTLP/HTTP URL:
// collector_url when given, else the host of local_agent_address on 4318
// when its port is one of Jaeger's others, else that host:port.
func jaegerEndpoint(j config.JaegerTracing) (string, error) {
	if j.CollectorURL != "" {
		u, err := withDefaultPath(j.CollectorURL)
		if err != nil {
			return "", err
		}
		if p, _ := url.Parse(u); p.Port() == "14268" {
			return "", fmt.Errorf("port 14268 is Jaeger's Thrift endpoint; Cerberus sends OTLP/HTTP, which Jaeger takes on port 4318")
		}
		return u, nil
	}
	addr := j.LocalAgentAddress
	if addr == "" {
		addr = "localhost:4318"
	}
	if err := checkHostPort(addr); err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	if jaegerLegacyPorts[port] {
		port = "4318"
	}
	return "http://" + net.JoinHostPort(host, port) + otlpDefaultPath, nil
}

func withDefaultPath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = otlpDefaultPath
	}
	return u.String(), nil
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("%q is neither host:port nor an http(s) URL", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	return nil
}
