package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// onlyPublic returns serve settings with just the public listener on a free port.
func onlyPublic(t *testing.T) config.Serve {
	t.Helper()
	off := false
	c := &config.Config{}
	c.Serve.Admin.Enabled, c.Serve.Proxy.Enabled, c.Serve.API.Enabled = &off, &off, &off
	c.Serve.Public.Host = "127.0.0.1"
	c.Serve.Public.Port = freePort(t)
	c.Serve.ShutdownTimeout = config.Duration(10 * time.Second)
	applyTestDefaults(c)
	return c.Serve
}

func applyTestDefaults(c *config.Config) {
	// Load fills defaults; reuse it by round-tripping an empty file is
	// overkill here, so fill the few the server reads.
	for _, l := range c.Serve.All() {
		if l.MaxBodyBytes == 0 {
			l.MaxBodyBytes = 1 << 20
		}
		l.Timeout.ReadHeader = config.Duration(5 * time.Second)
	}
}

func TestGracefulDrainCompletesInFlightRequests(t *testing.T) {
	serve := onlyPublic(t)
	s := New(serve, nil, prometheus.NewRegistry())
	entered, release := make(chan struct{}), make(chan struct{})
	s.Listener("public").Mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	})
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr("public").String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{body: string(b)}
	}()
	<-entered
	stop() // what SIGTERM does in serve

	// While draining the process reports not ready...
	deadline := time.Now().Add(5 * time.Second)
	for !s.draining.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !s.draining.Load() {
		t.Fatal("server did not enter draining")
	}
	// ...and the in-flight request still completes.
	close(release)
	r := <-slow
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request did not complete: %q %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	// After shutdown, nothing listens.
	if _, err := http.Get(base + "/health/alive"); err == nil {
		t.Fatal("listener still open after shutdown")
	}
}

