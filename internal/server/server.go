package server

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// ReadyFunc reports why the process cannot serve traffic, or nil when it can.
type ReadyFunc func(ctx context.Context) error

// Listener is one configured listener and the mux heads mount routes on.
type Listener struct {
	Name   string
	Config config.Listener
	Mux    *http.ServeMux
	// Streaming disables the body-size limit (the proxy streams bodies to
	// upstreams).
	Streaming bool
}

// Server owns the listeners.
type Server struct {
	listeners       []*Listener
	ready           ReadyFunc
	metrics         *httpx.Metrics
	oathkeeper      *httpx.OathkeeperMetrics
	tracer          httpx.Tracer
	gatherer        prometheus.Gatherer
	shutdownTimeout time.Duration
	draining        atomic.Bool
	bound           []net.Listener
}

// New creates a mux for every enabled listener and mounts the health,
// version and metrics routes. With serve.prometheus, the metrics listener
// comes last, serving reg at its metrics_path, and requests on the proxy
// and api listeners are also counted under Oathkeeper's metric names.
func New(serve config.Serve, ready ReadyFunc, reg *prometheus.Registry) *Server {
	s := &Server{ready: ready, gatherer: reg, shutdownTimeout: serve.ShutdownTimeout.D()}
	s.metrics = httpx.NewMetrics(reg)
	for _, nl := range serve.All() {
		if !nl.IsEnabled() {
			continue
		}
		l := &Listener{Name: nl.Name, Config: *nl.Listener, Mux: http.NewServeMux(), Streaming: nl.Name == config.ListenerProxy}
		s.mountMeta(l)
		s.listeners = append(s.listeners, l)
	}
	if serve.PrometheusEnabled() {
		p := serve.Prometheus
		l := &Listener{Name: config.ListenerPrometheus, Config: p.Listener(), Mux: http.NewServeMux()}
		s.mountMeta(l)
		l.Mux.Handle("GET "+p.MetricsPath, s.metricsHandler())
		s.listeners = append(s.listeners, l)
		m, err := httpx.NewOathkeeperMetrics(reg, p.MetricNamePrefix, p.HideRequestPaths, p.Collapse())
		if err != nil {
			// Validate refuses the prefixes that could collide with ours;
			// unreachable in practice.
			slog.Warn("not counting requests under Oathkeeper's metric names", "error", err)
		}
		s.oathkeeper = m
	}
	return s
}

// SetTracer gives every request on the listeners (but the metrics
// listener's) a server span. Call it before Serve; without it nothing is
// traced.
func (s *Server) SetTracer(t httpx.Tracer) { s.tracer = t }

