package config

import (
	"net"
	"strconv"
	"time"
)

// Listener names, as used in config keys, metrics and logs.
const (
	ListenerPublic = "public"
	ListenerAdmin  = "admin"
	ListenerProxy  = "proxy"
	ListenerAPI    = "api"
	// ListenerPrometheus is Oathkeeper's separate metrics listener
	// (serve.prometheus), off unless configured.
	ListenerPrometheus = "prometheus"
)

// Serve configures the four listeners, and the optional metrics listener.
type Serve struct {
	Public Listener `json:"public"`
	Admin  Listener `json:"admin"`
	Proxy  Listener `json:"proxy"`
	API    Listener `json:"api"`
	// Prometheus is nil unless the configuration mentions it.
	Prometheus *Prometheus `json:"prometheus,omitempty"`
	// ShutdownTimeout bounds how long SIGTERM waits for in-flight requests.
	ShutdownTimeout Duration `json:"shutdown_timeout,omitempty"`
}

// Listener configures one HTTP listener.
type Listener struct {
	// Enabled defaults to true; set false to not open this port at all.
	Enabled *bool  `json:"enabled,omitempty"`
	Host    string `json:"host,omitempty"`
	Port    int    `json:"port,omitempty"`
	// BaseURL is how the outside world reaches this listener. Defaults to
	// http://127.0.0.1:<port>/ (or the bound host).
	BaseURL        string     `json:"base_url,omitempty"`
	TLS            *TLS       `json:"tls,omitempty"`
	CORS           CORS       `json:"cors"`
	Timeout        Timeouts   `json:"timeout"`
	RequestLog     RequestLog `json:"request_log"`
	MaxBodyBytes   int64      `json:"max_body_bytes,omitempty"`
	TrustForward   bool       `json:"trust_forwarded_headers,omitempty"`
	TrustedProxies []string   `json:"trusted_proxies,omitempty"`
}

// TLS names a certificate and key, each from a file or inline base64 PEM.
type TLS struct {
	Cert PEM `json:"cert"`
	Key  PEM `json:"key"`
}

// PEM is PEM data from a file path or base64.
type PEM struct {
	Path   string `json:"path,omitempty"`
	Base64 string `json:"base64,omitempty"`
}

// CORS is the rs/cors configuration Ory's listeners accept.
type CORS struct {
	Enabled          bool     `json:"enabled,omitempty"`
	AllowedOrigins   []string `json:"allowed_origins,omitempty"`
	AllowedMethods   []string `json:"allowed_methods,omitempty"`
	AllowedHeaders   []string `json:"allowed_headers,omitempty"`
	ExposedHeaders   []string `json:"exposed_headers,omitempty"`
	AllowCredentials bool     `json:"allow_credentials,omitempty"`
	MaxAge           int      `json:"max_age,omitempty"`
	Debug            bool     `json:"debug,omitempty"`
}

// Timeouts bound the phases of a connection.
type Timeouts struct {
	Read       Duration `json:"read,omitempty"`
	ReadHeader Duration `json:"read_header,omitempty"`
	Write      Duration `json:"write,omitempty"`
	Idle       Duration `json:"idle,omitempty"`
}

// RequestLog tunes the per-request log line.
type RequestLog struct {
	DisableForHealth bool `json:"disable_for_health,omitempty"`
}

// IsEnabled reports whether the listener should be opened.
func (l Listener) IsEnabled() bool { return l.Enabled == nil || *l.Enabled }

// Addr is the host:port to bind.
func (l Listener) Addr() string { return net.JoinHostPort(l.Host, strconv.Itoa(l.Port)) }

// All returns the listeners by name, in a stable order.
func (s *Serve) All() []NamedListener {
	return []NamedListener{
		{ListenerPublic, &s.Public},
		{ListenerAdmin, &s.Admin},
		{ListenerProxy, &s.Proxy},
		{ListenerAPI, &s.API},
	}
}

// NamedListener pairs a listener with its config name.
type NamedListener struct {
	Name string
	*Listener
}

var defaultPorts = map[string]int{
	ListenerPublic: 4433,
	ListenerAdmin:  4434,
	ListenerProxy:  4455,
	ListenerAPI:    4456,
	// Oathkeeper's metrics port.
	ListenerPrometheus: 9000,
}

func (s *Serve) applyDefaults() {
	if s.ShutdownTimeout == 0 {
		s.ShutdownTimeout = Duration(30 * time.Second)
	}
	for _, nl := range s.All() {
		nl.applyDefaults(nl.Name)
	}
	if s.Prometheus != nil {
		s.Prometheus.applyDefaults()
	}
}

func (l *Listener) applyDefaults(name string) {
	if l.Port == 0 {
		l.Port = defaultPorts[name]
	}
	if l.BaseURL == "" {
		host := l.Host
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		scheme := "http"
		if l.TLS != nil {
			scheme = "https"
		}
		l.BaseURL = scheme + "://" + net.JoinHostPort(host, strconv.Itoa(l.Port)) + "/"
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = 1 << 20
	}
	t := &l.Timeout
	if t.ReadHeader == 0 {
		t.ReadHeader = Duration(10 * time.Second)
	}
	if t.Read == 0 {
		t.Read = Duration(30 * time.Second)
	}
	if t.Write == 0 {
		t.Write = Duration(120 * time.Second)
	}
	if t.Idle == 0 {
		t.Idle = Duration(120 * time.Second)
	}
}

// Prometheus is Oathkeeper's metrics listener (serve.prometheus). It is
// enabled by being present.
type Prometheus struct {
	// Enabled defaults to true: the key being present asks for the listener.
	Enabled *bool  `json:"enabled,omitempty"`
	Host    string `json:"host,omitempty"`
	// Port defaults to 9000, Oathkeeper's.
	Port int `json:"port,omitempty"`
	// MetricsPath defaults to /metrics.
	MetricsPath string `json:"metrics_path,omitempty"`
	// MetricNamePrefix names the Oathkeeper-compatible request metrics
	// (default ory_oathkeeper_).
	MetricNamePrefix string `json:"metric_name_prefix,omitempty"`
	// HideRequestPaths empties their request label.
	HideRequestPaths bool `json:"hide_request_paths,omitempty"`
	// CollapseRequestPaths keeps the first path segment only (default true).
	CollapseRequestPaths *bool `json:"collapse_request_paths,omitempty"`
}

// PrometheusEnabled reports whether the metrics listener is configured.
func (s *Serve) PrometheusEnabled() bool {
	return s.Prometheus != nil && (s.Prometheus.Enabled == nil || *s.Prometheus.Enabled)
}

// Collapse reports whether request labels keep the first segment only.
func (p *Prometheus) Collapse() bool { return p.CollapseRequestPaths == nil || *p.CollapseRequestPaths }

// Listener is the metrics listener as a plain listener: bound where
// configured, with the default timeouts and body limit.
func (p *Prometheus) Listener() Listener {
	l := Listener{Host: p.Host, Port: p.Port}
	l.applyDefaults(ListenerPrometheus)
	return l
}

func (p *Prometheus) applyDefaults() {
	if p.Port == 0 {
		p.Port = 9000
	}
	if p.MetricsPath == "" {
		p.MetricsPath = "/metrics"
	}
	if p.MetricNamePrefix == "" {
		p.MetricNamePrefix = "ory_oathkeeper_"
	}
}
