package proxy

import (
	"net/http"
	"strings"
	"testing"
)

const anonymousConfig = `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  anonymous: { enabled: true, config: { subject: guest } }
authorizers:
  allow: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}" } } }
errors:
  handlers:
    json: { enabled: true, config: { verbose: true } }
`

func anonymousRules(upstream string) string {
	return `[{
  "id": "echo",
  "match": {"url": "http://<[^/]+>/echo<(/.*)?>", "methods": ["GET", "POST"]},
  "upstream": {"url": "` + upstream + `"},
  "authenticators": [{"handler": "anonymous"}],
  "authorizer": {"handler": "allow"},
  "mutators": [{"handler": "header"}]
}]`
}

func TestProxyAnonymousHeader(t *testing.T) {
	up := newEcho(t)
	f := newFixture(t, fixtureOpts{config: anonymousConfig, rules: anonymousRules(up.URL)})

	res, body := do(t, "GET", f.proxy.URL+"/echo/a?x=1", map[string]string{"X-User-Id": "admin", "X_User_Id": "admin"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	e := decodeEcho(t, body)
	if got := e.Header.Values("X-User-Id"); len(got) != 1 || got[0] != "guest" {
		t.Errorf("X-User-Id upstream = %q, want only guest (the client's must be replaced)", got)
	}
	for k := range e.Header {
		if strings.EqualFold(strings.ReplaceAll(k, "_", "-"), "x-user-id") && k != "X-User-Id" {
			t.Errorf("lookalike header %q reached the upstream", k)
		}
	}
	if e.Path != "/echo/a" || e.Query != "x=1" {
		t.Errorf("upstream got %s?%s", e.Path, e.Query)
	}

	res, body = do(t, "GET", f.api.URL+"/decisions/echo/b", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("X-User-Id") != "guest" {
		t.Fatalf("decision %d %q: %s", res.StatusCode, res.Header.Get("X-User-Id"), body)
	}

	res, body = do(t, "GET", f.proxy.URL+"/nothing", nil)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Requested url does not match any rules") {
		t.Fatalf("no rule: %d %s", res.StatusCode, body)
	}
	res, body = do(t, "GET", f.proxy.URL+"/echo", map[string]string{"Authorization": "Bearer x"})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("credentials anonymous cannot take: %d %s", res.StatusCode, body)
	}
}