// Listener returns the named listener, or nil when it is disabled.
func (s *Server) Listener(name string) *Listener {
	for _, l := range s.listeners {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Listeners returns the enabled listeners.
func (s *Server) Listeners() []*Listener { return s.listeners }

// Bind opens every listener's socket. It is separate from Serve so the
// caller can fail before doing anything else when a port is taken.
func (s *Server) Bind() error {
	for _, l := range s.listeners {
		ln, err := net.Listen("tcp", l.Config.Addr())
		if err != nil {
			for _, b := range s.bound {
				b.Close()
			}
			s.bound = nil
			return fmt.Errorf("serve.%s: cannot listen on %s: %w", l.Name, l.Config.Addr(), unwrapOp(err))
		}
		if l.Config.TLS != nil {
			cert, err := loadCert(l.Config.TLS)
			if err != nil {
				ln.Close()
				return fmt.Errorf("serve.%s.tls: %w", l.Name, err)
			}
			ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		}
		s.bound = append(s.bound, ln)
	}
	return nil
}

// Addr returns the bound address of the named listener (after Bind).
func (s *Server) Addr(name string) net.Addr {
	for i, l := range s.listeners {
		if l.Name == name && i < len(s.bound) {
			return s.bound[i].Addr()
		}
	}
	return nil
}

// Serve serves every bound listener until ctx is done, then reports
// not-ready and drains in-flight requests for up to the shutdown timeout.
func (s *Server) Serve(ctx context.Context) error {
	if len(s.bound) != len(s.listeners) {
		if err := s.Bind(); err != nil {
			return err
		}
	}
	servers := make([]*http.Server, len(s.listeners))
	errc := make(chan error, len(s.listeners))
	for i, l := range s.listeners {
		t := l.Config.Timeout
		srv := &http.Server{
			Handler:           s.handler(l),
			ReadHeaderTimeout: t.ReadHeader.D(),
			ReadTimeout:       t.Read.D(),
			WriteTimeout:      t.Write.D(),
			IdleTimeout:       t.Idle.D(),
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
		}
		servers[i] = srv
		slog.Info("listening", "listener", l.Name, "addr", s.bound[i].Addr().String(), "base_url", l.Config.BaseURL)
		go func(ln net.Listener) {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve.%s: %w", l.Name, err)
			}
		}(s.bound[i])
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.draining.Store(true)
	slog.Info("shutting down: draining in-flight requests", "timeout", s.shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Shutdown(sctx); err != nil {
				slog.Warn("requests were still running when the shutdown timeout passed; closing them", "error", err)
				srv.Close()
			}
		}()
	}
	wg.Wait()
	return serveErr
}

// handler builds the middleware chain. Observe must wrap the mux without a
// request copy in between, so it can read the matched pattern.
func (s *Server) handler(l *Listener) http.Handler {
	var h http.Handler = l.Mux
	h = httpx.CORS(l.Config.CORS, h)
	if !l.Streaming {
		h = httpx.LimitBody(l.Config.MaxBodyBytes, h)
	}
	h = httpx.Recover(h)
	h = httpx.Observe(s.observation(l), h)
	ipr, err := httpx.NewClientIPResolver(l.Config.TrustForward, l.Config.TrustedProxies)
	if err != nil {
		// Validated at start-up (see Validate); unreachable in practice.
		ipr, _ = httpx.NewClientIPResolver(false, nil)
	}
	h = ipr.Middleware(h)
	return httpx.WithRequestID(h)
}

// observation is what Observe records on l. The metrics listener is
// scraped every few seconds: it is counted, but neither logged nor traced.
func (s *Server) observation(l *Listener) httpx.Observation {
	o := httpx.Observation{Listener: l.Name, Metrics: s.metrics, QuietHealth: l.Config.RequestLog.DisableForHealth, Tracer: s.tracer}
	switch l.Name {
	case config.ListenerPrometheus:
		o.Quiet, o.Tracer = true, nil
	case config.ListenerProxy, config.ListenerAPI:
		// Oathkeeper's service label values for its two listeners.
		if s.oathkeeper != nil {
			o.Oathkeeper, o.Service = s.oathkeeper, "oathkeeper-"+l.Name
		}
	}
	return o
}

// Validate checks the listener settings that the schema cannot.
func Validate(serve config.Serve) error {
	if serve.PrometheusEnabled() {
		if err := validatePrometheus(serve.Prometheus); err != nil {
			return err
		}
	}
	for _, nl := range serve.All() {
		if !nl.IsEnabled() {
			continue
		}
		if _, err := httpx.NewClientIPResolver(nl.TrustForward, nl.TrustedProxies); err != nil {
			return fmt.Errorf("serve.%s.trusted_proxies: %w", nl.Name, err)
		}
		if nl.TLS != nil {
			if _, err := loadCert(nl.TLS); err != nil {
				return fmt.Errorf("serve.%s.tls: %w", nl.Name, err)
			}
		}
	}
	return nil
}

// validatePrometheus refuses a metrics path that another route of the
// listener holds, and a name prefix that could collide with Cerberus's own
// metrics (all named cerberus_*).
func validatePrometheus(p *config.Prometheus) error {
	switch p.MetricsPath {
	case "/health/alive", "/health/ready", "/version":
		return fmt.Errorf("serve.prometheus.metrics_path: %s is the listener's own route; choose another path (default /metrics)", p.MetricsPath)
	}
	if strings.HasPrefix(p.MetricNamePrefix, "cerberus_") {
		return fmt.Errorf("serve.prometheus.metric_name_prefix: %q would mix the Oathkeeper-named metrics with Cerberus's own (cerberus_*); choose another prefix (default ory_oathkeeper_)", p.MetricNamePrefix)
	}
	return nil
}

func loadCert(t *config.TLS) (tls.Certificate, error) {
	cert, err := pemBytes(t.Cert)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cert: %w", err)
	}
	key, err := pemBytes(t.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("key: %w", err)
	}
	c, err := tls.X509KeyPair(cert, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate and key do not form a pair: %w", err)
	}
	return c, nil
}

func pemBytes(p config.PEM) ([]byte, error) {
	if p.Path != "" {
		return os.ReadFile(p.Path)
	}
	return base64.StdEncoding.DecodeString(p.Base64)
}

func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}

// metricsHandler serves the registry in the Prometheus text format.
func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{})
}
