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
)

// Serve configures the four listeners.
type Serve struct {
	Public Listener `json:"public"`
	Admin  Listener `json:"admin"`
	Proxy  Listener `json:"proxy"`
	API    Listener `json:"api"`
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
}

func (s *Serve) applyDefaults() {
	if s.ShutdownTimeout == 0 {
		s.ShutdownTimeout = Duration(30 * time.Second)
	}
	for _, nl := range s.All() {
		l := nl.Listener
		if l.Port == 0 {
			l.Port = defaultPorts[nl.Name]
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
}