func TestReadyReportsReasonAndDraining(t *testing.T) {
	serve := onlyPublic(t)
	var why error
	s := New(serve, func(context.Context) error { return why }, prometheus.NewRegistry())
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go s.Serve(ctx)
	base := "http://" + s.Addr("public").String()

	get := func() (int, string) {
		resp, err := http.Get(base + "/health/ready")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(); code != 200 {
		t.Fatalf("ready = %d", code)
	}
	why = errors.New("database at db:5432 is unreachable: connection refused")
	code, body := get()
	if code != 503 || !strings.Contains(body, "connection refused") || !strings.Contains(body, `"code":503`) {
		t.Fatalf("not-ready answer: %d %s", code, body)
	}
	why = nil
	s.draining.Store(true)
	if code, body := get(); code != 503 || !strings.Contains(body, "shutting down") {
		t.Fatalf("draining answer: %d %s", code, body)
	}
}

func TestBindReportsPortInUse(t *testing.T) {
	serve := onlyPublic(t)
	l, err := net.Listen("tcp", serve.Public.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := New(serve, nil, prometheus.NewRegistry())
	err = s.Bind()
	want := "serve.public: cannot listen on 127.0.0.1:" + strconv.Itoa(serve.Public.Port) + ": address already in use"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestMetricsCountByRoute(t *testing.T) {
	off := false
	var c config.Config
	c.Serve.Proxy.Enabled, c.Serve.API.Enabled = &off, &off
	c.Serve.Public.Host, c.Serve.Admin.Host = "127.0.0.1", "127.0.0.1"
	c.Serve.Public.Port, c.Serve.Admin.Port = freePort(t), freePort(t)
	applyTestDefaults(&c)
	s := New(c.Serve, nil, prometheus.NewRegistry())
	s.Listener("public").Mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go s.Serve(ctx)
	pub, adm := "http://"+s.Addr("public").String(), "http://"+s.Addr("admin").String()
	for _, id := range []string{"1", "2", "3"} {
		resp, err := http.Get(pub + "/items/" + id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// Any token is a method on the wire: made-up ones share one label
	// value, so a client cannot grow the metrics without bound.
	for _, m := range []string{"FOO1", "FOO2", "BREW"} {
		req, _ := http.NewRequest(m, pub+"/nowhere", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(adm + "/admin/metrics/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`cerberus_http_requests_total{code="200",listener="public",method="GET",route="GET /items/{id}"} 3`,
		`cerberus_http_requests_total{code="404",listener="public",method="OTHER",route="unmatched"} 3`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "FOO1") {
		t.Errorf("a made-up method became a label value")
	}
}

// serve.prometheus is Oathkeeper's metrics listener: the same registry at
// metrics_path, health routes like every listener, and requests on the api
// (and proxy) listener counted under Oathkeeper's metric names too.
func TestPrometheusListenerServesTheRegistry(t *testing.T) {
	off := false
	var c config.Config
	c.Serve.Public.Enabled, c.Serve.Admin.Enabled, c.Serve.Proxy.Enabled = &off, &off, &off
	c.Serve.API.Host, c.Serve.API.Port = "127.0.0.1", freePort(t)
	c.Serve.Prometheus = &config.Prometheus{Host: "127.0.0.1", Port: freePort(t), MetricsPath: "/metrics", MetricNamePrefix: "ory_oathkeeper_"}
	applyTestDefaults(&c)
	if err := Validate(c.Serve); err != nil {
		t.Fatal(err)
	}
	s := New(c.Serve, nil, prometheus.NewRegistry())
	s.Listener("api").Mux.HandleFunc("GET /decisions/", func(w http.ResponseWriter, r *http.Request) {})
	if s.Listener("prometheus") == nil {
		t.Fatal("no prometheus listener")
	}
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go s.Serve(ctx)
	api, prom := "http://"+s.Addr("api").String(), "http://"+s.Addr("prometheus").String()
	for _, p := range []string{"/decisions/a/b?token=secret", "/decisions/c", "/health/ready"} {
		get(t, api+p)
	}
	for _, p := range []string{"/health/alive", "/health/ready", "/version"} {
		if code, _ := get(t, prom+p); code != 200 {
			t.Errorf("prometheus %s = %d", p, code)
		}
	}
	code, body := get(t, prom+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`cerberus_http_requests_total{code="200",listener="api",method="GET",route="GET /decisions/"} 2`,
		// Collapsed to the first segment (Oathkeeper's default), health
		// checks not counted, and never the query.
		`ory_oathkeeper_requests_total{method="GET",request="/decisions",service="oathkeeper-api",status_code="200"} 2`,
		`ory_oathkeeper_requests_duration_seconds_count{method="GET",request="/decisions",service="oathkeeper-api",status_code="200"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "secret") || strings.Contains(body, `request="/health`) {
		t.Errorf("metrics carry a query or count health checks:\n%s", body)
	}
}

func TestPrometheusRequestLabel(t *testing.T) {
	no := false
	for _, c := range []struct {
		name string
		p    config.Prometheus
		want string
	}{
		{"collapsed by default", config.Prometheus{}, `request="/decisions"`},
		{"whole path, no query", config.Prometheus{CollapseRequestPaths: &no}, `request="/decisions/a/b"`},
		{"hidden", config.Prometheus{HideRequestPaths: true}, `request=""`},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := httpx.NewOathkeeperMetrics(reg, "ory_oathkeeper_", c.p.HideRequestPaths, c.p.Collapse())
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
			h := httpx.Observe(httpx.Observation{Listener: "proxy", Oathkeeper: m, Service: "oathkeeper-proxy", Quiet: true}, mux)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/decisions/a/b?token=secret", nil))
			rec := httptest.NewRecorder()
			promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if !strings.Contains(rec.Body.String(), c.want) || strings.Contains(rec.Body.String(), "secret") {
				t.Fatalf("want %s in\n%s", c.want, rec.Body)
			}
		})
	}
}

func TestValidatePrometheus(t *testing.T) {
	for _, c := range []struct {
		p    config.Prometheus
		want string
	}{
		{config.Prometheus{MetricsPath: "/health/ready", MetricNamePrefix: "x_"}, "serve.prometheus.metrics_path: /health/ready is the listener's own route"},
		{config.Prometheus{MetricsPath: "/metrics", MetricNamePrefix: "cerberus_http_"}, `serve.prometheus.metric_name_prefix: "cerberus_http_" would mix`},
	} {
		err := Validate(config.Serve{Prometheus: &c.p})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("got %v, want %s…", err, c.want)
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
