package proxy

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// echo is an upstream that answers with what it received.
type echoed struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Raw    string      `json:"raw"`
	Query  string      `json:"query"`
	Host   string      `json:"host"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

func newEcho(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(echoed{Method: r.Method, Path: r.URL.Path, Raw: r.URL.RawPath, Query: r.URL.RawQuery,
			Host: r.Host, Header: r.Header, Body: string(b)})
	}))
	t.Cleanup(s.Close)
	return s
}

// fixture is a running head: config from YAML (with {{RULES}} replaced by
// the rules file's URL), the rules written to a temp file.
type fixture struct {
	t     *testing.T
	head  *Head
	proxy *httptest.Server
	api   *httptest.Server
	rules string // path of the rules file
	now   time.Time
	mu    sync.Mutex
	reg   *prometheus.Registry
}

type fixtureOpts struct {
	config  string
	rules   string
	sources Sources
	now     time.Time
	// vars replace {{NAME}} in config and rules (hosts and URLs of the
	// test's servers).
	vars map[string]string
}

func (o fixtureOpts) expand(s string) string {
	for k, v := range o.vars {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return s
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, rules: filepath.Join(dir, "rules.json"), now: o.now, reg: prometheus.NewRegistry()}
	if err := os.WriteFile(f.rules, []byte(o.expand(o.rules)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgText := strings.ReplaceAll(o.expand(o.config), "{{RULES}}", "file://"+filepath.ToSlash(f.rules))
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Files: []string{cfgPath}})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := New(context.Background(), Options{Config: cfg, Sources: o.sources, Registerer: f.reg, Logger: log, Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	f.head = h
	pm, am := http.NewServeMux(), http.NewServeMux()
	h.MountProxy(pm)
	h.MountAPI(am)
	wrap := func(listener config.Listener, mux http.Handler) http.Handler {
		ipr, _ := httpx.NewClientIPResolver(listener.TrustForward, listener.TrustedProxies)
		return httpx.WithRequestID(ipr.Middleware(httpx.CORS(listener.CORS, mux)))
	}
	f.proxy = httptest.NewServer(wrap(cfg.Serve.Proxy, pm))
	f.api = httptest.NewServer(wrap(cfg.Serve.API, am))
	t.Cleanup(f.proxy.Close)
	t.Cleanup(f.api.Close)
	return f
}

// clock is the real time unless the test set one.
func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.now.IsZero() {
		return time.Now()
	}
	return f.now
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func decodeEcho(t *testing.T, body string) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("upstream answer is not the echo: %v: %s", err, body)
	}
	return e
}

// tryFixture builds a head from config (access_rules added) and rules,
// returning New's error.
func tryFixture(t *testing.T, cfgText, rules string) (*Head, error) {
	t.Helper()
	dir := t.TempDir()
	rp := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(rp, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cp, []byte("access_rules: { repositories: [\"file://"+rp+"\"] }\n"+cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Files: []string{cp}})
	if err != nil {
		return nil, err
	}
	return New(context.Background(), Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}
