package config

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadString(t *testing.T, body string, env ...string) (*Config, error) {
	t.Helper()
	p := write(t, t.TempDir(), "c.yaml", body)
	return Load(Options{Files: []string{p}, Environ: env})
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *config.Error, got %v", err)
	}
	var out []string
	for _, p := range ce.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestValidationNamesKeyAndReason(t *testing.T) {
	cases := []struct {
		name, config string
		want         []string
	}{
		{"port above range", "serve:\n  public:\n    port: 70000\n",
			[]string{"serve.public.port: must be <= 65535 but found 70000"}},
		{"wrong type", "serve:\n  admin:\n    port: lots\n",
			[]string{"serve.admin.port: must be integer, not string"}},
		{"typo gets a suggestion", "serve:\n  public:\n    prot: 4433\n",
			[]string{"serve.public.prot: unknown key (did you mean port?)"}},
		{"unknown top-level key", "frobnicate: true\n",
			[]string{"frobnicate: unknown key"}},
		{"short secret is refused, with index", "secrets:\n  system: [\"ok-ok-ok-ok-ok-ok-ok\", \"short\"]\n",
			[]string{"secrets.system[1]: length must be >= 16, but got 5"}},
		{"Hydra key at the top level points under oauth2", "urls:\n  self:\n    issuer: https://x/\n",
			[]string{"urls: known Ory key, not supported by this version here: Hydra's keys go one level down, under oauth2 (oauth2.urls)"}},
		{"every problem is reported, sorted by path",
			"serve:\n  public:\n    port: 0\n  admin:\n    port: 99999\nlog:\n  level: loud\n",
			[]string{
				"log.level: value must be one of \"trace\", \"debug\", \"info\", \"warn\", \"warning\", \"error\", \"fatal\", \"panic\"",
				"serve.admin.port: must be <= 65535 but found 99999",
				"serve.public.port: must be >= 1 but found 0",
			}},
		{"courier http channel is a known Ory key we refuse", "courier:\n  http:\n    request_config: {url: https://x/}\n",
			[]string{"courier.http: known Ory key, not supported by this version"}},
		{"a typo in the courier section is a typo, not an unsupported key", "courier:\n  smtp:\n    from_adress: a@b.c\n",
			[]string{"courier.smtp.from_adress: unknown key (did you mean from_address?)"}},
		{"sign-in by code is refused rather than ignored", "selfservice:\n  methods:\n    code:\n      passwordless_enabled: true\n",
			[]string{"selfservice.methods.code.passwordless_enabled: value must be false"}},
		{"recovery use is code or link", "selfservice:\n  flows:\n    recovery:\n      use: sms\n",
			[]string{"selfservice.flows.recovery.use: value must be one of \"code\", \"link\""}},
		{"a courier template URL must be file or base64", "courier:\n  templates:\n    recovery:\n      valid:\n        email:\n          subject: https://x/\n",
			[]string{"courier.templates.recovery.valid.email.subject: does not match pattern '^(file|base64)://'"}},
		{"tls needs a cert and key", "serve:\n  public:\n    tls:\n      cert: {path: /x}\n",
			[]string{"serve.public.tls: missing required key 'key'"}},
		{"a typo in tracing is a typo, not an unsupported key", "tracing:\n  providers:\n    otlp:\n      server_ulr: x:4318\n",
			[]string{"tracing.providers.otlp.server_ulr: unknown key (did you mean server_url?)"}},
		{"OpenTracing-era jaeger sampling keys are known Ory keys we refuse", "tracing:\n  providers:\n    jaeger:\n      sampling:\n        type: const\n",
			[]string{"tracing.providers.jaeger.sampling.type: known Ory key, not supported by this version"}},
		{"Hydra's tracing pasted under oauth2 points at the top level", "oauth2:\n  tracing:\n    provider: jaeger\n",
			[]string{"oauth2.tracing: known Ory key, not supported by this version here: Cerberus has one tracing section for the whole process, at the top level"}},
		{"a typo in serve.prometheus is a typo", "serve:\n  prometheus:\n    metric_path: /m\n",
			[]string{"serve.prometheus.metric_path: unknown key (did you mean metrics_path?)"}},
		{"sampling ratios are shares", "tracing:\n  providers:\n    jaeger:\n      sampling:\n        trace_id_ratio: 2\n",
			[]string{"tracing.providers.jaeger.sampling.trace_id_ratio: must be <= 1 but found 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadString(t, c.config)
			if err == nil {
				t.Fatal("invalid config was accepted")
			}
			got := problems(t, err)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := loadString(t, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"public": 4433, "admin": 4434, "proxy": 4455, "api": 4456}
	for _, l := range c.Serve.All() {
		if l.Port != want[l.Name] || !l.IsEnabled() {
			t.Errorf("%s: port %d enabled %v", l.Name, l.Port, l.IsEnabled())
		}
	}
	if c.Serve.Public.BaseURL != "http://127.0.0.1:4433/" {
		t.Errorf("public base_url = %q", c.Serve.Public.BaseURL)
	}
	if c.Log.Level != "info" || c.Serve.ShutdownTimeout.D().Seconds() != 30 {
		t.Errorf("defaults not filled: %+v", c.Log)
	}
}

// serve.prometheus is Oathkeeper's metrics listener: off when absent, on
// with Oathkeeper's defaults when present, also through the environment.
func TestPrometheusListenerIsEnabledByPresence(t *testing.T) {
	c, err := loadString(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.PrometheusEnabled() {
		t.Fatal("absent serve.prometheus enabled the listener")
	}
	for name, body := range map[string]string{
		"seed 001 form": "serve:\n  prometheus:\n    port: 9000\n",
		"host only":     "serve:\n  prometheus:\n    host: 0.0.0.0\n",
	} {
		c, err := loadString(t, body)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Serve.Prometheus
		if !c.Serve.PrometheusEnabled() || p.Port != 9000 || p.MetricsPath != "/metrics" ||
			p.MetricNamePrefix != "ory_oathkeeper_" || !p.Collapse() || p.HideRequestPaths {
			t.Errorf("%s: enabled %v, %+v", name, c.Serve.PrometheusEnabled(), p)
		}
		if l := p.Listener(); l.Addr() != net.JoinHostPort(p.Host, "9000") || l.MaxBodyBytes == 0 || l.Timeout.ReadHeader == 0 {
			t.Errorf("%s: listener %+v", name, l)
		}
	}
	c, err = loadString(t, "serve:\n  prometheus:\n    enabled: false\n")
	if err != nil || c.Serve.PrometheusEnabled() {
		t.Fatalf("enabled: false: %v %v", err, c.Serve.PrometheusEnabled())
	}
	c, err = loadString(t, "", "SERVE_PROMETHEUS_PORT=9100")
	if err != nil || !c.Serve.PrometheusEnabled() || c.Serve.Prometheus.Port != 9100 {
		t.Fatalf("SERVE_PROMETHEUS_PORT: %v %+v", err, c.Serve.Prometheus)
	}
}

func TestEnvironmentOverridesByPath(t *testing.T) {
	dir := t.TempDir()
	secretFile := write(t, dir, "cookie-secret", "from-a-file-0123456789\n")
	c, err := loadString(t, "dsn: postgres://file/db\nserve:\n  public:\n    port: 1000\n",
		"DSN=postgres://env/db",
		"SERVE_PUBLIC_PORT=5000",
		"SERVE_ADMIN_ENABLED=false",
		"SECRETS_SYSTEM_0=first-secret-0123456789",
		"SECRETS_SYSTEM_1=second-secret-0123456789",
		"SECRETS_COOKIE_0_FILE="+secretFile,
		"SERVE_PROXY_CORS_ALLOWED_ORIGINS=https://a.example.com,https://*.example.com",
		"SERVE_SHUTDOWN_TIMEOUT=5s",
		// Stray variables that match no key are ignored, even when a prefix matches.
		"PATH=/usr/bin", "HOME=/root", "SERVE_PUBLIC_NOPE=1", "serve_public_port=1",
	)
	if err != nil {
		t.Fatal(err)
	}
	if c.DSN != "postgres://env/db" {
		t.Errorf("DSN = %q", c.DSN)
	}
	if c.Serve.Public.Port != 5000 {
		t.Errorf("SERVE_PUBLIC_PORT not applied: %d", c.Serve.Public.Port)
	}
	if c.Serve.Admin.IsEnabled() {
		t.Error("SERVE_ADMIN_ENABLED=false not applied")
	}
	if strings.Join(c.Secrets.System, ",") != "first-secret-0123456789,second-secret-0123456789" {
		t.Errorf("secrets.system = %v", c.Secrets.System)
	}
	if len(c.Secrets.Cookie) != 1 || c.Secrets.Cookie[0] != "from-a-file-0123456789" {
		t.Errorf("SECRETS_COOKIE_0_FILE not applied: %v", c.Secrets.Cookie)
	}
	if got := c.Serve.Proxy.CORS.AllowedOrigins; len(got) != 2 || got[1] != "https://*.example.com" {
		t.Errorf("comma-separated list not applied: %v", got)
	}
	if c.Serve.ShutdownTimeout.D().Seconds() != 5 {
		t.Errorf("duration override: %v", c.Serve.ShutdownTimeout.D())
	}
}

func TestEnvironmentValuesAreValidated(t *testing.T) {
	_, err := loadString(t, "", "SERVE_PUBLIC_PORT=http")
	got := problems(t, err)
	if len(got) != 1 || !strings.HasPrefix(got[0], "serve.public.port: from environment variable SERVE_PUBLIC_PORT:") {
		t.Fatalf("problems: %v", got)
	}
	_, err = loadString(t, "", "SERVE_PUBLIC_PORT=70000")
	if got := problems(t, err); len(got) != 1 || got[0] != "serve.public.port: must be <= 65535 but found 70000" {
		t.Fatalf("problems: %v", got)
	}
}

func TestRelativeFileURLsResolveAgainstTheConfigFile(t *testing.T) {
	// Exercised on a document shaped like the head sections that carry
	// file:// URLs (identity schemas, rule repositories, mappers).
	doc := map[string]any{
		"identity": map[string]any{"schemas": []any{
			map[string]any{"url": "file://./schemas/a.json"},
			map[string]any{"url": "file://b.json"},
			map[string]any{"url": "file:///abs/c.json"},
			map[string]any{"url": "https://x/file://y"},
		}},
	}
	resolveFileURLs(doc, "/etc/cerberus")
	got := doc["identity"].(map[string]any)["schemas"].([]any)
	want := []string{"file:///etc/cerberus/schemas/a.json", "file:///etc/cerberus/b.json", "file:///abs/c.json", "https://x/file://y"}
	for i, w := range want {
		if u := got[i].(map[string]any)["url"]; u != w {
			t.Errorf("%d: %v, want %s", i, u, w)
		}
	}
}

func TestFilesMergeInOrder(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.yaml", "serve:\n  public:\n    port: 1111\n  admin:\n    port: 2222\n")
	b := write(t, dir, "b.json", `{"serve":{"public":{"port":3333}}}`)
	c, err := Load(Options{Files: []string{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.Public.Port != 3333 || c.Serve.Admin.Port != 2222 {
		t.Fatalf("merge: public %d admin %d", c.Serve.Public.Port, c.Serve.Admin.Port)
	}
}

func TestUnreadableAndMalformedFiles(t *testing.T) {
	if _, err := Load(Options{Files: []string{"/nonexistent/c.yaml"}}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing file: %v", err)
	}
	p := write(t, t.TempDir(), "bad.yaml", "serve:\n  public: [\n")
	if _, err := Load(Options{Files: []string{p}}); err == nil || !strings.Contains(err.Error(), "parsing config") {
		t.Fatalf("malformed file: %v", err)
	}
	p = write(t, t.TempDir(), "list.yaml", "- a\n- b\n")
	if _, err := Load(Options{Files: []string{p}}); err == nil || !strings.Contains(err.Error(), "mapping") {
		t.Fatalf("top-level list: %v", err)
	}
}

func TestRequireServe(t *testing.T) {
	c, err := loadString(t, "")
	if err != nil {
		t.Fatal(err)
	}
	got := problems(t, c.RequireServe())
	if len(got) != 3 || !strings.HasPrefix(got[0], "dsn: missing") {
		t.Fatalf("problems: %v", got)
	}
	c, _ = loadString(t, "dsn: postgres://x/y\nsecrets:\n  default: [\"0123456789abcdef0\"]\n")
	if err := c.RequireServe(); err != nil {
		t.Fatalf("secrets.default should satisfy both lists: %v", err)
	}
}
