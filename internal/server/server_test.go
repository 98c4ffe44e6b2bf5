package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cerberus-iam/cerberus/internal/config"
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
	resp, err := http.Get(adm + "/admin/metrics/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `cerberus_http_requests_total{code="200",listener="public",method="GET",route="GET /items/{id}"} 3`
	if !strings.Contains(string(b), want) {
		t.Fatalf("metrics lack %s:\n%s", want, b)
	}
}
