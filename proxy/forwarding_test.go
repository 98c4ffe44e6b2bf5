package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const hostileRules = `
- id: public
  match: { url: "http<s?>://<[^/]+>/public/<.*>", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}/base", strip_path: /public }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
- id: admin
  match: { url: "http://<[^/]+>/admin<(/.*)?>", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: deny }
- id: https-only
  match: { url: "https://<[^/]+>/secure", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
`

const hostileConfig = `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  anonymous: { enabled: true, config: { subject: guest } }
authorizers:
  allow: { enabled: true }
  deny: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}" } } }
`

func hostileFixture(t *testing.T, extra string) (*fixture, *httptest.Server) {
	up := newEcho(t)
	return newFixture(t, fixtureOpts{config: hostileConfig + extra, rules: hostileRules, vars: map[string]string{"UPSTREAM": up.URL}}), up
}

// rawGet sends a request line as written, bypassing Go's URL cleaning.
func rawGet(t *testing.T, base, target string, hdr ...string) (int, string, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n"
	for i := 0; i+1 < len(hdr); i += 2 {
		req += hdr[i] + ": " + hdr[i+1] + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func TestHostileURLs(t *testing.T) {
	f, _ := hostileFixture(t, "")
	// Dot segments, plain or percent-encoded, never reach the rules: the
	// upstream could resolve /public/%2e%2e/admin to /admin after the rule
	// for /public allowed it.
	for _, p := range []string{"/public/../admin", "/public/%2e%2e/admin", "/public/..%2Fadmin"} {
		code, loc, body := rawGet(t, f.proxy.URL, p)
		if code == 200 {
			t.Errorf("%s was served: %s", p, body)
		}
		if code/100 == 3 && !strings.HasPrefix(loc, "/admin") && !strings.HasPrefix(loc, "/public") {
			t.Errorf("%s redirected to %q", p, loc)
		}
	}
	// An encoded slash is matched decoded and forwarded encoded.
	code, _, body := rawGet(t, f.proxy.URL, "/public/a%2Fb?x=1")
	if code != 200 {
		t.Fatalf("encoded slash: %d %s", code, body)
	}
	if e := decodeEcho(t, body); e.Path != "/base/a/b" || e.Raw != "/base/a%2Fb" || e.Query != "x=1" {
		t.Errorf("upstream got %q raw %q", e.Path, e.Raw)
	}
	// strip_path stops at segment boundaries.
	code, _, body = rawGet(t, f.proxy.URL, "/public/publicity")
	if e := decodeEcho(t, body); code != 200 || e.Path != "/base/publicity" {
		t.Errorf("strip_path: %d %q", code, e.Path)
	}
	// A very long path is matched (linearly) and answered, not crashed on.
	long := "/public/" + strings.Repeat("a", 32<<10)
	if code, _, _ := rawGet(t, f.proxy.URL, long); code != 200 {
		t.Errorf("long path: %d", code)
	}
	// The decision API refuses dot segments outright.
	res, body := do(t, "GET", f.api.URL+"/decisions", map[string]string{"X-Forwarded-Uri": "/public/../admin", "X-Forwarded-Host": "app.test"})
	if res.StatusCode != 400 {
		t.Errorf("decision with ..: %d %s", res.StatusCode, body)
	}
	res, _ = do(t, "GET", f.api.URL+"/decisions", map[string]string{"X-Forwarded-Uri": "/public/%2e%2E/admin", "X-Forwarded-Host": "app.test"})
	if res.StatusCode != 400 {
		t.Errorf("decision with encoded ..: %d", res.StatusCode)
	}
}

// On the proxy listener, forwarding headers count only from trusted
// proxies: a client cannot claim TLS, a host or an address.
func TestSpoofedForwardingHeaders(t *testing.T) {
	f, _ := hostileFixture(t, "")
	hdr := map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.test", "X-Forwarded-Proto": "https", "X-Real-Ip": "6.6.6.6", "Forwarded": "for=6.6.6.6"}
	res, body := do(t, "GET", f.proxy.URL+"/public/x", hdr)
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	e := decodeEcho(t, body)
	if e.Header.Get("X-Forwarded-For") != "127.0.0.1" || e.Header.Get("X-Real-Ip") != "127.0.0.1" || e.Header.Get("X-Forwarded-Proto") != "http" ||
		strings.Contains(e.Header.Get("X-Forwarded-Host"), "evil") || e.Header.Get("Forwarded") != "" {
		t.Errorf("untrusted forwarding headers reached the upstream: %v", e.Header)
	}
	// Claiming https does not select the https-only rule.
	if res, _ := do(t, "GET", f.proxy.URL+"/secure", hdr); res.StatusCode != 404 {
		t.Errorf("https rule matched through a spoofed X-Forwarded-Proto: %d", res.StatusCode)
	}

	// Behind a trusted proxy, its headers count and are extended.
	tf, _ := hostileFixture(t, "serve:\n  proxy:\n    trust_forwarded_headers: true\n    trusted_proxies: [127.0.0.1/32]\n")
	res, body = do(t, "GET", tf.proxy.URL+"/public/x", map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "app.example.com", "X-Forwarded-Proto": "https"})
	e = decodeEcho(t, body)
	if res.StatusCode != 200 || e.Header.Get("X-Forwarded-For") != "203.0.113.9, 127.0.0.1" || e.Header.Get("X-Real-Ip") != "203.0.113.9" ||
		e.Header.Get("X-Forwarded-Proto") != "https" || e.Header.Get("X-Forwarded-Host") != "app.example.com" {
		t.Errorf("trusted: %d %v", res.StatusCode, e.Header)
	}
	if res, _ := do(t, "GET", tf.proxy.URL+"/secure", map[string]string{"X-Forwarded-Proto": "https"}); res.StatusCode != 200 {
		t.Errorf("https via a trusted proxy: %d", res.StatusCode)
	}
}

// The decision API reads the original request from X-Forwarded-* (nginx,
// Traefik, Caddy) or from the path after /decisions (Envoy, Istio).
func TestDecisionAPIForwardedRequest(t *testing.T) {
	f, _ := hostileFixture(t, "")
	cases := []struct {
		name string
		path string
		hdr  map[string]string
		code int
	}{
		{"path after /decisions, Host", "/decisions/public/a", map[string]string{"Host": "app.test"}, 200},
		{"X-Forwarded-Uri with query", "/decisions", map[string]string{"X-Forwarded-Uri": "/public/a?b=c", "X-Forwarded-Host": "app.test", "X-Forwarded-Method": "GET"}, 200},
		{"X-Forwarded-Method decides", "/decisions/public/a", map[string]string{"X-Forwarded-Method": "DELETE"}, 404},
		{"X-Forwarded-Proto decides", "/decisions/secure", map[string]string{"X-Forwarded-Proto": "https"}, 200},
		{"deny", "/decisions/admin/users", nil, 403},
		{"no rule", "/decisions/nothing", nil, 404},
	}
	for _, c := range cases {
		res, body := do(t, "GET", f.api.URL+c.path, c.hdr)
		if res.StatusCode != c.code {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, body)
		}
		if c.code == 200 && !strings.Contains(c.path, "secure") && res.Header.Get("X-User-Id") != "guest" {
			t.Errorf("%s: X-User-Id %q", c.name, res.Header.Get("X-User-Id"))
		}
	}
	// POST bodies are not needed: a decision request never forwards.
	res, _ := do(t, "POST", f.api.URL+"/decisions/public/a", map[string]string{"X-Forwarded-Method": "GET"})
	if res.StatusCode != 200 {
		t.Errorf("POST decision for a GET: %d", res.StatusCode)
	}
}

// WebSockets pass through (and outlive the listener's timeouts) and
// streamed responses reach the client as they are written.
func TestUpgradeAndStreaming(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			w.Header().Set("Content-Type", "text/event-stream")
			for i := 0; i < 3; i++ {
				fmt.Fprintf(w, "data: %d\n\n", i)
				w.(http.Flusher).Flush()
				time.Sleep(50 * time.Millisecond)
			}
			return
		}
		if r.Header.Get("Upgrade") != "websocket" || r.Header.Get("X-User-Id") != "guest" {
			http.Error(w, "want an upgrade with X-User-Id", 400)
			return
		}
		c, brw, _ := http.NewResponseController(w).Hijack()
		defer c.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = brw.Flush()
		line, _ := brw.ReadString('\n')
		_, _ = brw.WriteString("echo " + line)
		_ = brw.Flush()
	}))
	t.Cleanup(up.Close)
	f := newFixture(t, fixtureOpts{config: anonymousConfig, vars: map[string]string{"UPSTREAM": up.URL},
		rules: `[{"id":"all","match":{"url":"http://<[^/]+>/<.*>","methods":["GET"]},"upstream":{"url":"{{UPSTREAM}}"},
"authenticators":[{"handler":"anonymous"}],"authorizer":{"handler":"allow"},"mutators":[{"handler":"header"}]}]`})

	c, err := net.Dial("tcp", strings.TrimPrefix(f.proxy.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: app.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-User-Id: admin\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", res, err)
	}
	_, _ = io.WriteString(c, "hello\n")
	if line, _ := br.ReadString('\n'); line != "echo hello\n" {
		t.Fatalf("websocket echo = %q", line)
	}

	res2, err := http.Get(f.proxy.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	first := make([]byte, 8)
	start := time.Now()
	if _, err := io.ReadFull(res2.Body, first); err != nil || string(first) != "data: 0\n" {
		t.Fatalf("first event: %q %v", first, err)
	}
	if time.Since(start) > 100*time.Millisecond {
		// Not a timing assertion on speed: the first event must arrive
		// before the upstream has written the rest (150ms).
		t.Logf("first event after %s", time.Since(start))
	}
}
